#!/usr/bin/env bash
# deb.sh - makes ompkit_<version>_<arch>.deb from a tree staged by `make install
# DESTDIR=STAGE PREFIX=/usr LIBDIR=/usr/lib/<multiarch>`, with dpkg's own
# tools and no debhelper: dpkg-shlibdeps works out the dependencies from the
# binaries and the library (libgomp1, liburing2, libc6), dpkg-gencontrol
# writes DEBIAN/control from scripts/debian/control, dpkg-deb builds the
# archive with root as the owner of every file (no fakeroot needed).
#
# Usage: scripts/deb.sh STAGE VERSION OUTDIR   (called by `make deb`)
# Prints the path of the package. Exit status: 0 built, 1 a tool failed.
set -euo pipefail
umask 022

stage=$1
version=$2
outdir=$3
src=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/debian
arch=$(dpkg --print-architecture)
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

doc=$stage/usr/share/doc/ompkit
# Debian policy: man pages and the changelog compressed (gzip -n: no time stamp).
gzip -9nf "$stage"/usr/share/man/man*/*.[0-9]
install -m 644 "$src/copyright" "$doc/copyright"
date=$(date -R -d "@${SOURCE_DATE_EPOCH:-$(date +%s)}")
mkdir -p "$work/debian"
cp "$src/control" "$work/debian/control"
cat >"$work/debian/changelog" <<EOT
ompkit ($version) unstable; urgency=medium

  * Built from the ompkit source tree by make deb.

 -- ompkit dev <dev@ompkit.invalid>  $date
EOT
gzip -9n <"$work/debian/changelog" >"$doc/changelog.Debian.gz"
chmod 644 "$doc/changelog.Debian.gz"

mkdir -p "$stage/DEBIAN"
# The library's own entry, so packages linked to it get `ompkit (>= VERSION)`;
# ldconfig runs when the package comes and goes.
echo "libompkit ${version%%.*} ompkit (>= $version)" >"$stage/DEBIAN/shlibs"
echo "activate-noawait ldconfig" >"$stage/DEBIAN/triggers"
chmod 644 "$stage/DEBIAN/shlibs" "$stage/DEBIAN/triggers"

elfs=("$stage"/usr/bin/ompk-* "$stage/usr/lib/$multiarch"/libompkit.so.*.*)
elfs=($(for f in "${elfs[@]}"; do [ -L "$f" ] || ! head -c 4 "$f" | grep -q ELF || echo "$f"; done))
(cd "$work" && dpkg-shlibdeps -Tdebian/substvars "${elfs[@]}" &&
	dpkg-gencontrol -pompkit -P"$stage" -Tdebian/substvars -v"$version" \
		-DArchitecture="$arch" -fdebian/files)
(cd "$stage" && find usr -type f -print0 | LC_ALL=C sort -z | xargs -0 md5sum) \
	>"$stage/DEBIAN/md5sums"
chmod 644 "$stage/DEBIAN/md5sums"

deb=$outdir/ompkit_${version}_$arch.deb
dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null
echo "$deb"
