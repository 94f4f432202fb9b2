#!/bin/sh
# Proves docs/CONFIGURATION.md is what tools/gen_confdoc generates from the
# property table (src/client/conf_props.c).
# Usage: check_confdoc.sh <gen_confdoc binary> <docs/CONFIGURATION.md>
set -eu
gen="$1"
doc="$2"
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
"$gen" "$tmp"
if ! diff -u "$doc" "$tmp"; then
    echo "docs/CONFIGURATION.md is out of date with src/client/conf_props.c;"
    echo "regenerate it with: build/tests/gen_confdoc docs/CONFIGURATION.md"
    exit 1
fi
echo "ok: docs/CONFIGURATION.md matches the property table"
