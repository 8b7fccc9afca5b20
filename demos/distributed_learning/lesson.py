"""The distributed-learning page's lesson answers (`## Lesson` in pages/21_distributed_learning.md,
format: ui/lesson_data.py): each function takes a beat's URL parameters (strings; missing ones take the
page's defaults, read here the way the page reads them) and computes the right choice."""
from __future__ import annotations

from typing import Mapping

from demos.distributed_learning import data_parallel

DEFAULTS = {"workers": 4, "batch": 128, "lr": 0.1, "seed": 0}
MATCH = 1e-5  # relative: float32 rounding is ~1e-7 of the values summed


def _view(params: Mapping[str, str]) -> dict:
    p = {k: type(v)(params.get(k, v)) for k, v in DEFAULTS.items()}
    return p


def mean_matches(params: Mapping[str, str]) -> str:
    """"Yes" when the plain all-reduce mean (1/K)·Σ g_k equals the large-batch gradient to float rounding."""
    p = _view(params)
    r = data_parallel.data_parallel_step(p["workers"], p["batch"], p["lr"], p["seed"])
    return "Yes" if r.plain_gap <= MATCH * r.scale else "No"


def weighted_matches(params: Mapping[str, str]) -> str:
    """"Yes" when the mean weighted by shard size, Σ (n_k / B)·g_k, equals the large-batch gradient."""
    p = _view(params)
    r = data_parallel.data_parallel_step(p["workers"], p["batch"], p["lr"], p["seed"])
    return "Yes" if r.weighted_gap <= MATCH * r.scale else "No"


def step_matches(params: Mapping[str, str]) -> str:
    """"Yes" when the data-parallel step lands within 1e-6 of the one-process step (the beat's "a millionth")."""
    p = _view(params)
    r = data_parallel.data_parallel_step(p["workers"], p["batch"], p["lr"], p["seed"])
    return "Yes" if r.step_gap <= 1e-6 else "No"


def scaling_winner(params: Mapping[str, str]) -> str:
    """Which learning rate reaches the higher validation accuracy at the largest batch size."""
    p = _view(params)
    s = data_parallel.scaling_sweep(p["lr"], p["seed"])
    return "Scaled η" if s["scaled"][-1] > s["fixed"][-1] else "Fixed η"


def best_batch(params: Mapping[str, str]) -> str:
    """The batch size that reaches the highest validation accuracy with linear scaling (ties: smaller)."""
    p = _view(params)
    s = data_parallel.scaling_sweep(p["lr"], p["seed"])
    return str(s["batches"][max(range(len(s["batches"])), key=lambda i: (s["scaled"][i], -i))])
