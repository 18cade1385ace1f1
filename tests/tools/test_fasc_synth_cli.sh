#!/usr/bin/env bash
# fasc-synth from the command line: usage errors, formats, determinism,
# nothing half-written on failure.
set -u
synth="$1"
source "$(dirname "$0")/cli_lib.sh"

# expect_exit CODE WORD -- args...: fasc-synth's exit code and one stderr
# line naming WORD
expect_exit() {
    local code="$1" word="$2"; shift 3
    expect "$code" "$word" "$synth" "$@"
}

o=(-o "$dir/r.wav" --truth "$dir/t.tsv" --seconds 2)
expect_exit 2 output --
expect_exit 2 truth -- -o "$dir/r.wav"
expect_exit 2 channels -- "${o[@]}" --channels 0
expect_exit 2 channels -- "${o[@]}" --channels 300
expect_exit 2 rate -- "${o[@]}" --rate 100
expect_exit 2 rate -- "${o[@]}" --rate -2048
expect_exit 2 rate -- "${o[@]}" --rate 96000
expect_exit 2 seconds -- "${o[@]}" --seconds 0
expect_exit 2 seconds -- "${o[@]}" --seconds -5
expect_exit 2 fasc-per-min -- "${o[@]}" --fasc-per-min -1
expect_exit 2 units -- "${o[@]}" --units 65
expect_exit 2 mains -- "${o[@]}" --mains 55
expect_exit 2 grid -- "${o[@]}" --grid 3y3
expect_exit 2 option -- "${o[@]}" --bogus
expect_exit 2 extension -- -o "$dir/r.mp3" --truth "$dir/t.tsv"
expect_exit 2 FLAC -- -o "$dir/r.flac" --truth "$dir/t.tsv" --channels 9
expect_exit 2 "$dir/nope" -- -o "$dir/nope/r.wav" --truth "$dir/t.tsv"
expect_exit 2 "$dir/nope" -- -o "$dir/r.wav" --truth "$dir/nope/t.tsv"
[ -e "$dir/r.wav" ] && fail "a failed run left $dir/r.wav behind"
ls "$dir" | grep -q part && fail "a failed run left a .part file"

# An existing file survives a failed run.
echo keep >"$dir/keep.wav"
"$synth" -o "$dir/keep.wav" --truth "$dir/nope/t.tsv" 2>/dev/null
[ "$(cat "$dir/keep.wav")" = keep ] || fail "a failed run overwrote an existing recording"

# Every container, and the summary.
for ext in wav w64 rf64 flac aiff caf; do
    expect_exit 0 "" -- -o "$dir/r.$ext" --truth "$dir/t.$ext.tsv" --seconds 3 --channels 4 --all-artefacts
    [ -s "$dir/r.$ext" ] || fail "no $ext file"
done
expect_exit 0 "" -- -o "$dir/r16.wav" --truth "$dir/t16.tsv" --seconds 2 --format pcm16
grep -q "scale: 0.5" "$dir/out" || fail "pcm16 summary does not give the scale"
expect_exit 2 W64 -- -o "$dir/r16.w64" --truth "$dir/t16.tsv" --format pcm16

# Byte-identical output for the same arguments; different for another seed.
args=(--seconds 180 --channels 8 --all-artefacts --fasc-per-min 60 --seed 9)
"$synth" -o "$dir/a.wav" --truth "$dir/a.tsv" "${args[@]}" -q || fail "run a"
"$synth" -o "$dir/b.wav" --truth "$dir/b.tsv" "${args[@]}" -q || fail "run b"
cmp -s "$dir/a.wav" "$dir/b.wav" || fail "recordings differ between identical runs"
cmp -s "$dir/a.tsv" "$dir/b.tsv" || fail "truth files differ between identical runs"
"$synth" -o "$dir/c.wav" --truth "$dir/c.tsv" "${args[@]/9/10}" -q || fail "run c"
cmp -s "$dir/a.wav" "$dir/c.wav" && fail "another seed gave the same recording"
# Containers carry no time stamps: a second apart, still identical.
for ext in wav rf64 flac caf; do
    "$synth" -o "$dir/d.$ext" --truth "$dir/d.tsv" --seconds 5 -q || fail "$ext d"
    sleep 1.1
    "$synth" -o "$dir/e.$ext" --truth "$dir/e.tsv" --seconds 5 -q || fail "$ext e"
    cmp -s "$dir/d.$ext" "$dir/e.$ext" || fail "$ext files differ between identical runs"
done

# The truth table: header, classes, 7 columns on every row.
head -1 "$dir/a.tsv" | grep -q $'^onset\tduration\tpeak\tchannel\tclass\tunit\tpeak_to_peak_uv$' \
    || fail "truth header: $(head -1 "$dir/a.tsv")"
awk -F'\t' 'NR > 1 && NF != 7 { bad = 1 } END { exit bad }' "$dir/a.tsv" || fail "truth rows without 7 columns"
for cls in fasciculation ecg voluntary movement electrode_pop; do
    cut -f5 "$dir/a.tsv" | grep -qx "$cls" || fail "no $cls row in the truth file"
done

# The picture is well-formed SVG with one trace per channel shown.
"$synth" -o "$dir/s.wav" --truth "$dir/s.tsv" --seconds 6 --svg "$dir/s.svg" -q || fail "svg run"
if command -v /usr/bin/python3 >/dev/null; then
    /usr/bin/python3 -c "import sys, xml.dom.minidom as m; d = m.parse(sys.argv[1]); \
n = len(d.getElementsByTagName('polyline')); sys.exit(0 if n == 4 else 1)" "$dir/s.svg" \
        || fail "svg is not well-formed or lacks 4 traces"
fi

# Write failures: a truth table that cannot be written (a full disk) exits
# 1 with one line, and the recording does not appear without it; a device
# or pipe is never replaced by the finished file (the tools may run as
# root); a recording onto a pipe is refused.
if [ -w /dev/full ] && [ -c /dev/full ]; then
    expect 1 "/dev/full" "$synth" -o "$dir/full.wav" --truth /dev/full --seconds 2 -q
    [ -e "$dir/full.wav" ] && fail "the recording appeared without its truth table"
    [ -c /dev/full ] || fail "/dev/full was replaced by a file"
fi
mkfifo "$dir/pipe.wav"
expect 2 "not a regular file" "$synth" -o "$dir/pipe.wav" --truth "$dir/p.tsv" --seconds 1 -q
[ -p "$dir/pipe.wav" ] || fail "the pipe was replaced"
"$synth" -o "$dir/o.wav" --truth /dev/stdout --seconds 2 -q >"$dir/stdout.tsv" || fail "truth to /dev/stdout"
head -1 "$dir/stdout.tsv" | grep -q '^onset' || fail "truth to /dev/stdout: $(head -1 "$dir/stdout.tsv")"

finish "fasc-synth CLI"
