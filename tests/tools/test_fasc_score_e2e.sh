#!/usr/bin/env bash
# fasc-synth -> fasc-score -> fasc-eval on two seeds, and the outputs'
# form: nine-column table, sidecar naming every column, summary JSON whose
# figures agree with the table, well-formed report, EDF+ annotations that
# hold every event, -j 1 and -j 3 equal to the default, the closing table, rows in order of
# onset.
#
# Sensible figures (20 dB SNR, 8 channels, 2 minutes at rest, 40 FP/min):
# fasciculation sensitivity >= 0.80 and precision >= 0.75 at fasc-eval's
# default 10 ms; the detector alone reaches 0.90/0.91 at 20 dB (README).
set -u
synth="$1"; score="$2"; eval_tool="$3"; edf_count="$4"
source "$(dirname "$0")/cli_lib.sh"

for seed in 3 8; do
    "$synth" -o "$dir/s$seed.wav" --truth "$dir/t$seed.tsv" --seconds 120 --snr-db 20 \
        --fasc-per-min 40 --seed "$seed" -q || fail "synth seed $seed"
done
expect 0 "" "$score" -q -o "$dir" --edf-annotations --table "$dir/all.tsv" "$dir/s3.wav" "$dir/s8.wav"

for seed in 3 8; do
    base="$dir/s$seed"
    for out in events.tsv events.json summary.json report.svg events.edf; do
        [ -s "$base.$out" ] || fail "seed $seed: no $out"
    done
    "$eval_tool" --json "$dir/t$seed.tsv" "$base.events.tsv" >"$dir/e$seed.json" || fail "fasc-eval seed $seed"
    /usr/bin/python3 - "$dir/e$seed.json" "$seed" <<'PY' || fail "seed $seed: figures"
import json, sys
s = json.load(open(sys.argv[1]))["classes"]["fasciculation"]
print(f"seed {sys.argv[2]}: truth {s['truth']} detected {s['detected']} "
      f"sensitivity {s['sensitivity']:.3f} precision {s['precision']:.3f}")
assert s["sensitivity"] >= 0.80 and s["precision"] >= 0.75, s
PY
    /usr/bin/python3 - "$base" <<'PY' || fail "seed $seed: outputs disagree"
import csv, json, sys, xml.dom.minidom
base = sys.argv[1]
rows = list(csv.DictReader(open(base + ".events.tsv"), delimiter="\t"))
header = open(base + ".events.tsv").readline().rstrip("\n").split("\t")
assert header == ["onset", "duration", "peak", "channel", "class", "unit",
                  "peak_to_peak_uv", "phases", "confidence"], header
onsets = [float(r["onset"]) for r in rows]
assert onsets == sorted(onsets), "rows not in order of onset"
side = json.load(open(base + ".events.json"))
assert all(c in side and side[c]["Description"] for c in header), side.keys()
assert side["onset"]["Units"] == "s" and side["peak_to_peak_uv"]["Units"] == "uV"
summ = json.load(open(base + ".summary.json"))
fp = [r for r in rows if r["class"] == "fasciculation"]
o = summ["overall"]
assert o["fasciculations"] == len(fp), (o["fasciculations"], len(fp))
assert sum(c["fasciculations"] for c in summ["channels"]) == len(fp)
assert abs(summ["duration_min"] - 2.0) < 1e-6
assert 0 <= o["scorable_min"] <= 2.0 + 1e-9
assert abs(o["scorable_min"] + o["excluded_min"] - 2.0) < 1e-6
assert o["quality"] in ("good", "fair", "poor") and o["noise_rms_uv"] > 0
assert len(summ["epochs"]) == 2 and sum(e["fasciculations"] for e in summ["epochs"]) == len(fp)
assert all(e["peak_to_peak_iqr_uv"] >= 0 for e in summ["epochs"])
assert [c["label"] for c in summ["channels"]] == [f"ch{i}" for i in range(1, 9)]
for r in rows:
    assert float(r["duration"]) > 0 and float(r["onset"]) <= float(r["peak"]) + 1e-9
xml.dom.minidom.parse(base + ".report.svg")
PY
    rows=$(($(wc -l <"$base.events.tsv") - 1))
    n=$("$edf_count" "$base.events.edf") || fail "seed $seed: EDF+ file unreadable"
    [ "$n" = "$rows" ] || [ "$rows" -eq 0 ] || fail "seed $seed: EDF+ holds $n annotations, the table $rows events"
done

# Files in parallel give the same outputs as one by one, byte for byte
# (events, summaries, pictures, the closing table), whatever the threads.
for j in 1 3; do
    mkdir -p "$dir/j$j"
    expect 0 "" "$score" -q -o "$dir/j$j" -j "$j" --table "$dir/j$j/all.tsv" "$dir/s3.wav" "$dir/s8.wav"
    for seed in 3 8; do
        for out in events.tsv events.json summary.json report.svg; do
            cmp -s "$dir/s$seed.$out" "$dir/j$j/s$seed.$out" ||
                fail "seed $seed: $out differs between the default -j and -j $j"
        done
    done
    cmp -s "$dir/all.tsv" "$dir/j$j/all.tsv" || fail "the closing table differs with -j $j"
done

# The closing table: a header and one row per file.
[ "$(wc -l <"$dir/all.tsv")" -eq 3 ] || fail "table: $(cat "$dir/all.tsv")"
head -1 "$dir/all.tsv" | grep -q $'^file\tstatus\t' || fail "table header: $(head -1 "$dir/all.tsv")"
[ "$(cut -f2 "$dir/all.tsv" | grep -c '^ok$')" -eq 2 ] || fail "table status: $(cat "$dir/all.tsv")"
ls "$dir" | grep -q '\.part$' && fail "a .part file was left behind"

finish "fasc-score end to end"
