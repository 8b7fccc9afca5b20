"""Committed default runs: the digit experiments' default settings (batch size, schedules, the LR
range test, the gradient noise) are computed once by `python -m train.precompute_optimisers` and
stored in models/results/optimisers.json, so their tabs open at once (`demos.precomputed`); any
other setting trains live. The store holds JSON, so a stored result has lists where a live one has
numpy arrays: every figure and caption of these runs reads both alike (`plain` is the conversion).
"""
from __future__ import annotations

import datetime
import platform
from pathlib import Path
from typing import Any, Callable

import numpy as np

from demos.optimisers import batch_size, gradient_noise, range_test, schedules

SEED = 0  # every digit experiment's seed on the page
BATCH_DEFAULTS = (1, 0.01)  # the batch-size tab's default epochs and learning rate (10^-2.0)
SCHEDULE_DEFAULTS = (round(10 ** -1.3, 6), 4)  # the schedules tab's default peak rate (10^-1.3) and epochs


def grid() -> list[tuple[Callable, tuple]]:
    """(function, arguments) of every committed run: exactly the calls the page makes at its defaults."""
    return [(batch_size.batch_size_experiment, (*BATCH_DEFAULTS, SEED)),
            (gradient_noise.gradient_noise, (SEED,)),
            (schedules.schedule_experiment, (*SCHEDULE_DEFAULTS, SEED)),
            (range_test.lr_range_test, (SEED,))]


def plain(value: Any) -> Any:
    """numpy arrays and scalars (also inside dicts, lists and tuples) -> lists and Python numbers."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (np.ndarray, np.generic)):
        return value.tolist()
    return value


def this_machine() -> str:
    """Where a run is timed, for its caption: 'AMD EPYC 7B13 (2 threads used of 16), 2026-12-07'."""
    import torch

    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        names = [line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines()
                 if line.startswith("model name")]
        cpu = names[0] if names else cpu
    return f"{cpu}, {torch.get_num_threads()} thread(s), {datetime.date.today().isoformat()}"
