"""The hero: data parallelism computed. One batch of digits is split over K workers; each worker
computes the gradient of its own shard's mean loss; an all-reduce averages them; every worker takes
the same step. The average equals the large-batch gradient when shards are equal (weight them by size
otherwise). Below it: the linear-scaling rule (Goyal et al. 2017) measured over batch sizes."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import plotly.graph_objects as go
import torch

from demos.distributed_learning import common
from demos.plots import OKABE_ITO, layout

WORKERS_RANGE = (1, 8)
BATCH_RANGE = (8, 512)
LR_RANGE = (0.01, 1.0)  # learning rate at the reference batch (η₀ at B₀ = 32)
BASE_BATCH = 32
SCALING_BATCHES = (32, 64, 128, 256, 512, 1024)
SCALING_EPOCHS = 2
SHOWN = 40  # gradient coordinates drawn (the largest of the full-batch gradient)


@dataclass(frozen=True)
class ParallelStep:
    sizes: list[int]  # examples per worker
    worker_grads: np.ndarray  # (K, P) each worker's gradient of its shard's mean loss
    plain_mean: np.ndarray  # (P,) (1/K) Σ g_k: what all_reduce(SUM) / K gives
    weighted_mean: np.ndarray  # (P,) Σ (n_k / B) g_k
    full: np.ndarray  # (P,) gradient of the whole batch's mean loss, one process
    step_gap: float  # max |w_parallel − w_single| after one SGD step with the weighted mean
    lr: float

    @property
    def equal_shards(self) -> bool:
        return len(set(self.sizes)) == 1

    @property
    def plain_gap(self) -> float:
        return float(np.abs(self.plain_mean - self.full).max())

    @property
    def weighted_gap(self) -> float:
        return float(np.abs(self.weighted_mean - self.full).max())

    @property
    def scale(self) -> float:
        return float(np.abs(self.full).max())


def data_parallel_step(workers: int, batch: int, lr: float, seed: int) -> ParallelStep:
    """One batch of `batch` fit digits (drawn with `seed`) on an MLP initialised with `seed`, split
    over `workers` contiguous shards (`torch.tensor_split`: sizes differ by at most one)."""
    data = common.digits()
    g = torch.Generator().manual_seed(seed)
    rows = torch.randperm(len(data["y_fit"]), generator=g)[:batch]
    x, y = data["x_fit"][rows], data["y_fit"][rows]
    params = common.init_mlp(seed)
    shards = list(zip(torch.tensor_split(x, workers), torch.tensor_split(y, workers)))
    grads = [common.flat(common.loss_and_grads(params, xs, ys)[1]) for xs, ys in shards]
    sizes = [len(ys) for _, ys in shards]
    stack = torch.stack(grads)  # (K, P)
    weighted = (stack * torch.tensor(sizes, dtype=torch.float32)[:, None] / batch).sum(0)
    full = common.flat(common.loss_and_grads(params, x, y)[1])
    w = common.flat(params)
    gap = float(((w - lr * weighted) - (w - lr * full)).abs().max())
    return ParallelStep(sizes, stack.numpy(), stack.mean(0).numpy(), weighted.numpy(), full.numpy(), gap, lr)


def gradient_figure(r: ParallelStep, height: int = 420) -> go.Figure:
    """The SHOWN largest coordinates of the full-batch gradient: every worker's value (dots), the
    all-reduce mean (line) and the one-process gradient (open circles)."""
    top = np.argsort(-np.abs(r.full))[:SHOWN]
    x = np.arange(1, len(top) + 1)
    fig = go.Figure()
    for k, g in enumerate(r.worker_grads):
        fig.add_trace(go.Scatter(x=x, y=g[top], mode="markers", name=f"worker {k + 1} ({r.sizes[k]} digits)",
                                 marker=dict(size=8, color=OKABE_ITO[(k + 4) % 8], opacity=0.75),
                                 legendgroup="workers", showlegend=k < 8))
    mean = r.plain_mean if r.equal_shards else r.weighted_mean
    label = "all-reduce mean" if r.equal_shards else "all-reduce mean, weighted by shard size"
    fig.add_trace(go.Scatter(x=x, y=mean[top], mode="lines", name=label, line=dict(color=OKABE_ITO[0], width=3)))
    if not r.equal_shards:
        fig.add_trace(go.Scatter(x=x, y=r.plain_mean[top], mode="lines", name="plain mean (unequal shards)",
                                 line=dict(color=OKABE_ITO[3], width=2, dash="dot")))
    fig.add_trace(go.Scatter(x=x, y=r.full[top], mode="markers", name="large-batch gradient (1 process)",
                             marker=dict(size=11, symbol="circle-open", color=OKABE_ITO[7], line=dict(width=2))))
    fig.update_xaxes(title=f"the {len(top)} largest gradient coordinates (rank)")
    fig.update_yaxes(title="∂ loss / ∂ w")
    fig.update_layout(legend=dict(orientation="h", y=-0.2))
    return layout(fig, None, height)


def hero_caption(r: ParallelStep) -> str:
    k, b = len(r.sizes), sum(r.sizes)
    sizes = " + ".join(str(s) for s in r.sizes) if k <= 8 else f"{min(r.sizes)}–{max(r.sizes)} each"
    text = (f"{k} worker(s) share a batch of {b} digits ({sizes}). The largest gradient coordinate is "
            f"{r.scale:.3g}; ")
    if r.equal_shards:
        text += (f"the all-reduce mean differs from the large-batch gradient by at most {r.weighted_gap:.1e} "
                 f"(float32 rounding), and the step with η = {r.lr:g} moves the weights to within "
                 f"{r.step_gap:.1e} of the one-process step.")
    else:
        text += (f"the shards are unequal, so the plain mean (1/K)·Σ g_k is off by up to {r.plain_gap:.1e}, "
                 f"while the mean weighted by shard size is within {r.weighted_gap:.1e} and its step within "
                 f"{r.step_gap:.1e} of the one-process step.")
    return text


# -- the linear-scaling rule -------------------------------------------------------------------------

def train_epochs(params: list[torch.Tensor], x: torch.Tensor, y: torch.Tensor, batch: int, lr: float,
                 epochs: int, seed: int) -> list[torch.Tensor]:
    """Plain mini-batch SGD (seeded shuffles); returns the new parameters (NaN if it diverged)."""
    g = torch.Generator().manual_seed(seed)
    params = [p.clone() for p in params]
    for _ in range(epochs):
        order = torch.randperm(len(y), generator=g)
        for i in range(0, len(y), batch):
            rows = order[i:i + batch]
            _, grads = common.loss_and_grads(params, x[rows], y[rows])
            params = [p - lr * gr for p, gr in zip(params, grads)]
    return params


def scaling_sweep(lr: float, seed: int, on_progress: Callable[..., None] | None = None) -> dict:
    """Validation accuracy after SCALING_EPOCHS epochs at each batch size, with the learning rate kept
    at η₀ and scaled linearly (η₀·B/B₀). The same number of epochs: bigger batches take fewer steps."""
    data = common.digits()
    out: dict = {"batches": list(SCALING_BATCHES), "fixed": [], "scaled": [], "lr": lr}
    for i, b in enumerate(SCALING_BATCHES):
        for name, rate in (("fixed", lr), ("scaled", lr * b / BASE_BATCH)):
            p = train_epochs(common.init_mlp(seed), data["x_fit"], data["y_fit"], b, rate, SCALING_EPOCHS, seed)
            acc = common.accuracy(p, data["x_val"], data["y_val"])
            out[name].append(acc if np.isfinite(acc) and all(torch.isfinite(t).all() for t in p) else 0.1)
        if on_progress:
            on_progress((i + 1) / len(SCALING_BATCHES))
    return out


def recorded_scaling(lr: float, seed: int) -> dict | None:
    """The committed sweep (train/distributed_learning.py --only scaling) when lr and seed are its own."""
    import json
    from pathlib import Path
    path = Path(__file__).resolve().parents[2] / "models" / "results" / "distributed_learning_scaling.json"
    if not path.exists():
        return None
    rec = json.loads(path.read_text())
    return rec["sweep"] if (rec["sweep"]["lr"], rec["seed"]) == (lr, seed) else None


def scaling_figure(s: dict, batch: int, height: int = 320) -> go.Figure:
    fig = go.Figure()
    for i, (name, label) in enumerate((("fixed", f"η = {s['lr']:g} at every batch size"),
                                       ("scaled", f"η = {s['lr']:g} · B/{BASE_BATCH} (linear scaling)"))):
        fig.add_trace(go.Scatter(x=s["batches"], y=s[name], name=label, mode="lines+markers",
                                 line=dict(color=OKABE_ITO[i], width=3), marker=dict(size=9)))
    fig.add_vline(x=batch, line_dash="dash", line_color="grey", annotation_text=f"B = {batch}")
    fig.update_xaxes(type="log", title="batch size B", tickvals=s["batches"])
    fig.update_yaxes(title=f"validation accuracy after {SCALING_EPOCHS} epochs", tickformat=".0%", range=[0, 1])
    fig.update_layout(legend=dict(orientation="h", y=-0.3))
    return layout(fig, None, height)


def scaling_caption(s: dict) -> str:
    b = s["batches"]
    big = b[-1]
    fixed, scaled = s["fixed"][-1], s["scaled"][-1]
    best = int(np.argmax(s["scaled"]))
    text = (f"At B = {big} the same {SCALING_EPOCHS} epochs are only {int(np.ceil(3500 / big)) * SCALING_EPOCHS} steps: "
            f"keeping η = {s['lr']:g} reaches {fixed:.0%}, scaling it to {s['lr'] * big / BASE_BATCH:g} reaches "
            f"{scaled:.0%}. With scaling, the best batch size here is {b[best]} ({s['scaled'][best]:.0%})")
    worst = int(np.argmin(s["scaled"]))
    if s["scaled"][worst] < s["scaled"][best] - 0.05 and worst > best:
        text += f"; at B = {b[worst]} (η = {s['lr'] * b[worst] / BASE_BATCH:g}) the rule breaks down ({s['scaled'][worst]:.0%})."
    else:
        text += "."
    return text
