#!/usr/bin/env bash
# fasc-score on bad input: each bad file gets one line "fasc-score: FILE:
# reason" and exit 1 while the good files of the same call are scored;
# usage errors exit 2; outputs already there are never replaced by a
# failed run and no temporary file stays behind.
set -u
synth="$1"; score="$2"
source "$(dirname "$0")/cli_lib.sh"

"$synth" -o "$dir/good.wav" --truth "$dir/t.tsv" --seconds 20 --channels 4 --snr-db 20 -q || fail synth
"$synth" -o "$dir/i16.wav" --truth "$dir/t16.tsv" --seconds 5 --channels 2 --format pcm16 -q || fail synth16
mkdir -p "$dir/o"

: >"$dir/empty.wav"
head -c 30000 "$dir/good.wav" >"$dir/truncated.wav"
{ printf 'RIFX\x00\x00\x00\x00WAVEfmt '; tail -c +17 "$dir/good.wav" | head -c 5000; } >"$dir/header.wav"
echo "onset duration" >"$dir/text.wav"
cp "$dir/good.wav" "$dir/renamed.edf"  # content decides, not the extension
{ printf '0       '; head -c 400 /dev/zero | tr '\0' ' '; } >"$dir/zero.edf"
# A float WAV full of NaN, and one with a few Inf samples.
/usr/bin/python3 - "$dir" <<'PY'
import math, struct, sys
def wav(path, samples, channels=2, rate=2048):
    data = struct.pack('<%df' % len(samples), *samples)
    fmt = struct.pack('<HHIIHH', 3, channels, rate, rate * 4 * channels, 4 * channels, 32)
    body = b'WAVE' + b'fmt ' + struct.pack('<I', len(fmt)) + fmt + b'data' + struct.pack('<I', len(data)) + data
    open(path, 'wb').write(b'RIFF' + struct.pack('<I', len(body)) + body)
wav(sys.argv[1] + '/nan.wav', [math.nan] * 40960)
wav(sys.argv[1] + '/someinf.wav', [math.inf if i % 1000 == 0 else 5.0 * math.sin(i) for i in range(40960)])
wav(sys.argv[1] + '/slow.wav', [0.0] * 4000, 1, 360)
PY

expect 1 "missing.wav" "$score" -o "$dir/o" "$dir/missing.wav"
expect 1 "empty.wav" "$score" -o "$dir/o" "$dir/empty.wav"
expect 1 "truncated.wav" "$score" -o "$dir/o" "$dir/truncated.wav"
expect 1 "header.wav" "$score" -o "$dir/o" "$dir/header.wav"
expect 1 "text.wav" "$score" -o "$dir/o" "$dir/text.wav"
expect 1 "zero.edf" "$score" -o "$dir/o" "$dir/zero.edf"
expect 1 "NaN" "$score" -o "$dir/o" "$dir/nan.wav"
expect 1 "360 Hz" "$score" -o "$dir/o" "$dir/slow.wav"
expect 0 "" "$score" -q -o "$dir/o" "$dir/renamed.edf"
[ -s "$dir/o/renamed.events.tsv" ] || fail "a WAV named .edf was not scored"
expect 0 "" "$score" -o "$dir/o" "$dir/someinf.wav"
grep -q "non-finite" "$dir/o/someinf.summary.json" || fail "Inf samples not in the quality reasons"
expect 1 "no channel labelled 'ch9'" "$score" -o "$dir/o" --channels ch9 "$dir/good.wav"
expect 1 "out of range" "$score" -o "$dir/o" --channels 2-7 "$dir/good.wav"
expect 0 "" "$score" -o "$dir/o" --channels 1,3-4 "$dir/good.wav"
/usr/bin/python3 -c "import json,sys; s=json.load(open(sys.argv[1])); assert [c['label'] for c in s['channels']] == ['ch1','ch3','ch4']" \
    "$dir/o/good.summary.json" || fail "--channels 1,3-4 did not score ch1, ch3, ch4"

# Bad and good files in one call: one line per bad file, the good scored.
rm -f "$dir/o/good."*
"$score" -o "$dir/o" "$dir/missing.wav" "$dir/good.wav" "$dir/truncated.wav" --table "$dir/all.tsv" \
    >"$dir/stdout" 2>"$dir/err"
rc=$?
[ "$rc" -eq 1 ] || fail "mixed batch exited $rc"
[ "$(grep -vc ': note: ' "$dir/err")" -eq 2 ] || fail "mixed batch: $(cat "$dir/err")"
[ -s "$dir/o/good.summary.json" ] || fail "mixed batch: the good file was not scored"
[ "$(grep -c $'\tfailed: ' "$dir/all.tsv")" -eq 2 ] || fail "table: $(cat "$dir/all.tsv")"
[ -s "$dir/stdout" ] && fail "fasc-score printed on stdout: $(head -2 "$dir/stdout")"

# Two inputs with the same output names: the later one is refused, not
# written over the first one's files by another thread.
mkdir -p "$dir/twin"
cp "$dir/good.wav" "$dir/twin/good.wav"
expect 1 "would replace those of $dir/good.wav" "$score" -q -j 2 -o "$dir/o" "$dir/good.wav" "$dir/twin/good.wav"

# A failed run leaves earlier outputs as they were.
cp "$dir/good.wav" "$dir/keep.wav"
expect 0 "" "$score" -q -o "$dir/o" "$dir/keep.wav"
cp "$dir/o/keep.events.tsv" "$dir/keep.before"
cp "$dir/truncated.wav" "$dir/keep.wav"
expect 1 "keep.wav" "$score" -o "$dir/o" "$dir/keep.wav"
cmp -s "$dir/o/keep.events.tsv" "$dir/keep.before" || fail "a failed run replaced keep.events.tsv"
ls "$dir/o" | grep -q '\.part$' && fail "a .part file was left behind: $(ls "$dir/o")"

# Usage errors and unwritable outputs.
expect 2 "no input" "$score"
expect 2 "option" "$score" --frobnicate "$dir/good.wav"
expect 2 "threshold" "$score" --threshold banana "$dir/good.wav"
expect 2 "mains" "$score" --mains 55 "$dir/good.wav"
expect 2 "jobs" "$score" -j 0 "$dir/good.wav"
expect 2 "passes" "$score" --passes 3 "$dir/good.wav"
expect 2 "learn-minutes" "$score" --learn-minutes -1 "$dir/good.wav"
expect 2 "$dir/nope" "$score" -o "$dir/nope" "$dir/good.wav"
expect 2 "not a writable folder" "$score" -o "$dir/good.wav" "$dir/good.wav"
printf 'threshold = 8\n# comment\nmains = off\npasses = 1\nlearn-minutes = 2.5\n' >"$dir/ok.conf"
printf 'threshold = 8\nbogus = 1\n' >"$dir/bad.conf"
expect 2 "bad.conf:2: unknown setting 'bogus'" "$score" --config "$dir/bad.conf" "$dir/good.wav"
expect 2 "missing.conf" "$score" --config "$dir/missing.conf" "$dir/good.wav"
mkdir -p "$dir/strict"
expect 0 "" "$score" -q -o "$dir/strict" --config "$dir/ok.conf" "$dir/good.wav"
/usr/bin/python3 - "$dir/strict/good.summary.json" <<'PY' || fail "config file not applied"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["settings"]["threshold"] == 8 and s["mains"]["notch_hz"] == 0, s["settings"]
assert s["settings"]["passes"] == 1 and s["settings"]["learn-minutes"] == 2.5, s["settings"]
PY
expect 0 "" "$score" -q -o "$dir/strict" --config "$dir/ok.conf" --threshold 6 "$dir/good.wav"
grep -q '"threshold":[[:space:]]*6' "$dir/strict/good.summary.json" || fail "a flag does not win over the config file"
# A setting out of its range fails each file with the option that sets it,
# its range and the field (fasc_config_check), from a flag or a file.
expect 1 "--timing-highpass: must be 0 (off) to a quarter of the sample rate (detector.timing_highpass_hz)" \
    "$score" -q -o "$dir/o" --timing-highpass -1 "$dir/good.wav"
expect 1 "--unit-match: must be 1 to 20 (classifier.unit_match)" "$score" -q -o "$dir/o" --unit-match 0.5 "$dir/good.wav"
expect 1 "--highpass: must be above 0 and below the low-pass cutoff" "$score" -q -o "$dir/o" --highpass 600 "$dir/good.wav"
printf 'notch-q = 0.5\n' >"$dir/range.conf"
expect 1 "--notch-q: must be 1 to 1000 (filterbank.notch_q)" "$score" -q -o "$dir/o" --config "$dir/range.conf" "$dir/good.wav"
# A closing table that cannot be written: exit 1 with one line; a device is
# written, never replaced.
if [ -w /dev/full ] && [ -c /dev/full ]; then
    expect 1 "/dev/full" "$score" -q -o "$dir/o" --passes 1 --table /dev/full "$dir/good.wav"
    [ -c /dev/full ] || fail "/dev/full was replaced by a file"
fi
"$score" -q -o "$dir/o" --passes 1 --table /dev/stdout "$dir/good.wav" >"$dir/table.out" ||
    fail "--table /dev/stdout"
head -1 "$dir/table.out" | grep -q $'^file\tstatus' || fail "--table /dev/stdout: $(head -1 "$dir/table.out")"
finish "fasc-score bad input"
