#!/usr/bin/env bash
# perf_report_quick: a --quick report must pass its own checks (nothing
# allocated while processing, every kernel equal to its reference), keep
# its format (every row compare.sh reads), and compare with itself as 1;
# and corun.sh must run two programs side by side and print their ratio.
set -u
report="$1"; compare="$2"; corun="$3"
out=$(mktemp); trap 'rm -f "$out"' EXIT
"$report" --quick >"$out" || { cat "$out"; echo "bench_report --quick failed"; exit 1; }
rows=$(bash "$compare" "$out" "$out") || { echo "compare.sh failed"; exit 1; }
echo "$rows"
# 4 stages x 4 channel counts, the real-time row, at least 4 kernels
n=$(echo "$rows" | tail -n +2 | wc -l)
[ "$n" -ge 21 ] || { echo "compare.sh read $n rows"; exit 1; }
bad=$(echo "$rows" | tail -n +2 | awk '$NF != "1.00"')
[ -z "$bad" ] || { echo "a report compared with itself is not 1: $bad"; exit 1; }
co=$(bash "$corun" "$report" "$report" 1 filterbank 8 0) || { echo "$co"; echo "corun.sh failed"; exit 1; }
echo "$co"
echo "$co" | grep -q '^median B/A over 1 rounds: [0-9.]*$' || { echo "corun.sh printed no ratio"; exit 1; }
