# Shared by the tool tests: a scratch folder, failure counting, and the
# check that a failing command prints one clear line and the right code.
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
failures=0

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# expect CODE WORD TOOL ARGS...: exit code CODE; if CODE is not 0, stderr is
# one line mentioning WORD. A crash (signal, sanitizer report) always fails.
expect() {
    local code="$1" word="$2"; shift 2
    "$@" >"$dir/out" 2>"$dir/err"
    local rc=$?
    [ "$rc" -lt 128 ] || fail "'$*' crashed (exit $rc): $(head -3 "$dir/err")"
    grep -q "Sanitizer" "$dir/err" && fail "'$*': sanitizer report: $(grep -m1 Sanitizer "$dir/err")"
    [ "$rc" -eq "$code" ] || fail "'$*' exited $rc, expected $code: $(head -3 "$dir/err")"
    if [ "$code" -ne 0 ]; then
        [ "$(grep -vc ': note: ' "$dir/err")" -eq 1 ] || fail "'$*' printed $(wc -l <"$dir/err") error lines: $(cat "$dir/err")"
        grep -qi -- "$word" "$dir/err" || fail "'$*' error does not mention '$word': $(cat "$dir/err")"
    fi
}

# Interleaved float32 samples of a float WAV file (its data chunk).
wav_data() {
    /usr/bin/python3 - "$1" "$2" <<'PY'
import struct, sys
d = open(sys.argv[1], 'rb').read()
i = 12
while i + 8 <= len(d):
    cid, n = d[i:i + 4], struct.unpack('<I', d[i + 4:i + 8])[0]
    if cid == b'data':
        open(sys.argv[2], 'wb').write(d[i + 8:i + 8 + n])
        break
    i += 8 + n + (n & 1)
PY
}

# The folder ../shared/data/SUBDIR, or the test is skipped (exit 77).
shared_data() {
    local d="${FASC_SHARED_DATA:-}/$1"
    if [ ! -d "$d" ]; then
        echo "no shared data at $d: skipped"
        exit 77
    fi
    echo "$d"
}

finish() {
    echo "$1: $failures failures"
    [ "$failures" -eq 0 ]
}
