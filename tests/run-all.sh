#!/usr/bin/env bash
# The whole test suite: AddressSanitizer + UndefinedBehaviorSanitizer, -Werror.
set -eu
cd "$(dirname "$0")/.."
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
rm -rf build-check
meson setup build-check -Dwerror=true -Db_sanitize=address,undefined \
    -Db_lundef=false -Dbench=true >/dev/null
meson compile -C build-check
meson test -C build-check --print-errorlogs --num-processes 2
