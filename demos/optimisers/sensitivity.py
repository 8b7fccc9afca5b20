"""Learning-rate sensitivity: each optimiser rerun over a grid of learning rates (25 per optimiser,
a quarter decade apart), all at once through the hand-written update rules; how many decades of
learning rate reach the tolerance within the race.
"""
from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np
import plotly.graph_objects as go
import torch

from demos.optimisers.rules import BLOW_UP, COLOURS, OPTIMISERS, Runners, update
from demos.optimisers.surfaces import NOISY_N, gradients, noisy_data, surface
from demos.text import pow10

SWEEP_LOG_LRS = tuple(np.round(np.arange(-5.0, 1.01, 0.25), 2))  # the learning-rate sensitivity grid (log10)


def sweep_lr(surface_name: str, name: str, hp: tuple[tuple[str, Any], ...], log_lrs: tuple[float, ...],
             start: tuple[float, float], steps: int, tol: float, kappa: float = 20.0, batch: int = NOISY_N,
             seed: int = 0) -> dict[str, np.ndarray]:
    """Learning-rate sensitivity: optimiser `name` (other settings `hp`) once per lr = 10^log_lr, all
    lrs at once through the hand-written `update` (tested equal to torch.optim). Returns log_lr,
    steps until f − f_min ≤ tol (NaN: never) and the final gap (NaN: diverged)."""
    s = surface(surface_name, kappa)
    data = noisy_data(kappa, seed) if surface_name == "noisy" else None
    rng = np.random.default_rng(seed)
    settings_ = dict(hp) | {"lr": torch.tensor(10.0 ** np.asarray(log_lrs))[:, None]}
    w = torch.tensor(start, dtype=torch.float64).repeat(len(log_lrs), 1)
    state: dict[str, Any] = {}
    gap = np.full(len(log_lrs), s.f(*start) - s.f_min)
    first = np.where(gap <= tol, 0.0, np.nan)
    for i in range(1, steps + 1):
        rows = rng.choice(len(data.y), batch, replace=False) if data is not None and batch < len(data.y) else None
        g = torch.from_numpy(gradients(s, data, w.numpy(), rows))
        w = update(name, w, g, state, settings_)
        w[~(w.abs() < BLOW_UP).all(1)] = math.nan  # diverged runs stay NaN
        gap = s.f(w[:, 0].numpy(), w[:, 1].numpy()) - s.f_min
        first[np.isnan(first) & (gap <= tol)] = i
    return {"log_lr": np.array(log_lrs), "steps_to_tol": first, "final_gap": gap}


def lr_sensitivity(surface_name: str, runners: Runners, start: tuple[float, float], steps: int, tol: float,
                   kappa: float = 20.0, batch: int = NOISY_N, seed: int = 0, log_lrs: tuple[float, ...] = SWEEP_LOG_LRS,
                   on_progress: Callable[[float], None] | None = None) -> dict[str, dict[str, np.ndarray]]:
    """`sweep_lr` for every runner (its other settings kept), reporting progress after each."""
    out = {}
    for i, (name, hp) in enumerate(runners):
        out[name] = sweep_lr(surface_name, name, hp, log_lrs, start, steps, tol, kappa, batch, seed)
        if on_progress:
            on_progress((i + 1) / len(runners))
    return out


def working_decades(sweep: dict[str, np.ndarray]) -> tuple[float, float, float] | None:
    """(decades, lowest, highest log10 lr) of the learning rates that reached the tolerance."""
    ok = sweep["log_lr"][np.isfinite(sweep["steps_to_tol"])]
    return None if not len(ok) else (float(ok.max() - ok.min()), float(ok.min()), float(ok.max()))


def holes(sweep: dict[str, np.ndarray]) -> list[float]:
    """log10 lr of the grid's rates between the lowest and the highest that worked which did not reach
    the tolerance (a working range is not always one piece: on Himmelblau RMSprop misses at 0.32 and 0.56)."""
    span = working_decades(sweep)
    if span is None:
        return []
    lr, reached = sweep["log_lr"], np.isfinite(sweep["steps_to_tol"])
    return [float(v) for v, r in zip(lr, reached) if span[1] < v < span[2] and not r]


def sweep_figure(sweeps: dict[str, dict[str, np.ndarray]], steps: int, height: int = 360) -> go.Figure:
    """Steps to tolerance vs learning rate per optimiser; runs that never got there sit on a 'never'
    line at the top (hollow), diverged ones are crosses."""
    fig = go.Figure()
    for n, sw in sweeps.items():
        lr = 10 ** sw["log_lr"]
        reached = np.where(np.isnan(sw["steps_to_tol"]), steps * 1.15, sw["steps_to_tol"])
        symbols = ["x" if not np.isfinite(g) else "circle-open" if np.isnan(t) else "circle"
                   for t, g in zip(sw["steps_to_tol"], sw["final_gap"])]
        fig.add_trace(go.Scatter(x=lr, y=reached, mode="lines+markers", name=OPTIMISERS[n],
                                 line=dict(color=COLOURS[n], width=2), marker=dict(symbol=symbols, size=8),
                                 hovertemplate=OPTIMISERS[n] + ": lr %{x:.3g} → %{y:.0f} steps<extra></extra>"))
    fig.add_hline(y=steps * 1.15, line_dash="dot", line_color="gray", annotation_text="never (within the race)",
                  annotation_position="top left")
    fig.update_xaxes(type="log", title="learning rate", exponentformat="power")
    fig.update_yaxes(title="steps to reach the tolerance", rangemode="tozero")
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=30, b=10), legend=dict(orientation="h", y=-0.22))
    return fig


def sweep_caption(sweeps: dict[str, dict[str, np.ndarray]], tol: float) -> str:
    parts = []
    for n, sw in sweeps.items():
        span = working_decades(sw)
        gaps = holes(sw)
        missed = "" if not gaps else (" except " + " and ".join(
            [", ".join(f"{10 ** v:.2g}" for v in gaps[:-1]), f"{10 ** gaps[-1]:.2g}"] if len(gaps) > 1 else [f"{10 ** gaps[0]:.2g}"]))
        parts.append(f"{OPTIMISERS[n]} none" if span is None else
                     f"{OPTIMISERS[n]} {10 ** span[1]:.2g} to {10 ** span[2]:.2g} ({span[0]:.2f} decades){missed}")
    return (f"Learning rates that reached f − f* ≤ {pow10(tol)} within the race (grid step 0.25 decade): "
            + "; ".join(parts) + ".")
