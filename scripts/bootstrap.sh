#!/usr/bin/env bash
# Prepares a fresh Debian 12 / Ubuntu 22.04+ machine for Talon: the Debian libraries Qt
# needs (installed with apt when run as root, otherwise the exact apt line is printed),
# a virtualenv in .venv and every Python package from setup.cfg.  Idempotent: a second run
# only checks.  Called by `make demo` and `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${VENV:-.venv}
PYTHON=${PYTHON:-python3}
DEBIAN_PACKAGES=(
  # Qt (PySide6) core libraries, also needed offscreen
  libglib2.0-0 libegl1 libgl1 libfontconfig1 libxkbcommon0 libdbus-1-3
  # the xcb set for real windows
  libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1
  libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libx11-xcb1
  # a font with Cyrillic for screens and raster tickets; offline Russian speech for boards
  fonts-dejavu-core espeak-ng
  # aplay, for the boards' chime and voice
  alsa-utils
)

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for pkg in "${DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
  done
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "bootstrap: installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "bootstrap: these Debian packages are missing; as root run:"
    echo "  apt-get install -y ${missing[*]}"
  fi
fi

stamp="$VENV/.talon-installed"
if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
fi
if [ ! -f "$stamp" ] || [ setup.cfg -nt "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  "$VENV/bin/python" -m pip install -q --upgrade pip
  "$VENV/bin/python" -m pip install -q -e ".[dev,postgres]"
  touch "$stamp"
fi
