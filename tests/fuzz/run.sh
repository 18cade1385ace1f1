#!/usr/bin/env bash
# Runs every fuzz harness of a -Dfuzz=true build for a fixed time on a
# scratch copy of its committed seed corpus (tests/fuzz/corpus/NAME).
# Prints one line per harness and ends with "fuzz: N passed, N failed";
# a crash, leak, timeout or sanitizer report fails it and leaves the input
# that caused it in tests/fuzz/findings/.
# Usage: tests/fuzz/run.sh BUILD_DIR SECONDS_EACH
set -u
build="$1"; seconds="$2"
here=$(cd "$(dirname "$0")" && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
passed=0; failed=0
for exe in "$build"/tests/fuzz/fuzz_*; do
    [ -f "$exe" ] && [ -x "$exe" ] || continue
    name=${exe##*/fuzz_}
    corpus="$scratch/$name"
    mkdir -p "$corpus" "$here/findings"
    cp "$here/corpus/$name"/* "$corpus"/ 2>/dev/null
    # the readers also start from the real EDF/BDF files under 200 kB
    # beside the checkout, where there are any (not committed: some have
    # no licence for redistribution)
    shared="${FASC_SHARED_DATA:-$here/../../../shared/data}/edf"
    if [ "$name" = reader ] && [ -d "$shared" ]; then
        find "$shared" -maxdepth 1 -type f -size -200k \( -iname '*.edf' -o -iname '*.bdf' \) \
            -exec cp {} "$corpus"/ \;
    fi
    # and the first 16 kB of each real recording's WAV (float WAVs written
    # by another tool; a cut file is itself a good seed)
    real="${FASC_SHARED_DATA:-$here/../../../shared/data}/real"
    if [ "$name" = reader ] && [ -d "$real" ]; then
        for wav in "$real"/*/*.wav; do
            [ -f "$wav" ] || continue
            head -c 16384 "$wav" >"$corpus/real-$(basename "$(dirname "$wav")")-${wav##*/}"
        done
    fi
    # -close_fd_mask=1: the harnesses' own output (help texts) off; the
    # sanitizers' reports on stderr stay.
    "$exe" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 -close_fd_mask=1 \
        -print_final_stats=1 -artifact_prefix="$here/findings/$name-" "$corpus" \
        >"$scratch/$name.log" 2>&1
    rc=$?
    runs=$(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$scratch/$name.log" | grep -o '[0-9]*$')
    if [ "$rc" -eq 0 ]; then
        echo "fuzz $name: ${runs:-?} inputs in ${seconds} s, corpus $(ls "$corpus" | wc -l) files: ok"
        passed=$((passed + 1))
    else
        echo "fuzz $name: FAILED (exit $rc):"
        grep -E 'ERROR|SUMMARY|Test unit written|==[0-9]+==' "$scratch/$name.log" | head -12
        failed=$((failed + 1))
    fi
done
[ $((passed + failed)) -gt 0 ] || { echo "fuzz: no harness in $build/tests/fuzz"; failed=1; }
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
