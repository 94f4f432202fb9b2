#!/bin/sh
# Proves the shared library exports only the public krafka_* API.
set -eu
lib="$1"
syms=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBRVW]$/ {print $3}')
[ -n "$syms" ] || { echo "no exported symbols in $lib"; exit 1; }
bad=$(printf '%s\n' "$syms" | grep -v '^krafka_' || true)
if [ -n "$bad" ]; then
    echo "non-krafka symbols exported:"; printf '%s\n' "$bad"; exit 1
fi
printf '%s\n' "$syms" | grep -qx krafka_version_str
echo "ok: $(printf '%s\n' "$syms" | wc -l) exported symbols, all krafka_*"
