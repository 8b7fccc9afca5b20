"""The sequence-tasks page's lesson answers (`## Lesson` in pages/22_sequence_tasks.md, format:
ui/lesson_data.py): each function takes a beat's URL parameters (strings; missing ones take the page's
defaults) and computes the right choice by running the hero's own functions."""
from __future__ import annotations

from typing import Mapping

from demos.sequence_tasks import forecasting

DEFAULTS = {"horizon": 12, "origin": 1996, "leak": False, "band": "MLP", "window": 24, "seed": 0}


def _flag(raw: object) -> bool:
    return str(raw).lower() in ("1", "true", "yes", "on")


def view(params: Mapping[str, str]) -> forecasting.Evaluation:
    """The backtest the hero shows for these parameters."""
    p = {k: params.get(k, v) for k, v in DEFAULTS.items()}
    fit = forecasting.fit_co2(int(p["window"]), _flag(p["leak"]), int(p["seed"]))
    return forecasting.evaluate(forecasting.load_co2(), fit, int(p["horizon"]))


def best_at_horizon(params: Mapping[str, str]) -> str:
    """The model with the lowest test MAE at the view's horizon."""
    ev = view(params)
    return min(forecasting.MODELS, key=lambda m: ev.test.mae(m)[-1])


def leak_lowers_mlp_error(params: Mapping[str, str]) -> str:
    """Whether the MLP's MAE at the horizon is lower with leakage than without."""
    on, off = view(dict(params) | {"leak": "1"}), view(dict(params) | {"leak": "0"})
    return "Yes" if on.test.mae("MLP")[-1] < off.test.mae("MLP")[-1] else "No"


def interval_holds(params: Mapping[str, str]) -> str:
    """Whether the chosen model's 80 % interval covers at least 80 % of the test targets."""
    band = params.get("band", DEFAULTS["band"])
    return "Yes" if view(params).coverage[band] >= 0.8 else "No"
