#!/usr/bin/env bash
# Installs into a staging folder and builds the README example against the
# installed headers and pkg-config files (fasc, fasc-analysis).
set -eu
cd "$(dirname "$0")/.."
stage=$(pwd)/build-install/stage
rm -rf build-install
meson setup build-install --prefix=/usr/local -Dtests=false -Dbench=false >/dev/null
meson compile -C build-install >/dev/null
DESTDIR="$stage" meson install -C build-install >/dev/null
pcdir=$(dirname "$(find "$stage" -name fasc.pc | head -1)")
export PKG_CONFIG_PATH="$pcdir"
pkg-config --define-variable=prefix="$stage/usr/local" --cflags --libs fasc >/dev/null
flags=$(pkg-config --define-variable=prefix="$stage/usr/local" --cflags --libs fasc-analysis)
cc -std=c11 -Wall -Wextra -Werror examples/readme_example.c $flags -lm -o build-install/readme_example
libdir=$(pkg-config --define-variable=prefix="$stage/usr/local" --variable=libdir fasc)
LD_LIBRARY_PATH="$libdir" ./build-install/readme_example
for h in common version filterbank synth spectrum io; do
    [ -f "$stage/usr/local/include/fasc/$h.h" ] || { echo "missing installed header fasc/$h.h"; exit 1; }
done
# Only FASC_API symbols are exported.
if nm -D --defined-only "$libdir/libfasc.so" | awk '{print $3}' | grep -v '^fasc_' | grep -v '^_' | grep -q .; then
    echo "libfasc.so exports symbols without the fasc_ prefix:"
    nm -D --defined-only "$libdir/libfasc.so" | awk '{print $3}' | grep -v '^fasc_' | grep -v '^_'
    exit 1
fi
# Static libraries too: internal helpers carry the fasc_ prefix.
for lib in libfasc.a libfasc-analysis.a; do
    bad=$(nm --defined-only "$libdir/$lib" | awk '$2 ~ /[TDRB]/ {print $3}' | grep -v '^fasc_' || true)
    if [ -n "$bad" ]; then echo "$lib defines unprefixed symbols: $bad"; exit 1; fi
done
echo "install check: ok"
