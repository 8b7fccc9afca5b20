#!/usr/bin/env bash
# Set everything up (venv, pinned packages, Playwright, Debian's Chromium), then run the whole suite:
# unit, model, page (AppTest) and real-browser tests. Screenshots land in test-artifacts/.
# Two workers (pytest-xdist): the gallery-wide browser tests on one, in order; the pages' own browser
# files, then the unit and AppTest files, shared as workers come free (tests/conftest.py).
# Extra args go to pytest, e.g. `bash scripts/test.sh -m "not browser"` or `bash scripts/test.sh -n 0`
# for one process.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
mkdir -p test-artifacts
exec .venv/bin/python -m pytest -n 2 --dist loadscope --no-loadscope-reorder "$@"
