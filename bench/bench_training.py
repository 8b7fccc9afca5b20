"""Every training script's --dry-run (one batch, nothing saved): seconds of wall time, including
Python and torch start-up, as a fresh process would take them."""
from __future__ import annotations

import subprocess
import sys
import tempfile
import time

from bench.common import ROOT, Row


def run() -> list[Row]:
    rows = []
    for script in sorted(p.stem for p in (ROOT / "train").glob("*.py") if p.stem not in ("__init__", "common")):
        with tempfile.TemporaryDirectory() as out:
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", f"train.{script}", "--dry-run", "--out", out], cwd=ROOT,
                           check=True, capture_output=True, timeout=900)
            rows.append(Row("training", f"`python -m train.{script} --dry-run`", time.perf_counter() - start,
                            target="seconds"))
    return rows
