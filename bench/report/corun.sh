#!/usr/bin/env bash
# Two builds' speed for one stage, measured at once on one core: A and B
# (two bench_report programs, say of two commits) run side by side pinned
# to the same CPU, time-sharing it, so that both see the same load of the
# shared host; each reports M channel-samples/s of its own thread CPU
# time. On this project's host a single figure moves by a third with the
# neighbours' load, and two runs one after the other can fall in different
# loads; side by side, the same program twice gives B / A within 1 %.
# The figures are lower than alone (the two evict each other's caches):
# read the ratio, not the figures.
# Usage: bench/report/corun.sh A B [rounds] [stage] [channels] [cpu]
#        (default 4 rounds of the composed stage at 64 channels on CPU 1)
set -u
[ $# -ge 2 ] || { echo "usage: $0 A B [rounds] [stage] [channels] [cpu]" >&2; exit 2; }
a=$1 b=$2 rounds=${3:-4} stage=${4:-composed} channels=${5:-64} cpu=${6:-1}
for p in "$a" "$b"; do
    [ -x "$p" ] || { echo "$0: $p: not an executable bench_report" >&2; exit 2; }
done
case "$rounds" in ''|*[!0-9]*|0) echo "$0: rounds must be a positive integer" >&2; exit 2;; esac
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
figure() { awk -v s="$stage" '$1 == s { print $3 }' "$1"; }
echo "round  A_M/s  B_M/s  B/A"
for r in $(seq "$rounds"); do
    taskset -c "$cpu" "$a" --stage "$stage" --channels "$channels" > "$tmp/a" &
    pa=$!
    taskset -c "$cpu" "$b" --stage "$stage" --channels "$channels" > "$tmp/b" &
    pb=$!
    wait "$pa" || { echo "$0: $a failed" >&2; exit 1; }
    wait "$pb" || { echo "$0: $b failed" >&2; exit 1; }
    fa=$(figure "$tmp/a") fb=$(figure "$tmp/b")
    [ -n "$fa" ] && [ -n "$fb" ] || { echo "$0: no $stage row at $channels channels" >&2; exit 1; }
    echo "$r $fa $fb" | awk '{ printf "%5d %6.1f %6.1f  %.3f\n", $1, $2, $3, $3 / $2 }'
done | tee "$tmp/rows"
# the median of the rounds' ratios
awk 'NR > 1 || $1 ~ /^[0-9]+$/ { print $4 }' "$tmp/rows" | sort -n |
    awk '{ v[NR] = $1 } END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2;
                              printf "median B/A over %d rounds: %.3f\n", NR, m }'
