#!/usr/bin/env bash
# Every file of ../shared/data/edf (third-party EDF, EDF+C/D, BDF, BDF+C/D)
# is scored, or refused with one line naming the file and a reason the
# README leads one to expect (discontinuous, annotation-only, a rate below
# 500 Hz, a header EDFlib rejects); never a crash. Scored files list no
# annotation signal among their channels.
set -u
score="$1"
source "$(dirname "$0")/cli_lib.sh"
edf=$(shared_data edf) || exit 77
scored=0; refused=0
for f in "$edf"/*.edf "$edf"/*.EDF "$edf"/*.bdf; do
    "$score" -o "$dir" "$f" >"$dir/out" 2>"$dir/err"
    rc=$?
    name=$(basename "$f")
    [ "$rc" -lt 128 ] && ! grep -q Sanitizer "$dir/err" || { fail "$name crashed ($rc): $(head -3 "$dir/err")"; continue; }
    errors=$(grep -v ': note: ' "$dir/err")
    if [ "$rc" -eq 0 ]; then
        scored=$((scored + 1))
        [ -z "$errors" ] || fail "$name scored but printed: $errors"
        base="$dir/${name%.*}"
        /usr/bin/python3 - "$base.summary.json" <<'PY' || fail "$name: summary"
import json, sys
s = json.load(open(sys.argv[1]))
labels = [c["label"] for c in s["channels"]]
assert labels and not any("Annotation" in l for l in labels), labels
assert s["sample_rate_hz"] >= 500 and s["overall"]["scorable_min"] >= 0
PY
        echo "$name: scored, $(grep -c . "$base.events.tsv") table lines"
    elif [ "$rc" -eq 1 ]; then
        refused=$((refused + 1))
        [ "$(echo "$errors" | wc -l)" -eq 1 ] || fail "$name: $(echo "$errors" | wc -l) error lines"
        echo "$errors" | grep -q "^fasc-score: $f: " || fail "$name: error does not name the file: $errors"
        echo "$errors" | grep -Eq "discontinuous|annotation-only|sample rate .* outside|EDFlib rejects" \
            || fail "$name: unexpected reason: $errors"
        echo "$name: refused: ${errors#fasc-score: $f: }"
    else
        fail "$name: exit $rc"
    fi
done
[ "$scored" -ge 4 ] || fail "only $scored files scored"
[ $((scored + refused)) -eq 23 ] || fail "$((scored + refused)) files seen, 23 expected"
finish "fasc-score on ../shared/data/edf"
