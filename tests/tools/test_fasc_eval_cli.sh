#!/usr/bin/env bash
# fasc-eval from the command line: scores, JSON, tolerance, bad input.
set -u
synth="$1"; eval_tool="$2"
source "$(dirname "$0")/cli_lib.sh"

"$synth" -o "$dir/r.wav" --truth "$dir/t.tsv" --seconds 120 --all-artefacts --fasc-per-min 40 -q || fail "synth"

# A table against itself: everything matches.
"$eval_tool" "$dir/t.tsv" "$dir/t.tsv" >"$dir/out" || fail "self comparison exited $?"
grep -Eq '^overall +([0-9]+) +\1 +\1 +0 +1\.000 +1\.000 +1\.000' "$dir/out" || fail "self comparison not perfect: $(grep overall "$dir/out")"
grep -Eq '^fasciculations at rest .*: ([0-9]+) true, \1 matched, sensitivity 1\.000' "$dir/out" ||
    fail "self comparison at rest: $(grep 'at rest' "$dir/out")"

# Peaks moved by 20 ms: no FP matches at 10 ms, all at 25 ms.
awk -F'\t' 'BEGIN { OFS = "\t" } NR == 1 || $5 != "fasciculation" { print; next } { $3 = $3 + 0.020; print }' \
    "$dir/t.tsv" >"$dir/shifted.tsv"
"$eval_tool" --json "$dir/t.tsv" "$dir/shifted.tsv" >"$dir/j1" || fail "json run"
"$eval_tool" --json --tolerance-ms 25 "$dir/t.tsv" "$dir/shifted.tsv" >"$dir/j2" || fail "json run 25 ms"
/usr/bin/python3 - "$dir/j1" "$dir/j2" <<'PY' || fail "JSON scores wrong"
import json, sys
a = json.load(open(sys.argv[1]))["classes"]["fasciculation"]
b = json.load(open(sys.argv[2]))["classes"]["fasciculation"]
assert a["truth"] > 20 and a["matched"] == 0, a
assert b["matched"] == b["truth"] and b["sensitivity"] == 1.0, b
# at rest: the FPs outside the truth's voluntary and movement epochs (fewer
# than all of them on an --all-artefacts recording), all matched at 25 ms
r1 = json.load(open(sys.argv[1]))["fasciculation_at_rest"]
r2 = json.load(open(sys.argv[2]))["fasciculation_at_rest"]
assert 0 < r1["truth"] < a["truth"] and r1["matched"] == 0, r1
assert r2["matched"] == r2["truth"] == r1["truth"] and r2["voluntary_min"] > 0, r2
PY

# Bad input: one line naming the file, exit 1; usage errors exit 2.
check() {
    local code="$1" word="$2"; shift 2
    "$eval_tool" "$@" >/dev/null 2>"$dir/err"; local rc=$?
    [ "$rc" -eq "$code" ] || fail "'$*' exited $rc, expected $code"
    [ "$(wc -l <"$dir/err")" -eq 1 ] || fail "'$*' printed $(wc -l <"$dir/err") error lines"
    grep -q -- "$word" "$dir/err" || fail "'$*' error lacks '$word': $(cat "$dir/err")"
}
: >"$dir/empty.tsv"
printf 'onset\tclass\n1.0\tbanana\n' >"$dir/bad.tsv"
head -c 300 "$dir/r.wav" >"$dir/binary.tsv"
check 1 "$dir/missing.tsv" "$dir/t.tsv" "$dir/missing.tsv"
check 1 "$dir/empty.tsv" "$dir/empty.tsv" "$dir/t.tsv"
check 1 "bad.tsv:2: unknown class" "$dir/t.tsv" "$dir/bad.tsv"
check 1 "$dir/binary.tsv" "$dir/t.tsv" "$dir/binary.tsv"
check 2 "two files" "$dir/t.tsv"
check 2 "tolerance" --tolerance-ms -3 "$dir/t.tsv" "$dir/t.tsv"
check 2 "option" --frobnicate "$dir/t.tsv" "$dir/t.tsv"
if [ -w /dev/full ]; then
    "$eval_tool" "$dir/t.tsv" "$dir/t.tsv" >/dev/full 2>/dev/null && fail "writing to a full disk succeeded"
fi

finish "fasc-eval CLI"
