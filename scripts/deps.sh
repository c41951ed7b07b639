#!/bin/sh
# deps.sh [--check] KVER - make sure the host has what the kernel-side build
# and the QEMU e2e harness need.
#
# Fast path: when dpkg says every package is installed, do nothing (no
# network). Otherwise, as root with apt-get, run `apt-get update` and install
# the missing ones. The kernel is pinned to KVER; when that release is gone
# from the archive, the newest linux-image-6.12.*-cloud-amd64 the archive
# still has is installed instead (scripts/kver.sh then picks it up).
#
# With --check, or when installing is impossible (not root, no apt-get),
# print the missing packages and exit 1. Never skips silently.
# With --dry-run, print the apt-get install command instead of running it
# (and do not run apt-get update).
set -eu

usage="usage: deps.sh [--check|--dry-run] KVER"
mode=install
case "${1:-}" in
--check) mode=check; shift ;;
--dry-run) mode=dry-run; shift ;;
-*) echo "$usage" >&2; exit 2 ;;
esac
kver=${1:?$usage}

# Packages that do not depend on the kernel release.
base_pkgs="qemu-system-x86 busybox-static cpio linux-source-6.12 python3-yaml
python3-jsonschema xz-utils bc flex bison libelf-dev make gcc iproute2
liburing-dev"

installed() {
	[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]
}

missing_pkgs() {
	for p in $base_pkgs "linux-image-$1" "linux-headers-$1"; do
		installed "$p" || echo "$p"
	done
}

missing=$(missing_pkgs "$kver")
if [ -z "$missing" ]; then
	exit 0
fi

say() { echo "deps: $*" >&2; }

if [ "$mode" = check ] || { [ "$mode" = install ] && [ "$(id -u)" != 0 ]; } ||
	! command -v apt-get >/dev/null 2>&1; then
	say "missing packages:" $missing
	say "install them as root with: make deps"
	exit 1
fi

say "missing:" $missing
if [ "$mode" = install ]; then
	# A broken third-party source must not stop us: the install below
	# fails, naming the package, if a list we need is really missing.
	apt-get update -qq || say "apt-get update failed; using the lists we have"
fi

# available PKG: true when apt has an installation candidate for PKG.
available() {
	cand=$(apt-cache policy "$1" 2>/dev/null |
		sed -n 's/^ *Candidate: *//p')
	[ -n "$cand" ] && [ "$cand" != "(none)" ]
}

if ! installed "linux-image-$kver" && ! available "linux-image-$kver"; then
	# The pinned release left the archive (Debian keeps only the current
	# point release). Take the newest signed 6.12 cloud image that has
	# matching headers.
	fallback=""
	for k in $(apt-cache pkgnames linux-image-6.12. |
		sed -n 's/^linux-image-\(6\.12\.[0-9][0-9]*+.*-cloud-amd64\)$/\1/p' |
		sort -rV); do
		if available "linux-image-$k" && available "linux-headers-$k"; then
			fallback=$k
			break
		fi
	done
	if [ -z "$fallback" ]; then
		say "linux-image-$kver is not in the archive and no" \
			"linux-image-6.12.*-cloud-amd64 is either"
		exit 1
	fi
	say "linux-image-$kver is gone from the archive; using $fallback"
	kver=$fallback
fi

missing=$(missing_pkgs "$kver")
if [ -z "$missing" ]; then
	exit 0
fi
if [ "$mode" = dry-run ]; then
	echo apt-get install -y --no-install-recommends $missing
	exit 0
fi
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	--no-install-recommends $missing
say "installed (kernel $kver)"
