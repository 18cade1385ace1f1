#!/usr/bin/env bash
# The classifier issue's figures through the tools: fasc-synth
# --all-artefacts (mains, ECG, voluntary epochs, movement, pops, wander;
# 8 channels, 10 minutes, 20 dB) -> fasc-score (defaults: two passes) ->
# fasc-eval --tolerance-ms 5, on the benchmark's development seeds 1-3 (6,
# 10 and 6 units, as bench_classifier_accuracy) and on seeds 101-103
# without fasciculations. Pooled over the three: fasciculations at rest
# (outside true voluntary and movement epochs) found >= 0.90, precision
# >= 0.90, ECG beats >= 0.95, at most 1 FP counted per minute of true
# voluntary epochs; on each, the distinct units of the summary within 1 of
# the truth's; at most 0.5 false fasciculations per minute without any.
# The same pipeline as the benchmark (bench_classifier_accuracy 10 3 20 1
# 2 prints the same per-recording figures).
set -u
synth="$1"; score="$2"; eval_tool="$3"
source "$(dirname "$0")/cli_lib.sh"

for seed in 1 2 3 101 102 103; do
    units=$((seed % 2 ? 6 : 10))
    [ "$seed" -gt 100 ] && units=0
    "$synth" -o "$dir/s$seed.wav" --truth "$dir/t$seed.tsv" --seconds 600 --all-artefacts \
        --snr-db 20 --units "$units" --seed "$seed" -q || fail "synth seed $seed"
done
expect 0 "" "$score" -q -j 2 -o "$dir" --no-report "$dir"/s*.wav
for seed in 1 2 3 101 102 103; do
    "$eval_tool" --json --tolerance-ms 5 "$dir/t$seed.tsv" "$dir/s$seed.events.tsv" \
        >"$dir/e$seed.json" || fail "fasc-eval seed $seed"
done

/usr/bin/python3 - "$dir" <<'PY' || fail "figures"
import csv, json, sys
d = sys.argv[1]
rest_true = rest_matched = found = matched = ecg_true = ecg_matched = in_vol = 0
vol_min = 0.0
ok = True
for seed in (1, 2, 3):
    e = json.load(open(f"{d}/e{seed}.json"))
    fp, ecg, rest = e["classes"]["fasciculation"], e["classes"]["ecg"], e["fasciculation_at_rest"]
    rest_true += rest["truth"]; rest_matched += rest["matched"]
    found += fp["detected"]; matched += fp["matched"]
    ecg_true += ecg["truth"]; ecg_matched += ecg["matched"]
    in_vol += rest["in_voluntary"]; vol_min += rest["voluntary_min"]
    truth_units = {r["unit"] for r in csv.DictReader(open(f"{d}/t{seed}.tsv"), delimiter="\t")
                   if r["class"] == "fasciculation"}
    units = json.load(open(f"{d}/s{seed}.summary.json"))["overall"]["units"]
    print(f"seed {seed}: at rest {rest['matched']}/{rest['truth']} ({rest['sensitivity']:.3f}), "
          f"precision {fp['precision']:.3f}, ECG {ecg['sensitivity']:.3f}, "
          f"{rest['in_voluntary']} in {rest['voluntary_min']:.2f} voluntary min, "
          f"units {units} (truth {len(truth_units)})")
    if abs(units - len(truth_units)) > 1:
        print(f"seed {seed}: {units} units found, {len(truth_units)} true"); ok = False
sens, prec, ecg = rest_matched / rest_true, matched / found, ecg_matched / ecg_true
per_vmin = in_vol / vol_min if vol_min > 0 else 0.0
print(f"pooled: at rest {sens:.3f}, precision {prec:.3f}, ECG {ecg:.3f}, "
      f"{per_vmin:.2f} per voluntary min")
false_fp = minutes = 0
for seed in (101, 102, 103):
    rows = list(csv.DictReader(open(f"{d}/s{seed}.events.tsv"), delimiter="\t"))
    false_fp += sum(r["class"] == "fasciculation" for r in rows)
    minutes += json.load(open(f"{d}/s{seed}.summary.json"))["duration_min"]
print(f"without fasciculations: {false_fp} in {minutes:.0f} min ({false_fp / minutes:.2f} per min)")
ok = ok and sens >= 0.90 and prec >= 0.90 and ecg >= 0.95 and per_vmin <= 1.0
ok = ok and vol_min > 0.5 and false_fp <= 0.5 * minutes
sys.exit(0 if ok else 1)
PY
finish "the classifier issue's figures through fasc-score"
