#!/bin/sh
# kver.sh PIN - print the kernel release the e2e VM boots and modules build
# against.
#
# PIN is the release the project is tested with (the Makefile's KVER_PIN).
# The answer is, in order:
#   1. PIN, when its image is installed;
#   2. the newest installed 6.12 cloud image (deps.sh installs one when the
#      pinned release has left the archive);
#   3. PIN, so that deps.sh knows what to install.
set -eu

pin=${1:?usage: kver.sh PIN}

if [ -e "/boot/vmlinuz-$pin" ]; then
	echo "$pin"
	exit 0
fi

newest=$(ls /boot 2>/dev/null |
	sed -n 's/^vmlinuz-\(6\.12\.[0-9][0-9]*+.*-cloud-amd64\)$/\1/p' |
	sort -V | tail -n 1)
if [ -n "$newest" ]; then
	echo "$newest"
else
	echo "$pin"
fi
