"""Test-time augmentation: average the digit CNN's probabilities over several mildly augmented
copies of each held-out digit instead of trusting one look, on clean digits and on digits made harder
(rotated 30° and shifted 3 px)."""
from __future__ import annotations

import math
from typing import Callable

import plotly.graph_objects as go
import torch

from demos.augmentation.batch import _affine, augment_batch
from models.data import mnist_split

TEST_DIGITS = 200  # balanced held-out digits (20 per class)


@torch.no_grad()
def tta_experiment(model: torch.nn.Module, draws: int, seed: int,
                   on_progress: Callable[[float], None] | None = None) -> dict:
    """Held-out accuracy when averaging the probabilities of the original and 1..draws − 1 augmented
    copies ("standard" augmentation, seeded), for clean and for harder digits."""
    x, y = mnist_split().balanced_test(TEST_DIGITS)
    n = len(x)
    hard = _affine(x, torch.full((n,), math.radians(30)), torch.ones(n), torch.full((n, 2), 3.0))
    out = {"copies": list(range(1, draws + 1))}
    for j, (name, images) in enumerate((("clean", x), ("rotated 30° and shifted", hard))):
        gen = torch.Generator().manual_seed(seed)
        total = torch.softmax(model(images), 1)
        accs = [float((total.argmax(1) == y).float().mean())]
        for d in range(2, draws + 1):
            total += torch.softmax(model(augment_batch(images, "standard", gen)), 1)
            accs.append(float((total.argmax(1) == y).float().mean()))
            if on_progress is not None:
                on_progress((j * draws + d) / (2 * draws))
        out[name] = accs
    return out


def tta_figure(result: dict, height: int = 340) -> go.Figure:
    fig = go.Figure()
    for name, colour in (("clean", "#0072B2"), ("rotated 30° and shifted", "#D55E00")):
        fig.add_trace(go.Scatter(x=result["copies"], y=result[name], mode="lines+markers", name=f"{name} digits",
                                 line=dict(color=colour)))
    fig.update_layout(height=height, xaxis_title="copies averaged (1 = the digit alone)", yaxis_title="held-out accuracy",
                      margin=dict(l=60, r=10, t=30, b=40), legend=dict(orientation="h", y=1.1))
    return fig


def tta_caption(result: dict) -> str:
    d = result["copies"][-1]
    parts = []
    for name in ("clean", "rotated 30° and shifted"):
        a0, a1 = result[name][0], result[name][-1]
        parts.append(f"{name} digits {a0:.1%} → {a1:.1%} ({(a1 - a0) * 100:+.1f} points)")
    return f"Averaging {d} copies of each of {TEST_DIGITS} held-out digits: " + "; ".join(parts) + "."
