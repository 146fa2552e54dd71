#!/usr/bin/env bash
# Wrap a built PyInstaller folder in a .deb: the program in /opt/safetycheck, a command in
# /usr/bin, a menu entry and icons.  Usage: build_deb.sh BUNDLE_DIR VERSION OUT.deb
set -euo pipefail
bundle="$(cd "$1" && pwd)"
version="$2"
out="$3"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root_dir="$(cd "$here/../.." && pwd)"
arch="$(dpkg --print-architecture)"

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
install -d "$stage/DEBIAN" "$stage/opt" "$stage/usr/bin" "$stage/usr/share/applications" \
  "$stage/usr/share/icons/hicolor/256x256/apps" "$stage/usr/share/icons/hicolor/512x512/apps" \
  "$stage/usr/share/icons/hicolor/scalable/apps" "$stage/usr/share/doc/safetycheck"
cp -a "$bundle" "$stage/opt/safetycheck"
# A portable marker must never ship inside an installed copy.
rm -f "$stage/opt/safetycheck/portable"
ln -s ../../opt/safetycheck/safetycheck "$stage/usr/bin/safetycheck"
install -m 0644 "$here/safetycheck.desktop" "$stage/usr/share/applications/safetycheck.desktop"
icons="$root_dir/assets/icons"
install -m 0644 "$icons/safetycheck-256.png" "$stage/usr/share/icons/hicolor/256x256/apps/safetycheck.png"
install -m 0644 "$icons/safetycheck-512.png" "$stage/usr/share/icons/hicolor/512x512/apps/safetycheck.png"
install -m 0644 "$icons/safetycheck.svg" "$stage/usr/share/icons/hicolor/scalable/apps/safetycheck.svg"
install -m 0644 "$here/copyright" "$stage/usr/share/doc/safetycheck/copyright"

# The newest glibc symbol version any bundled file asks for is the real minimum.
glibc="$(find "$stage/opt/safetycheck" -type f \( -name '*.so*' -o -perm -u+x \) -print0 \
  | xargs -0 objdump -T 2>/dev/null | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' \
  | sort -V | tail -1)"
size_kb="$(du -sk --exclude=DEBIAN "$stage" | cut -f1)"
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@GLIBC@/$glibc/" \
  -e "s/@INSTALLED_SIZE@/$size_kb/" "$here/control.in" > "$stage/DEBIAN/control"
find "$stage" -type d -exec chmod 0755 {} +
dpkg-deb --root-owner-group -Zxz -z3 --build "$stage" "$out" >/dev/null
echo "deb: $out (needs glibc >= $glibc)" >&2
