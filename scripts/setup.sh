#!/usr/bin/env bash
# Set up everything SafetyCheck needs on Debian or Ubuntu: the system libraries Qt
# uses, a virtual environment in .venv, and the Python packages (with test tools).
# Safe to run again: it only does what is missing. Sourced by scripts/start and
# scripts/test; prints what it does to stderr.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
PYTHON="${PYTHON:-python3}"

# Qt's platform plugins (offscreen and xcb) load these at run time; a bare machine lacks
# them. poppler-utils renders and reads PDFs in tests; xvfb takes screenshots; unzip,
# p7zip-full (7-Zip) and libarchive-tools (bsdtar, the `tar` of a Mac) open evidence bundles
# in tests as the people receiving them would. at-spi2-core, python3-pyatspi and dbus-daemon
# let tests/ui/test_ui_atspi.py read the running app through AT-SPI, the accessibility bus
# Orca uses (pyatspi is not on PyPI: the test runs it with the system python3). xdotool
# presses Quick Exit's keys in the real app (tests/ui/test_ui_first_keys.py).
apt_packages=(
  libgl1 libegl1 libglib2.0-0 libfontconfig1 libfreetype6 libdbus-1-3
  libxkbcommon0 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1
  libxcb-shape0 libxcb-randr0 libxcb-render-util0 libxcb-image0 libxcb-xkb1 libx11-xcb1
  poppler-utils xvfb unzip p7zip-full libarchive-tools
  at-spi2-core python3-pyatspi dbus-daemon xdotool
)
if ! "$PYTHON" -c 'import ensurepip, venv' >/dev/null 2>&1; then
  apt_packages+=(python3-venv)
fi

installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for pkg in "${apt_packages[@]}"; do
    # Ubuntu 24.04 renamed some libraries for its 64-bit time change (libglib2.0-0 is
    # libglib2.0-0t64 there): either name counts, and apt is asked for the one it has.
    if installed "$pkg" || installed "${pkg}t64"; then
      continue
    fi
    if command -v apt-cache >/dev/null 2>&1 && apt-cache show "${pkg}t64" >/dev/null 2>&1; then
      missing+=("${pkg}t64")
    else
      missing+=("$pkg")
    fi
  done
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing system packages: ${missing[*]}" >&2
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
  elif command -v sudo >/dev/null 2>&1; then
    sudo apt-get update -qq >&2 && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
  else
    echo "setup: please install these packages as root, then run this again:" >&2
    echo "  apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv" >&2
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.safetycheck-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "setup: installing Python packages (first time takes a minute)" >&2
  .venv/bin/python -m pip install --quiet --upgrade pip >&2
  .venv/bin/python -m pip install --quiet -e ".[test,rtl]" >&2
  touch "$stamp"
fi
