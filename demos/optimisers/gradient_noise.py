"""Gradient noise vs batch size: how far a mini-batch gradient strays from the full one, measured on
the MLP at its start on 3,500 digits beside σ²/B · (N − B)/(N − 1), with σ² from exact per-example
gradient norms (Goodfellow 2015).
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np
import plotly.graph_objects as go
import torch

from demos.optimisers.batch_size import tiny_mlp
from demos.plots import OKABE_ITO
from models.mnist_cnn import normalise


def per_example_sq_norms(model: torch.nn.Module, images: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """‖∇ℓᵢ‖² of every example's loss for the one-hidden-layer `tiny_mlp`, exactly and without forming
    per-example gradients: a linear layer's gradient for one example is δᵢaᵢᵀ (plus δᵢ for its bias),
    whose squared norm is ‖δᵢ‖²(‖aᵢ‖² + 1), δᵢ = ∂ℓᵢ/∂(layer output), aᵢ its input
    (Goodfellow 2015)."""
    hidden, out = model.net[1], model.net[4]
    a0 = normalise(images).flatten(1)  # (N, 784), what the first layer sees
    z1 = hidden(a0)  # (N, h)
    a1 = torch.relu(z1)
    z2 = out(a1)  # (N, 10)
    d1, d2 = torch.autograd.grad(torch.nn.functional.cross_entropy(z2, labels, reduction="sum"), (z1, z2))
    return (d1.pow(2).sum(1) * (a0.pow(2).sum(1) + 1) + d2.pow(2).sum(1) * (a1.pow(2).sum(1) + 1)).detach()


def gradient_noise(seed: int, batch_sizes: tuple[int, ...] = (1, 4, 16, 64, 256, 1024), draws: int = 48,
                   on_progress: Callable[[float], None] | None = None) -> dict[str, Any]:
    """How far a mini-batch gradient g_B strays from the full gradient g at the MLP's seeded start, on
    the 3,500 fit digits: measured E‖g_B − g‖² over `draws` random batches (without replacement) per
    size, beside the theory σ²/B · (N − B)/(N − 1), σ² = mean ‖gᵢ‖² − ‖g‖² from exact per-example
    norms."""
    from models.data import validation_split

    x, y = validation_split()[:2]
    n, model = len(y), tiny_mlp(seed)
    params = list(model.parameters())

    def gradient(rows: torch.Tensor | slice) -> torch.Tensor:
        loss = torch.nn.functional.cross_entropy(model(x[rows]), y[rows])
        return torch.cat([g.flatten() for g in torch.autograd.grad(loss, params)])

    full = gradient(slice(None))
    sigma2 = float(per_example_sq_norms(model, x, y).mean()) - float(full.pow(2).sum())
    gen = torch.Generator().manual_seed(seed)
    measured = []
    for i, b in enumerate(batch_sizes):
        measured.append(float(np.mean([float((gradient(torch.randperm(n, generator=gen)[:b]) - full).pow(2).sum())
                                       for _ in range(draws)])))
        if on_progress:
            on_progress((i + 1) / len(batch_sizes))
    sizes = np.array(batch_sizes, dtype=float)
    return {"batch": sizes, "measured": np.array(measured), "theory": sigma2 / sizes * (n - sizes) / (n - 1),
            "sigma2": sigma2, "n": n}


def noise_figure(noise: dict[str, Any], height: int = 340) -> go.Figure:
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=noise["batch"], y=noise["theory"], mode="lines", name="σ²/B · (N − B)/(N − 1)",
                             line=dict(color=OKABE_ITO[0], width=2, dash="dash")))
    fig.add_trace(go.Scatter(x=noise["batch"], y=noise["measured"], mode="markers", name="measured E‖g_B − g‖²",
                             marker=dict(color=OKABE_ITO[3], size=11, symbol="diamond")))
    fig.update_xaxes(type="log", title="batch size B")
    fig.update_yaxes(type="log", exponentformat="power", title="mean squared error of the gradient")
    fig.update_layout(title="Gradient noise vs batch size (MLP at its start, 3,500 digits)", height=height,
                      margin=dict(l=10, r=10, t=40, b=10), legend=dict(orientation="h", y=-0.25))
    return fig


def noise_caption(noise: dict[str, Any]) -> str:
    m, t, b = (np.asarray(noise[k]) for k in ("measured", "theory", "batch"))  # (lists when committed)
    worst = float(np.max(np.abs(m / t - 1)))
    return (f"From B = {b[0]:.0f} to B = {b[-1]:,.0f} the mean squared gradient error fell {m[0] / m[-1]:,.0f}× "
            f"({m[0]:.3g} → {m[-1]:.3g}); 1/B alone predicts {b[-1] / b[0]:,.0f}×, the finite-population factor "
            f"(N − B)/(N − 1) the rest. Every measured point is within {worst:.0%} of the formula.")
