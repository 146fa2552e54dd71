#!/usr/bin/env bash
# Build SafetyCheck for Linux from a clean virtual environment and test what was built.
#
#   packaging/build_linux.sh            build, measure, smoke-test (what .ci/run does)
#   packaging/build_linux.sh --no-measure   skip the unpruned build used for the size report
#
# Makes dist/safetycheck-VERSION-linux-ARCH.tar.gz and dist/safetycheck_VERSION_ARCH.deb, and
# build/packaging/size-report.txt.  The venv is new every time, so the install step that
# people and CI rely on is proven too.  Needs python3 with venv, dpkg-deb and objdump.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
PYTHON="${PYTHON:-python3}"
work="build/packaging"
measure=1
[ "${1:-}" = "--no-measure" ] && measure=0

version="$(sed -n 's/^__version__ = "\(.*\)"/\1/p' safetycheck/__init__.py)"
arch="$(dpkg --print-architecture)"
name="safetycheck-$version-linux-$arch"
started=$SECONDS
step() { printf '\n== %s (%ss)\n' "$1" "$((SECONDS - started))" >&2; }
mb() { du -sb "$1" | awk '{printf "%.1f", $1 / 1e6}'; }

# icupkg (icu-devtools) trims ICU's data; as/ld/objdump/readelf (binutils) rebuild and inspect.
if ! command -v icupkg >/dev/null && [ "$(id -u)" = 0 ]; then
  echo "build: installing icu-devtools (icupkg)" >&2
  apt-get install -y -qq icu-devtools >&2 || { apt-get update -qq && apt-get install -y -qq icu-devtools >&2; }
fi
for tool in dpkg-deb objdump readelf as ld icupkg; do
  command -v "$tool" >/dev/null || {
    echo "build: $tool is missing; run: apt-get install dpkg binutils icu-devtools" >&2; exit 1; }
done
rm -rf "$work" && mkdir -p "$work" dist
rm -f "dist/$name.tar.gz" "dist/safetycheck_${version}_$arch.deb"

step "clean virtual environment"
"$PYTHON" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet --upgrade pip
"$work/venv/bin/python" -m pip install --quiet ".[build,rtl]"
pyinstaller=("$work/venv/bin/python" -m PyInstaller --noconfirm --log-level WARN)

if [ "$measure" = 1 ]; then
  step "unpruned build (for the size report only)"
  SAFETYCHECK_PRUNE=0 "${pyinstaller[@]}" --distpath "$work/unpruned" --workpath "$work/work-unpruned" \
    packaging/safetycheck.spec 2>"$work/unpruned.log"
  unpruned="$(mb "$work/unpruned/safetycheck")"
  rm -rf "$work/unpruned" "$work/work-unpruned"
fi

step "PyInstaller build"
"${pyinstaller[@]}" --distpath "$work/dist" --workpath "$work/work" packaging/safetycheck.spec \
  2>"$work/pyinstaller.log" || { cat "$work/pyinstaller.log" >&2; exit 1; }
grep '^prune: left out' "$work/pyinstaller.log" >&2 || true
bundle="$work/dist/safetycheck"
"$work/venv/bin/python" packaging/trim_icu.py "$bundle"

step "archives"
tar -C "$work/dist" --owner=0 --group=0 -czf "dist/$name.tar.gz" safetycheck
deb="dist/safetycheck_${version}_$arch.deb"
packaging/deb/build_deb.sh "$bundle" "$version" "$deb"

{
  echo "SafetyCheck $version bundle sizes ($(date -u +%Y-%m-%d), $arch, $(. /etc/os-release && echo "$PRETTY_NAME"))"
  [ "$measure" = 1 ] && echo "unpruned folder:  ${unpruned} MB"
  echo "pruned folder:    $(mb "$bundle") MB  (aim: under 120 MB; budget: at most 140 MB)"
  echo ".tar.gz:          $(mb "dist/$name.tar.gz") MB"
  echo ".deb:             $(mb "$deb") MB"
  echo "largest files (MB):"
  find "$bundle" -type f -size +1000k -printf '%s %P\n' | sort -rn | head -12 \
    | awk '{printf "  %5.1f  %s\n", $1 / 1e6, $2}'
  echo "modules (MB, after pruning and ICU trim):"
  (cd "$bundle/_internal" && du -sb -- * | sort -rn | head -8 | awk '{printf "  %5.1f  %s\n", $1 / 1e6, $2}')
} | tee "$work/size-report.txt" >&2
bytes="$(du -sb "$bundle" | cut -f1)"
# Budget: issue 19 allows at most 140 MB unpacked with iPhone support. Above the earlier
# 120 MB aim the build says so, so growth is seen long before it fails.
if [ "$bytes" -gt 140000000 ]; then
  echo "build: the bundle is $bytes bytes, over the 140 MB budget" >&2
  exit 1
elif [ "$bytes" -ge 120000000 ]; then
  echo "build: note: the bundle is $bytes bytes, over the 120 MB aim (budget 140 MB)" >&2
fi

step "smoke test: the built folder"
"$PYTHON" packaging/smoke_test.py "$bundle/safetycheck"
step "smoke test: an iPhone scan with the built program (recorded phone)"
"$work/venv/bin/python" packaging/smoke_iphone.py "$bundle/safetycheck"
step "smoke test: a portable copy leaves nothing behind"
"$PYTHON" packaging/smoke_test.py "$bundle/safetycheck" --portable

step "check the .deb"
dpkg-deb --info "$deb" >&2
dpkg-deb --contents "$deb" > "$work/deb-contents.txt"
for path in ./opt/safetycheck/safetycheck ./usr/bin/safetycheck ./usr/share/applications/safetycheck.desktop \
  ./usr/share/icons/hicolor/256x256/apps/safetycheck.png ./opt/safetycheck/_internal/checklists \
  ./opt/safetycheck/_internal/assets/demo-case.toml \
  $(cd assets && find fonts -name '*.txt' 2>/dev/null | sed 's|^|./opt/safetycheck/_internal/assets/|'); do
  grep -q " $path\( \|/\?$\)" "$work/deb-contents.txt" || { echo "build: $path is not in the .deb" >&2; exit 1; }
done
if command -v desktop-file-validate >/dev/null; then
  desktop-file-validate packaging/deb/safetycheck.desktop
fi
root="$work/deb-root"
dpkg-deb -x "$deb" "$root"
"$PYTHON" packaging/smoke_test.py "$root/usr/bin/safetycheck"
if [ -n "$(ls /var/lib/apt/lists/ 2>/dev/null | grep -v -e lock -e partial -e auxfiles)" ]; then
  step "apt can install the .deb (simulated: nothing changes)"
  apt-get install --simulate --quiet "./$deb" >"$work/apt-simulate.txt" 2>&1 \
    || { cat "$work/apt-simulate.txt" >&2; echo "build: apt cannot install the .deb" >&2; exit 1; }
  grep -E '^Inst safetycheck' "$work/apt-simulate.txt" >&2
else
  echo "(no apt package lists: the install simulation was skipped)" >&2
fi

step "done"
echo "built: dist/$name.tar.gz $deb" >&2
