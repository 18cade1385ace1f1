#!/usr/bin/env bash
# Sets two performance reports (bench_report's output, saved to files)
# side by side: every figure of the older, the newer, and newer / older.
# Both must have the same format number (the report's first line).
# Usage: bench/report/compare.sh OLD.txt NEW.txt
set -u
[ $# -eq 2 ] || { echo "usage: $0 OLD.txt NEW.txt" >&2; exit 2; }
for f in "$1" "$2"; do
    [ -r "$f" ] || { echo "$0: cannot read $f" >&2; exit 2; }
done
fa=$(head -1 "$1"); fb=$(head -1 "$2")
case "$fa" in "libfasc performance report, format "*) ;; *)
    echo "$0: $1: not a performance report (first line: $fa)" >&2; exit 2;; esac
[ "$fa" = "$fb" ] || { echo "$0: formats differ: '$fa' / '$fb'" >&2; exit 2; }
awk '
# key and figure of each row: throughput rows by stage and channels (fast
# M/s), the real-time row (x realtime of CPU time), kernels by name (fast)
function take(line,   f, n) {
    n = split(line, f, /  +| +/)
    if (sect == "throughput" && f[2] ~ /^[0-9]+$/) { key = f[1] " " f[2]; val = f[3]; return 1 }
    if (sect == "realtime" && f[1] ~ /^[0-9.]+$/) { key = "realtime x_cpu"; val = f[4]; return 1 }
    if (sect == "kernels" && line ~ /(yes|NO)$/) {
        key = substr(line, 1, 40); sub(/ +$/, "", key); split(substr(line, 41), f, " ")
        val = f[1]; return 1
    }
    return 0
}
/^\[/ { sect = substr($1, 2, length($1) - 2); next }
FNR == 1 { sect = "" }
FNR == NR { if (take($0)) { old[key] = val; order[++n] = key }; next }
{ if (take($0)) new[key] = val }
END {
    printf "%-44s %12s %12s %8s\n", "figure", "old", "new", "new/old"
    for (i = 1; i <= n; i++) {
        k = order[i]
        if (!(k in new)) { printf "%-44s %12s %12s %8s\n", k, old[k], "-", "-"; continue }
        printf "%-44s %12s %12s %8.2f\n", k, old[k], new[k], (old[k] > 0 ? new[k] / old[k] : 0)
    }
}' "$1" "$2"
