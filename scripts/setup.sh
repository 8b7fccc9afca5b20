#!/usr/bin/env bash
# Create .venv (Python 3.10+) and install the pinned requirements; re-installs only when they change.
#   bash scripts/setup.sh          # runtime requirements
#   bash scripts/setup.sh --test   # plus test tools (Playwright) and Debian's Chromium
set -euo pipefail
cd "$(dirname "$0")/.."

REQ=requirements.txt
[ "${1:-}" = "--test" ] && REQ=requirements-test.txt

PY=""
for candidate in python3.11 python3.12 python3.13 python3.10 python3; do
  if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 10))'; then
    PY=$candidate; break
  fi
done
[ -n "$PY" ] || { echo "setup: Python 3.10 or newer is required" >&2; exit 1; }

if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv with $($PY --version)"
  "$PY" -m venv .venv
fi

stamp=".venv/.installed-$(cat requirements*.txt | sha256sum | cut -c1-16)-$(basename $REQ .txt)"
if [ ! -f "$stamp" ]; then
  echo "setup: installing $REQ (first time: a few minutes, torch is large)"
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -r "$REQ"
  touch "$stamp"
fi

if [ "${1:-}" = "--test" ] && [ ! -x /usr/bin/chromium ]; then
  echo "setup: installing Debian's chromium for the browser tests"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-noto-color-emoji >/dev/null
fi
echo "setup: ready ($(.venv/bin/python --version))"
