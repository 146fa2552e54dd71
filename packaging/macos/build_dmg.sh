#!/usr/bin/env bash
# Build SafetyCheck.app and a .dmg on macOS.  Run by CI (.github/workflows/build.yml) on a
# macOS runner; it cannot run on the Linux development machine (see docs/packaging.md).
#
#   packaging/macos/build_dmg.sh      (from a venv with ".[build,rtl]" installed)
#
# The .app is not signed or notarised (that needs an Apple Developer ID): macOS will say it
# "cannot check it for malicious software"; docs/packaging.md says how to open it anyway.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$here"
PYTHON="${PYTHON:-python}"
version="$(sed -n 's/^__version__ = "\(.*\)"/\1/p' safetycheck/__init__.py)"
arch="$(uname -m)"

"$PYTHON" -m PyInstaller --noconfirm --log-level WARN --distpath dist --workpath build/macos \
  packaging/safetycheck.spec
app="dist/SafetyCheck.app"
test -x "$app/Contents/MacOS/safetycheck"
# Ad-hoc signature: Apple Silicon refuses to run unsigned code at all.
codesign --force --deep --sign - "$app"

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
cp -R "$app" "$stage/"
ln -s /Applications "$stage/Applications"
dmg="dist/SafetyCheck-$version-macos-$arch.dmg"
rm -f "$dmg"
hdiutil create -volname "SafetyCheck" -srcfolder "$stage" -fs HFS+ -format UDZO -ov "$dmg"
du -sh "$app" "$dmg"
echo "built: $dmg" >&2
