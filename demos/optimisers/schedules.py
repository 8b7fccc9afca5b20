"""Learning-rate schedules (torch.optim.lr_scheduler): step, exponential, cosine (Loshchilov & Hutter
2017), warm-up + cosine and one-cycle (Smith & Topin 2019), read from torch and written out by hand,
and the same run on digits under each. Finding the peak rate is `range_test`.
"""
from __future__ import annotations

import math
from typing import Callable

import numpy as np
import plotly.graph_objects as go
import torch

from demos.optimisers.batch_size import count, evaluate, iterations_per_epoch, tiny_mlp
from demos.plots import OKABE_ITO, line_chart

# ------------------------------------------------------------------ the schedules
SCHEDULES = {"constant": "Constant", "step": "Step (÷10 at ⅓ and ⅔)", "exponential": "Exponential (to 1 %)",
             "cosine": "Cosine", "warmup_cosine": "Warm-up 10 % + cosine", "onecycle": "One-cycle"}


def scheduler(name: str, optimiser: torch.optim.Optimizer, total: int) -> torch.optim.lr_scheduler.LRScheduler:
    """The torch.optim.lr_scheduler behind `name`, for a run of `total` steps (stepped once per step)."""
    L = torch.optim.lr_scheduler
    if name == "constant":
        return L.LambdaLR(optimiser, lambda t: 1.0)
    if name == "step":
        return L.StepLR(optimiser, step_size=-(-total // 3), gamma=0.1)
    if name == "exponential":
        return L.ExponentialLR(optimiser, gamma=0.01 ** (1 / total))
    if name == "cosine":
        return L.CosineAnnealingLR(optimiser, T_max=total)
    if name == "warmup_cosine":
        warm = max(1, total // 10)
        return L.SequentialLR(optimiser, [L.LinearLR(optimiser, start_factor=0.01, total_iters=warm),
                                          L.CosineAnnealingLR(optimiser, T_max=total - warm)], milestones=[warm])
    if name == "onecycle":
        return L.OneCycleLR(optimiser, max_lr=optimiser.param_groups[0]["lr"], total_steps=total)
    raise ValueError(f"unknown schedule {name!r}")


def schedule_lrs(name: str, lr: float, total: int) -> np.ndarray:
    """The learning rate torch uses at steps 0..total − 1 (read from the scheduler, SGD momentum 0.9)."""
    sgd = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=lr, momentum=0.9)
    sched = scheduler(name, sgd, total)
    lrs = []
    for _ in range(total):
        lrs.append(sgd.param_groups[0]["lr"])
        sgd.step()
        sched.step()
    return np.array(lrs)


def schedule_formula(name: str, lr: float, t: int, total: int) -> float:
    """The same schedules written out (t = 0..total − 1, T = total):
    step  η·0.1^⌊t/⌈T/3⌉⌋      exponential  η·0.01^(t/T)      cosine  η(1 + cos(πt/T))/2
    warm-up (W = T/10)  η(0.01 + 0.99 t/W) for t < W, then cosine over the remaining T − W steps
    one-cycle  cosine from η/25 up to η over the first 30 %, then down to η/25/10⁴ (Smith & Topin 2019)"""
    cos = lambda a, b, p: b + (a - b) * (1 + math.cos(math.pi * p)) / 2  # a → b as p goes 0 → 1
    if name == "constant":
        return lr
    if name == "step":
        return lr * 0.1 ** (t // -(-total // 3))
    if name == "exponential":
        return lr * 0.01 ** (t / total)
    if name == "cosine":
        return cos(lr, 0.0, t / total)
    if name == "warmup_cosine":
        warm = max(1, total // 10)
        return lr * (0.01 + 0.99 * t / warm) if t < warm else cos(lr, 0.0, (t - warm) / (total - warm))
    if name == "onecycle":
        peak = 0.3 * total - 1
        if t <= peak:
            return cos(lr / 25, lr, t / peak)
        return cos(lr, lr / 25 / 1e4, (t - peak) / (total - 1 - peak))
    raise ValueError(f"unknown schedule {name!r}")


def schedules_for_run(lr: float, epochs: int, n: int = 3500, batch: int = 32) -> dict[str, np.ndarray]:
    """Every schedule's learning rate per step (torch's values) over `epochs` epochs of ⌈n/batch⌉ steps."""
    total = epochs * iterations_per_epoch(n, batch)
    return {SCHEDULES[k]: schedule_lrs(k, lr, total) for k in SCHEDULES}


def lrs_figure(lrs: dict[str, np.ndarray]) -> go.Figure:
    """Every schedule's learning rate per step (from `schedules_for_run`)."""
    return line_chart(np.arange(len(next(iter(lrs.values())))), lrs,
                      "Learning rate per step (torch.optim.lr_scheduler)", "step", "learning rate")


def lrs_caption(lrs: dict[str, np.ndarray], epochs: int, lr: float) -> str:
    total = len(next(iter(lrs.values())))
    return (f"Six schedules over the same {total} steps ({count(epochs, 'epoch')} of {total // epochs} batches), "
            f"each starting from or peaking at η = {lr:.3g}; the last step's rates: "
            + ", ".join(f"{k} {v[-1]:.2g}" for k, v in lrs.items()) + ".")


# ------------------------------------------------------------------ the same run under each schedule
def schedule_experiment(lr: float, epochs: int, seed: int, batch: int = 32,
                        on_progress: Callable[[float], None] | None = None) -> dict[str, dict[str, np.ndarray]]:
    """The same run (tiny MLP, same init and shuffles, SGD momentum 0.9, batch 32) under every schedule:
    lr and training loss per step, validation loss/accuracy after every epoch."""
    from models.data import validation_split

    fit_x, fit_y, val_x, val_y = validation_split()
    n = len(fit_y)
    total = epochs * iterations_per_epoch(n, batch)
    out = {}
    for k, name in enumerate(SCHEDULES):
        model = tiny_mlp(seed)
        sgd = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
        sched = scheduler(name, sgd, total)
        gen = torch.Generator().manual_seed(seed)
        lrs, losses, val = [], [], []
        for epoch in range(epochs):
            order = torch.randperm(n, generator=gen)
            for lo in range(0, n, batch):
                rows = order[lo:lo + batch]
                lrs.append(sgd.param_groups[0]["lr"])
                sgd.zero_grad(set_to_none=True)
                loss = torch.nn.functional.cross_entropy(model(fit_x[rows]), fit_y[rows])
                loss.backward()
                sgd.step()
                sched.step()
                losses.append(loss.item())
            val.append(evaluate(model, val_x, val_y))
            if on_progress:
                on_progress((k + (epoch + 1) / epochs) / len(SCHEDULES))
        out[name] = {"lr": np.array(lrs), "loss": np.array(losses), "val_loss": np.array([v[0] for v in val]),
                     "val_acc": np.array([v[1] for v in val])}
    return out


def schedule_figure(runs: dict[str, dict[str, np.ndarray]], height: int = 360) -> go.Figure:
    """Training loss per step (running mean over 20 steps) under each schedule."""
    fig = go.Figure()
    for i, (k, r) in enumerate(runs.items()):
        smooth = np.convolve(r["loss"], np.ones(20) / 20, mode="valid")
        fig.add_trace(go.Scatter(x=np.arange(19, len(r["loss"])), y=smooth, mode="lines", name=SCHEDULES[k],
                                 line=dict(color=OKABE_ITO[i % 8], width=2)))
    fig.update_xaxes(title="step")
    fig.update_yaxes(title="training loss (mean of 20 steps)", type="log")
    fig.update_layout(title="The same run under each schedule", height=height, margin=dict(l=10, r=10, t=40, b=10),
                      legend=dict(orientation="h", y=-0.25))
    return fig


def schedule_caption(runs: dict[str, dict[str, np.ndarray]]) -> str:
    ranked = sorted(runs, key=lambda k: -runs[k]["val_acc"][-1])
    return (f"Validation accuracy after {len(runs[ranked[0]]['val_acc'])} epochs (500 validation digits): "
            + ", ".join(f"{SCHEDULES[k]} {runs[k]['val_acc'][-1]:.1%}" for k in ranked) + ".")
