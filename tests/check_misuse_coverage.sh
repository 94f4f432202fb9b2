#!/bin/sh
# Proves tests/unit/test_api_misuse.c calls every exported symbol of the
# shared library (the name followed by "("), so a new public function
# cannot go without misuse tests.
set -eu
lib="$1"
test_src="$2"
syms=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBRVW]$/ {print $3}')
[ -n "$syms" ] || { echo "no exported symbols in $lib"; exit 1; }
missing=""
total=0
for s in $syms; do
    total=$((total + 1))
    grep -Eq "(^|[^A-Za-z0-9_])$s[[:space:]]*\\(" "$test_src" ||
        missing="$missing $s"
done
if [ -n "$missing" ]; then
    echo "exported but not called in $test_src:"
    printf '  %s\n' $missing
    exit 1
fi
echo "ok: all $total exported symbols appear in $test_src"
