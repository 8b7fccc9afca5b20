#!/usr/bin/env bash
# Set everything up (venv, pinned packages, Playwright, Debian's Chromium), then run the whole suite:
# unit, model, page (AppTest) and real-browser tests. Screenshots land in test-artifacts/.
# Extra args go to pytest, e.g. `bash scripts/test.sh -m "not browser"`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
mkdir -p test-artifacts
exec .venv/bin/python -m pytest "$@"
