#!/usr/bin/env bash
# Set everything up, then start the gallery on http://localhost:8501 (extra args go to streamlit).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"  # fewer glibc arenas: ~100 MB less resident memory
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}" OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"  # one thread per op, no spinning: BENCHMARKS.md
exec .venv/bin/python -m streamlit run streamlit_app.py "$@"
