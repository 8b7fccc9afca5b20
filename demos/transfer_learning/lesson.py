"""The transfer page's lesson answers (`## Lesson` in pages/12_transfer_learning.md, format:
ui/lesson_data.py): a beat's URL parameters (missing ones take the page's defaults, as
pages/12_transfer_learning.py reads them) -> the hero's committed sweep (models/results/transfer_learning.json),
summarised by the page's own functions. Beats keep the committed rate and seeds, so they open at once."""
from __future__ import annotations

from typing import Mapping

import pandas as pd

from demos.transfer_learning import results, sweep

DEFAULTS = {"k": "5", "target": "0.9", "lr": "0.001", "seeds": "3"}
SHORT = {"scratch": "From scratch", "probe": "Linear probe", "last": "Fine-tune last block",
         "full": "Fine-tune everything", "imagenet": "ImageNet features"}


def summary(params: Mapping[str, str]) -> pd.DataFrame:
    """The hero's sweep summary; ValueError when the view needs runs that are not committed."""
    p = DEFAULTS | dict(params)
    lr, seeds = float(p["lr"]), int(p["seeds"])
    stored = results.precomputed("sweep", lr, seeds)
    if results.live_runs(stored, lr, seeds):
        raise ValueError(f"the sweep at lr={lr}, seeds={seeds} is not committed")
    return sweep.sweep_summary(results.combine(stored, [])[0])


def _at_k(params: Mapping[str, str]) -> pd.DataFrame:
    k = int((DEFAULTS | dict(params))["k"])
    s = summary(params)
    return s[s["k"] == k].set_index("strategy")


def best_at_k(params: Mapping[str, str]) -> str:
    """The strategy with the highest mean test accuracy at the view's k."""
    return SHORT[_at_k(params)["mean"].idxmax()]


def worst_at_k(params: Mapping[str, str]) -> str:
    """The strategy with the lowest mean test accuracy at the view's k."""
    return SHORT[_at_k(params)["mean"].idxmin()]


def probe_labels(params: Mapping[str, str]) -> str:
    """Labels per class the linear probe needs to reach the view's target ("Not by 100" if never)."""
    need = sweep.labels_needed(summary(params), float((DEFAULTS | dict(params))["target"]))["probe"]
    return str(need) if need is not None else "Not by 100"


def forgets_more(params: Mapping[str, str]) -> str:
    """Of the linear probe and full fine-tuning, the one left with the lower accuracy on the old task at k."""
    old = _at_k(params)["old"]
    return SHORT["probe"] if old["probe"] < old["full"] else SHORT["full"]
