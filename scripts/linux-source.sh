#!/bin/sh
# linux-source.sh TARBALL DEST - extract the parts of the Debian kernel source
# that genlgen uses (checkpatch, the YNL tools and specs, uapi headers) into
# DEST, unless DEST already holds exactly these parts.
set -eu

tarball=${1:?usage: linux-source.sh TARBALL DEST}
dest=${2:?usage: linux-source.sh TARBALL DEST}

# Paths inside the tree. checkpatch.pl reads spelling.txt,
# const_structs.checkpatch and MAINTAINERS from next to itself.
parts="
MAINTAINERS
COPYING
LICENSES
scripts/checkpatch.pl
scripts/spelling.txt
scripts/const_structs.checkpatch
scripts/get_maintainer.pl
Documentation/netlink
Documentation/userspace-api/netlink
tools/net/ynl
tools/include/uapi
include/uapi
include/net/genetlink.h
include/net/netlink.h
net/core/netdev-genl-gen.c
net/core/netdev-genl-gen.h
"

stamp="$dest/.genlgen-parts"
want=$(printf '%s %s\n' "$(basename "$tarball")" "$(echo $parts)")
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
	exit 0
fi

if [ ! -f "$tarball" ]; then
	echo "linux-source: $tarball is missing (run: make deps)" >&2
	exit 1
fi

# The tarball has one top directory (linux-source-6.12/); strip it.
top=$(tar -tJf "$tarball" | head -n 1 | cut -d/ -f1)
echo "linux-source: extracting into $dest" >&2
rm -rf "$dest"
mkdir -p "$dest"
members=""
for p in $parts; do
	members="$members $top/$p"
done
# shellcheck disable=SC2086
tar -xJf "$tarball" -C "$dest" --strip-components=1 $members
echo "$want" >"$stamp"
