"""Saddle points in high dimensions (Dauphin et al. 2014): at a random critical point, each extra
dimension is one more chance of a negative curvature, so minima become vanishingly rare.
"""
from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
import torch

from demos.plots import OKABE_ITO


def minima_fraction(dims: tuple[int, ...] = tuple(range(1, 9)), samples: int = 20000,
                    seed: int = 0) -> dict[str, np.ndarray]:
    """At a random critical point, is the Hessian positive definite? Hessians drawn from the Gaussian
    orthogonal ensemble (H = (A + Aᵀ)/√2, A ~ N(0, 1)): the share with every eigenvalue > 0 (a minimum)
    and the mean share of negative eigenvalues (the index). Dauphin et al. 2014's argument in numbers."""
    gen = torch.Generator().manual_seed(seed)
    share, index = [], []
    for n in dims:
        a = torch.randn(samples, n, n, generator=gen, dtype=torch.float64)
        lam = torch.linalg.eigvalsh((a + a.transpose(1, 2)) / math.sqrt(2))
        share.append(float((lam > 0).all(1).double().mean()))
        index.append(float((lam < 0).double().mean()))
    return {"dims": np.array(dims), "minima": np.array(share), "index": np.array(index), "samples": samples}


def minima_figure(fr: dict[str, np.ndarray], height: int = 330) -> go.Figure:
    seen = fr["minima"] > 0
    fig = go.Figure(go.Scatter(x=fr["dims"][seen], y=fr["minima"][seen], mode="lines+markers", name="minima",
                               line=dict(color=OKABE_ITO[0], width=3), marker=dict(size=9)))
    if (~seen).any():
        fig.add_trace(go.Scatter(x=fr["dims"][~seen], y=np.full((~seen).sum(), 1 / fr["samples"]), mode="markers",
                                 name=f"none in {fr['samples']:,}", marker=dict(symbol="triangle-down", size=11,
                                                                                 color=OKABE_ITO[3])))
    fig.update_xaxes(title="dimensions n", dtick=1)
    fig.update_yaxes(type="log", exponentformat="power", title="share of critical points that are minima")
    fig.update_layout(title="Random critical points: minima or saddles?", height=height,
                      margin=dict(l=10, r=10, t=40, b=10), legend=dict(orientation="h", y=-0.25))
    return fig


def minima_caption(fr: dict[str, np.ndarray]) -> str:
    shares = ", ".join(f"{v:.2%} in {d}-D" for d, v in zip(fr["dims"], fr["minima"]) if v > 0)
    none = [int(d) for d, v in zip(fr["dims"], fr["minima"]) if v == 0]
    return (f"Of {fr['samples']:,} random symmetric Hessians per size, the positive-definite ones (minima) were "
            f"{shares}" + (f", and none from {none[0]}-D on" if none else "") + f"; on average "
            f"{fr['index'].mean():.0%} of the eigenvalues were negative: almost every critical point is a saddle.")
