#!/bin/sh
# Proves no source uses the functions ../shared/STYLE.md bans:
# strcpy strcat sprintf vsprintf gets strtok atoi atol alloca.
set -eu
cd "$(dirname "$0")/.."
hits=$(grep -nE '\b(strcpy|strcat|sprintf|vsprintf|gets|strtok|atoi|atol|alloca)\s*\(' \
    $(git ls-files '*.c' '*.h' 2>/dev/null || find src include tests fuzz bench tools -name '*.[ch]') \
    | grep -vE '\b(snprintf|vsnprintf)\s*\(' | grep -v 'check_banned' || true)
# snprintf/vsnprintf contain "printf(" but not "sprintf(" at a word boundary
if [ -n "$hits" ]; then
    echo "banned functions used:"; echo "$hits"; exit 1
fi
echo "ok: no banned functions"
