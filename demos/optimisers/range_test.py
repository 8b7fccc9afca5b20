"""The LR range test (Smith 2017): one short run whose learning rate grows every step; a workable
rate sits where the smoothed loss falls fastest, below where it blows up.
"""
from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np
import plotly.graph_objects as go
import torch

from demos.optimisers.batch_size import tiny_mlp
from demos.plots import OKABE_ITO, log_x_marker


def lr_range_test(seed: int, lo: float = 1e-4, hi: float = 10.0, steps: int = 200, batch: int = 32,
                  on_progress: Callable[[float], None] | None = None) -> dict[str, Any]:
    """LR range test (Smith 2017): SGD (momentum 0.9) with the learning rate growing geometrically from
    `lo` to `hi`, one step each; the bias-corrected running mean of the loss (β = 0.98) is tracked
    until it exceeds 4× its best. Suggestion: the lr where the smoothed loss falls fastest per log lr."""
    from models.data import validation_split

    fit_x, fit_y = validation_split()[:2]
    model = tiny_mlp(seed)
    sgd = torch.optim.SGD(model.parameters(), lr=lo, momentum=0.9)
    gen = torch.Generator().manual_seed(seed)
    factor = (hi / lo) ** (1 / (steps - 1))
    lrs, raw, smooth, avg, best = [], [], [], 0.0, math.inf
    order = torch.randperm(len(fit_y), generator=gen)
    for i in range(steps):
        rows = order[(i * batch) % len(order):][:batch]
        lr = lo * factor ** i
        for g in sgd.param_groups:
            g["lr"] = lr
        sgd.zero_grad(set_to_none=True)
        loss = torch.nn.functional.cross_entropy(model(fit_x[rows]), fit_y[rows])
        loss.backward()
        sgd.step()
        avg = 0.98 * avg + 0.02 * loss.item()
        s = avg / (1 - 0.98 ** (i + 1))
        lrs.append(lr), raw.append(loss.item()), smooth.append(s)
        best = min(best, s)
        if on_progress:
            on_progress((i + 1) / steps)
        if s > 4 * best or not math.isfinite(s):
            break
    lrs, smooth = np.array(lrs), np.array(smooth)
    slope = np.gradient(smooth, np.log10(lrs))
    end = int(np.argmin(smooth))
    pick = int(np.argmin(slope[:end])) if end > 2 else 0
    return {"lr": lrs, "loss": np.array(raw), "smooth": smooth, "suggested": float(lrs[pick]),
            "min_loss_lr": float(lrs[end])}


def range_figure(test: dict[str, Any], height: int = 340) -> go.Figure:
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=test["lr"], y=test["loss"], mode="lines", name="loss per batch",
                             line=dict(color="gray", width=1), opacity=0.5))
    fig.add_trace(go.Scatter(x=test["lr"], y=test["smooth"], mode="lines", name="smoothed",
                             line=dict(color=OKABE_ITO[0], width=3)))
    log_x_marker(fig, test["suggested"], f"steepest fall {test['suggested']:.2g}", OKABE_ITO[3])
    fig.update_xaxes(type="log", title="learning rate (grows every step)", exponentformat="power")
    fig.update_yaxes(title="training loss", range=[0, 1.5 * float(test["smooth"][0])])  # the blow-up runs off the top
    fig.update_layout(title="LR range test (Smith 2017)", height=height, margin=dict(l=10, r=10, t=40, b=10),
                      legend=dict(orientation="h", y=-0.25))
    return fig


def range_caption(test: dict[str, Any]) -> str:
    return (f"Over {len(test['lr'])} steps with a growing learning rate the smoothed loss fell fastest at "
            f"η ≈ {test['suggested']:.2g} and was lowest at η ≈ {test['min_loss_lr']:.2g} before it blew up; a "
            f"good fixed rate sits near the steepest fall, a good one-cycle peak a little below the lowest point.")
