#!/bin/sh
# Proves an installed libkrafka is usable through pkg-config: install into a
# temporary prefix, compile and link a program that calls
# krafka_version_str() with `pkg-config --cflags --libs krafka`, and run it.
set -eu
builddir="$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
meson install -C "$builddir" --no-rebuild --quiet --destdir "$tmp" >/dev/null
prefix=$(meson introspect "$builddir" --buildoptions |
         python3 -c 'import json,sys; print([o["value"] for o in json.load(sys.stdin) if o["name"]=="prefix"][0])')
pcdir=$(dirname "$(find "$tmp" -name krafka.pc | head -1)")
cat > "$tmp/app.c" <<'C'
#include <stdio.h>
#include <string.h>
#include <krafka/krafka.h>
int main(void)
{
    printf("libkrafka %s\n", krafka_version_str());
    return strcmp(krafka_err2name(KRAFKA_ERR_NONE), "NONE") != 0;
}
C
export PKG_CONFIG_PATH="$pcdir" PKG_CONFIG_SYSROOT_DIR="$tmp"
cc -o "$tmp/app" "$tmp/app.c" $(pkg-config --cflags --libs krafka)
libdir=$(dirname "$(find "$tmp" -name 'libkrafka.so.0' | head -1)")
LD_LIBRARY_PATH="$libdir" "$tmp/app"
echo "ok: linked via pkg-config (prefix $prefix)"
