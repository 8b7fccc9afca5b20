"""Batch size on real digits: one epoch is ⌈N/B⌉ updates, and the same small MLP trained with plain SGD
at batch sizes 1, 32 and 3,500, compared at equal epochs and at equal wall-clock time. The gradient
noise behind it is `gradient_noise`.
"""
from __future__ import annotations

import math
import time
from typing import Any, Callable

import numpy as np
import plotly.graph_objects as go
import torch

from demos.plots import OKABE_ITO

# ------------------------------------------------------------------ the runs
FULL = 0  # stands for "the whole training set" in batch-size tuples
EVALS = 20  # validation points per batch-size run


def tiny_mlp(seed: int) -> torch.nn.Module:
    """The project's MLP architecture cut down to 784 → 32 → 10 (25,450 weights), seeded init."""
    from models.mnist_mlp import MnistMlp, MnistMlpConfig

    torch.manual_seed(seed)
    return MnistMlp(MnistMlpConfig(hidden=32, depth=1, dropout=0.0))


def iterations_per_epoch(n: int, batch: int, drop_last: bool = False) -> int:
    """⌈N/B⌉ updates per pass over N examples (⌊N/B⌋ when the short last batch is dropped)."""
    return n // batch if drop_last else -(-n // batch)


def evaluate(model: torch.nn.Module, images: torch.Tensor, labels: torch.Tensor) -> tuple[float, float]:
    with torch.no_grad():
        logits = model(images)
    return float(torch.nn.functional.cross_entropy(logits, labels)), float((logits.argmax(1) == labels).float().mean())


def _train(batch: int, lr: float, seed: int, data: tuple, until: Callable[[int, float], bool],
           every: Callable[[int, float], bool], on_tick: Callable[[int, float], None]) -> dict[str, Any]:
    """Plain SGD on the fit digits with batch size `batch` (FULL: all), shuffled each epoch (seeded),
    until `until(updates, train seconds)`; validation loss/accuracy logged whenever `every(...)` says,
    with evaluation time left out of the clock."""
    fit_x, fit_y, val_x, val_y = data
    n, b = len(fit_y), batch or len(fit_y)
    model = tiny_mlp(seed)
    sgd = torch.optim.SGD(model.parameters(), lr=lr)
    gen = torch.Generator().manual_seed(seed)
    log = {k: [] for k in ("updates", "epochs", "seconds", "val_loss", "val_acc")}
    updates, seconds, seen = 0, 0.0, 0

    def write(updates: int, seconds: float) -> None:
        loss, acc = evaluate(model, val_x, val_y)
        for k, v in zip(log, (updates, seen / n, seconds, loss, acc)):
            log[k].append(v)

    write(0, 0.0)
    while not until(updates, seconds):
        order = torch.randperm(n, generator=gen)
        for lo in range(0, n, b):
            rows = order[lo:lo + b]
            t0 = time.perf_counter()
            sgd.zero_grad(set_to_none=True)
            torch.nn.functional.cross_entropy(model(fit_x[rows]), fit_y[rows]).backward()
            sgd.step()
            seconds += time.perf_counter() - t0
            updates, seen = updates + 1, seen + len(rows)
            on_tick(updates, seconds)
            if every(updates, seconds):
                write(updates, seconds)
            if until(updates, seconds):
                break
    if log["updates"][-1] != updates:
        write(updates, seconds)
    return {k: np.array(v) for k, v in log.items()} | {"batch": b, "per_epoch": iterations_per_epoch(n, b)}


def batch_size_experiment(epochs: int, lr: float, seed: int, batch_sizes: tuple[int, ...] = (1, 32, FULL),
                          max_seconds: float = 1.5, on_progress: Callable[[float], None] | None = None) -> dict:
    """The same MLP (same init, same shuffles) trained with plain SGD at each batch size, first for
    `epochs` passes over the 3,500 fit digits (equal epochs), then each for the wall-clock time the
    first batch size needed (capped at `max_seconds`: equal wall-clock; uncapped, the first one's run is
    reused). Validation on the 500 validation digits (models.data.validation_split), never the held-out
    test digits."""
    from models.data import validation_split

    data = validation_split()
    n = len(data[1])
    runs = len(batch_sizes) * 2
    out: dict[str, Any] = {"n": n, "epochs": epochs, "lr": lr, "equal_epochs": [], "equal_time": []}
    tick = (lambda r, f: on_progress(min((r + f) / runs, 1.0))) if on_progress else (lambda r, f: None)
    for r, b in enumerate(batch_sizes):
        total = epochs * iterations_per_epoch(n, b or n)
        out["equal_epochs"].append(_train(b, lr, seed, data, lambda u, s: u >= total,
                                          lambda u, s, k=max(1, total // EVALS): u % k == 0,
                                          lambda u, s, r=r, total=total: tick(r, u / total) if u % 50 == 0 else None))
    needed = out["equal_epochs"][0]["seconds"][-1]
    budget = out["budget"] = min(needed, max_seconds)
    out["capped"] = needed > max_seconds
    for r, b in enumerate(batch_sizes, start=len(batch_sizes)):
        if r == len(batch_sizes) and not out["capped"]:  # the first batch size's run set the budget: reuse it
            out["equal_time"].append(out["equal_epochs"][0])
            continue
        marks = iter(np.linspace(0, budget, EVALS + 1)[1:])
        nxt = [next(marks)]

        def every(u: float, s: float, nxt=nxt, marks=marks) -> bool:
            if s >= nxt[0]:
                nxt[0] = next(marks, math.inf)
                return True
            return False
        out["equal_time"].append(_train(b, lr, seed, data, lambda u, s: s >= budget, every,
                                        lambda u, s, r=r: tick(r, s / budget) if u % 50 == 0 else None))
    return out


# ------------------------------------------------------------------ its text, figures and captions
def count(k: int, noun: str) -> str:
    """'1 epoch', '3,500 updates': a count and its noun, plural unless one (the package's captions)."""
    return f"{k:,} {noun}{'s' * (k != 1)}"


def iterations_text(run: dict[str, Any]) -> str:
    n, e = run["n"], run["epochs"]
    lines = [f"**Iterations per epoch = ⌈N/B⌉** with N = {n:,} fit digits:"]
    for r in run["equal_epochs"]:
        b, k = r["batch"], r["per_epoch"]
        tail = n - (k - 1) * b
        extra = (f" ({k - 1} full batches and a last one of {tail}; with `drop_last=True` "
                 f"{iterations_per_epoch(n, b, True)})" if tail != b else "")
        lines.append(f"- B = {b:,}: ⌈{n:,}/{b:,}⌉ = **{k:,}** update{'s' * (k != 1)} per epoch{extra}, so "
                     f"{k * e:,} in {count(e, 'epoch')}")
    return "\n".join(lines)


def batch_figure(run: dict[str, Any], kind: str, height: int = 340) -> go.Figure:
    """Validation loss against epochs (equal epochs) or training seconds (equal wall-clock)."""
    fig = go.Figure()
    x_key = "epochs" if kind == "equal_epochs" else "seconds"
    for i, r in enumerate(run[kind]):
        fig.add_trace(go.Scatter(x=r[x_key], y=r["val_loss"], mode="lines+markers", name=f"B = {r['batch']:,}",
                                 line=dict(color=OKABE_ITO[i], width=2.5), marker=dict(size=5, symbol=i)))
    title = (f"Equal epochs: {run['epochs']} pass{'es' * (run['epochs'] > 1)} each" if kind == "equal_epochs" else
             f"Equal wall-clock: {run['budget']:.2f} s of training each")
    fig.update_xaxes(title="epochs (passes over the data)" if kind == "equal_epochs" else "training seconds")
    fig.update_yaxes(title="validation loss")
    fig.update_layout(title=title, height=height, margin=dict(l=10, r=10, t=40, b=10),
                      legend=dict(orientation="h", y=-0.25))
    return fig


def batch_caption(run: dict[str, Any], kind: str) -> str:
    parts = [f"B = {r['batch']:,}: {count(int(r['updates'][-1]), 'update')}"
             + (f" in {r['seconds'][-1]:.2f} s" if kind == "equal_epochs" else f" ({r['epochs'][-1]:.2f} epochs)")
             + f", {r['val_acc'][-1]:.1%} validation accuracy" for r in run[kind]]
    best = max(run[kind], key=lambda r: r["val_acc"][-1])
    first = run["equal_epochs"][0]
    why = (f"B = {first['batch']:,} needed {first['seconds'][-1]:.2f} s; capped" if run["capped"] else
           f"what B = {first['batch']:,} needed")
    where = (f"timed on the machine that made the committed run: {run['timed_on']}" if run.get("timed_on") else
             "timed on this server")  # a committed run carries where it was timed (`demos.optimisers.committed`)
    lead = (f"After {count(run['epochs'], 'epoch')}" if kind == "equal_epochs" else
            f"In {run['budget']:.2f} s of training each ({why}, {where})")
    return f"{lead}: " + "; ".join(parts) + f". Best: B = {best['batch']:,}."
