#!/usr/bin/env bash
# Prepare a fresh Debian 12 (or Ubuntu) machine for 量衡: the system libraries Qt needs, a
# virtual environment in .venv, and the pinned Python packages. Safe to run again: it only
# installs what is missing. Usage: bash scripts/setup.sh [app|test]
set -euo pipefail
cd "$(dirname "$0")/.."

profile="${1:-app}"

# Qt offscreen/xcb runtime (STACK.md); Xvfb for screenshots; poppler-utils to look at PDFs.
APT_APP="libgl1 libegl1 libglib2.0-0 libfontconfig1 libfreetype6 libxkbcommon0 libdbus-1-3 libx11-6
libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0
libxcb-render0 libxcb-shape0 libxcb-util1 libxcb-xkb1"
APT_TEST="xvfb xauth poppler-utils binutils"   # binutils: PyInstaller needs objdump on Linux
packages="$APT_APP"
[ "$profile" = test ] && packages="$packages $APT_TEST"

missing=()
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then missing+=(python3-venv); fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing system packages: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

PY="${PYTHON:-python3}"
"$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
  || { echo "setup: Python 3.11 or newer is needed ($("$PY" --version))" >&2; exit 1; }
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade "pip==26.3"

extras=""
[ "$profile" = test ] && extras="[test]"
# Editable, so that a checkout runs as it is; tests/test_packaging.py proves a plain install too.
.venv/bin/python -m pip install -q --disable-pip-version-check \
  -c requirements/constraints.txt -e ".${extras}"
