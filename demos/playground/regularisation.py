"""Dropout and batch norm up close, outside any network: inverted dropout (Srivastava et al. 2014) on eight
activations, training vs evaluation; one batch-norm neuron (Ioffe & Szegedy 2015) in training mode (the
batch's statistics) vs evaluation mode (running averages): why forgetting model.eval() changes predictions.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import torch
from torch import nn

from demos.playground.figures import BLUE, ORANGE
from demos.playground.network import InvertedDropout

if TYPE_CHECKING:
    import plotly.graph_objects as go


def dropout_demo(p: float, seed: int, passes: int = 1000) -> dict[str, np.ndarray]:
    """Eight activations through InvertedDropout: one training pass, the mean of `passes` training
    passes, and the evaluation pass (the identity)."""
    h = torch.linspace(0.2, 1.6, 8)
    layer = InvertedDropout(p)
    layer.generator = torch.Generator().manual_seed(seed)
    many = torch.stack([layer(h) for _ in range(passes)])  # (passes, 8)
    layer.eval()
    return {"input": h.numpy(), "one": many[0].numpy(), "mean": many.mean(0).numpy(), "eval": layer(h).numpy()}


def batchnorm_demo(batch_size: int, seed: int, warmup: int = 200) -> dict[str, np.ndarray | float]:
    """One BatchNorm1d neuron fed batches of N(3, 2²): after `warmup` batches, a new batch of
    `batch_size` through training mode (its own mean and variance) and evaluation mode (the running
    averages, as this batch's training pass left them: the ones evaluation uses). γ = 1, β = 0 here, so
    both are plain standardisations."""
    g = torch.Generator().manual_seed(seed)
    norm = nn.BatchNorm1d(1)
    with torch.no_grad():
        for _ in range(warmup):
            norm(3 + 2 * torch.randn(max(batch_size, 2), 1, generator=g))
        x = 3 + 2 * torch.randn(batch_size, 1, generator=g)
        before = (float(norm.running_mean), float(norm.running_var))
        norm.train()
        train_out = norm(x) if batch_size > 1 else torch.zeros_like(x)  # this pass moves the running averages
        running = (float(norm.running_mean), float(norm.running_var))  # what evaluation mode now uses
        norm.eval()
        eval_out = norm(x)
    return {"x": x[:, 0].numpy(), "train": train_out[:, 0].numpy(), "eval": eval_out[:, 0].numpy(),
            "batch_mean": float(x.mean()), "batch_std": float(x.std(unbiased=False)),
            "running_mean": running[0], "running_std": math.sqrt(running[1]),
            "running_mean_before": before[0], "running_std_before": math.sqrt(before[1])}


def mechanics_figures(drop: dict, bn: dict, height: int = 300) -> tuple["go.Figure", "go.Figure"]:
    import plotly.graph_objects as go

    units = [f"unit {i + 1}" for i in range(len(drop["input"]))]
    a = go.Figure([go.Bar(x=units, y=drop[k], name=n, marker_color=c) for k, n, c in
                   (("one", "one training pass", "#999999"), ("mean", "mean of 1,000 training passes", BLUE),
                    ("eval", "evaluation (identity)", ORANGE))])
    a.update_layout(barmode="group", height=height, margin=dict(l=10, r=10, t=30, b=10),
                    legend=dict(orientation="h", y=1.15), title="Inverted dropout")
    order = np.argsort(bn["x"])
    b = go.Figure([go.Scatter(x=bn["x"][order], y=bn[k][order], mode="lines+markers", name=n, line=dict(color=c, width=3))
                   for k, n, c in (("train", "training mode: this batch's statistics", BLUE),
                                   ("eval", "evaluation mode: running averages", ORANGE))])
    b.update_xaxes(title="input x")
    b.update_yaxes(title="normalised output")
    b.update_layout(height=height, margin=dict(l=10, r=10, t=30, b=10), legend=dict(orientation="h", y=1.15),
                    title="Batch norm, one neuron")
    return a, b


def mechanics_captions(drop: dict, bn: dict, p: float) -> tuple[str, str]:
    kept = int((drop["one"] != 0).sum())
    gap = float(np.abs(drop["mean"] - drop["eval"]).max())
    first = (f"One training pass kept {kept} of {len(drop['one'])} units, each multiplied by 1/(1 − p) = {1 / (1 - p):.2f}; "
             f"averaged over 1,000 passes every unit is within {gap:.3f} of its evaluation value, which is the input unchanged."
             if p > 0 else "With p = 0 dropout does nothing: training and evaluation passes are the input itself.")
    diff = float(np.abs(bn["train"] - bn["eval"]).max())
    second = (f"This batch of {len(bn['x'])} has mean {bn['batch_mean']:.2f} and standard deviation {bn['batch_std']:.2f}; "
              f"its training pass moved the running averages to {bn['running_mean']:.2f} and {bn['running_std']:.2f}, which "
              f"evaluation mode uses. The two modes map the same "
              f"inputs differently, by up to {diff:.2f}: forgetting model.eval() changes predictions."
              if len(bn["x"]) > 1 else "A batch of one has no spread: training mode cannot normalise it (PyTorch refuses), "
                                       "evaluation mode uses the running averages.")
    return first, second
