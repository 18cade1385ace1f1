#!/usr/bin/env bash
# fasc-stream: the same events as fasc-score --passes 1 on the same samples
# (a stream is read once; float and 16-bit; the stream in decision order,
# the table sorted by onset, so the stream is compared once sorted the same
# stable way), the latency in --help, one line per event flushed as decided,
# and bad input: usage errors exit 2; a torn last frame, a closed standard
# output exit 1 with one clear line; NaN/Inf samples are replaced, noted.
set -u
synth="$1"; score="$2"; stream="$3"
source "$(dirname "$0")/cli_lib.sh"

# header first, then the rows stably by onset (the first column)
by_onset() { head -n 1 "$1"; tail -n +2 "$1" | LC_ALL=C sort -s -t"$(printf '\t')" -k1,1g; }
same_events() { # STREAM-OUTPUT TABLE
    cmp -s <(by_onset "$1") "$2"
}

"$synth" -o "$dir/r.wav" --truth "$dir/t.tsv" --seconds 60 --channels 4 --snr-db 20 \
    --fasc-per-min 40 -q || fail synth
"$synth" -o "$dir/p.wav" --truth "$dir/pt.tsv" --seconds 30 --channels 2 --snr-db 20 \
    --fasc-per-min 40 --format pcm16 -q || fail "synth pcm16"
expect 0 "" "$score" -q --passes 1 -o "$dir" "$dir/r.wav" "$dir/p.wav"
wav_data "$dir/r.wav" "$dir/r.f32"
wav_data "$dir/p.wav" "$dir/p.s16"

expect 0 "" "$stream" --rate 2048 --channels 4 --format f32 <"$dir/r.f32"
same_events "$dir/out" "$dir/r.events.tsv" ||
    fail "f32 stream differs from fasc-score: $(diff <(by_onset "$dir/out") "$dir/r.events.tsv" | head -5)"
[ "$(wc -l <"$dir/out")" -gt 5 ] || fail "f32 stream found almost nothing: $(cat "$dir/out")"
expect 0 "" "$stream" --rate 2048 --channels 2 --format s16 --uv-per-unit 0.5 <"$dir/p.s16"
same_events "$dir/out" "$dir/p.events.tsv" || fail "s16 stream differs from fasc-score"

# 24-bit: the 16-bit samples shifted by 8 bits at a 256 times finer scale.
/usr/bin/python3 - "$dir/p.s16" "$dir/p.s24" <<'PY'
import struct, sys
d = open(sys.argv[1], 'rb').read()
v = struct.unpack('<%dh' % (len(d) // 2), d)
open(sys.argv[2], 'wb').write(b''.join(struct.pack('<i', x * 256)[:3] for x in v))
PY
expect 0 "" "$stream" --rate 2048 --channels 2 --format s24 --uv-per-unit 0.001953125 <"$dir/p.s24"
same_events "$dir/out" "$dir/p.events.tsv" || fail "s24 stream differs from fasc-score"

expect 0 "" "$stream" --help
grep -Eq "latency: .* at most [0-9]+ samples" "$dir/out" || fail "--help lacks the latency: $(cat "$dir/out")"

# Bad input.
expect 2 "channels" "$stream" --rate 2048 </dev/null
expect 2 "format" "$stream" --rate 2048 --channels 2 --format f64 </dev/null
expect 2 "rate" "$stream" --rate 100 --channels 2 </dev/null
expect 2 "channels" "$stream" --rate 2048 --channels 0 </dev/null
expect 2 "uv-per-unit" "$stream" --rate 2048 --channels 2 --uv-per-unit -1 </dev/null
expect 2 "option" "$stream" --bogus </dev/null
head -c 1001 "$dir/r.f32" >"$dir/torn.f32"
expect 1 "inside a frame" "$stream" --rate 2048 --channels 4 <"$dir/torn.f32"
expect 0 "" "$stream" --rate 2048 --channels 4 </dev/null
[ "$(cat "$dir/out")" = $'onset\tduration\tpeak\tchannel\tclass\tunit\tpeak_to_peak_uv\tphases\tconfidence' ] \
    || fail "empty input: $(cat "$dir/out")"
/usr/bin/python3 -c "import struct, sys; sys.stdout.buffer.write(struct.pack('<4f', float('nan'), float('inf'), 1.0, 2.0) * 4096)" >"$dir/nan.f32"
"$stream" --rate 2048 --channels 4 <"$dir/nan.f32" >/dev/null 2>"$dir/err"
rc=$?
[ "$rc" -eq 0 ] || fail "NaN input exited $rc: $(cat "$dir/err")"
grep -q "non-finite samples replaced" "$dir/err" || fail "NaN input not noted: $(cat "$dir/err")"
# A reader that goes away: a clear error, not a silent SIGPIPE death.
"$stream" --rate 2048 --channels 4 <"$dir/r.f32" 2>"$dir/err" | head -c 10 >/dev/null
rc=${PIPESTATUS[0]}
[ "$rc" -eq 1 ] || fail "closed stdout: exit $rc"
grep -q "cannot write to standard output" "$dir/err" || fail "closed stdout: $(cat "$dir/err")"
if [ -w /dev/full ]; then
    "$stream" --rate 2048 --channels 4 <"$dir/r.f32" >/dev/full 2>"$dir/err" && fail "writing to a full disk succeeded"
    grep -q "cannot write to standard output" "$dir/err" || fail "full disk: $(cat "$dir/err")"
fi
finish "fasc-stream CLI"
