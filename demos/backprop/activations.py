"""Activation functions and their derivatives: how their slopes alone scale a gradient through d
layers (sigmoid's never exceeds 1/4), and the ReLUs of a trained MLP that never fire (dead units).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
import plotly.graph_objects as go
import torch
import torch.nn.functional as F
from torch import nn

from demos import plots
from demos.plots import OKABE_ITO
from models.mnist_cnn import normalise

GREY = "#9aa0a6"
COMPARED = ("sigmoid", "tanh", "relu")  # drawn beside the chosen activation in the depth chart


# ================================================================ activations and their derivatives
@dataclass(frozen=True)
class Activation:
    title: str
    f: Callable[[torch.Tensor], torch.Tensor]
    df: Callable[[torch.Tensor], torch.Tensor]  # the derivative, written out (tests check it with autograd)
    formula: str


LEAKY_SLOPE = 0.01  # leaky ReLU's slope for x < 0 (PReLU learns it instead)
_phi = lambda x: torch.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)  # noqa: E731  standard normal density
_Phi = lambda x: 0.5 * (1 + torch.erf(x / math.sqrt(2)))  # noqa: E731  its CDF
ACTIVATIONS = {
    "sigmoid": Activation("Sigmoid", torch.sigmoid, lambda x: torch.sigmoid(x) * (1 - torch.sigmoid(x)),
                          "σ(x) = 1/(1+e^−x), σ′ = σ(1−σ) ≤ 1/4"),
    "tanh": Activation("tanh", torch.tanh, lambda x: 1 - torch.tanh(x) ** 2, "tanh′ = 1 − tanh² ≤ 1"),
    "relu": Activation("ReLU", torch.relu, lambda x: (x > 0).to(x.dtype), "max(0, x), slope 0 or 1"),
    "leaky_relu": Activation("Leaky ReLU", lambda x: F.leaky_relu(x, LEAKY_SLOPE),
                             lambda x: torch.where(x > 0, torch.ones_like(x), torch.full_like(x, LEAKY_SLOPE)), "max(αx, x), α = 0.01"),
    "elu": Activation("ELU", F.elu, lambda x: torch.where(x > 0, torch.ones_like(x), torch.exp(x)),
                      "x if x > 0 else e^x − 1"),
    "gelu": Activation("GELU", F.gelu, lambda x: _Phi(x) + x * _phi(x), "x·Φ(x)"),
    "silu": Activation("SiLU (swish)", F.silu, lambda x: torch.sigmoid(x) * (1 + x * (1 - torch.sigmoid(x))),
                       "x·σ(x)"),
}


def colour(activation: str) -> str:
    """One Okabe-Ito colour per activation, the same in every chart."""
    return OKABE_ITO[list(ACTIVATIONS).index(activation) % 8]


def derivative_factors(depth: int = 50) -> dict[str, dict[str, np.ndarray]]:
    """Per activation, how its slopes scale a gradient through d = 1..depth layers (weights left out):
    'bound' = (max f′)^d, the most it can pass on; 'rms' = E[f′(z)²]^(d/2) for z ~ N(0, 1), the
    typical factor for unit-variance pre-activations (what an initialisation has to compensate)."""
    z = torch.linspace(-8, 8, 16001, dtype=torch.float64)
    weights = _phi(z) * (z[1] - z[0])  # quadrature for E over N(0, 1)
    d = np.arange(1, depth + 1)
    out = {}
    for name, act in ACTIVATIONS.items():
        slope = act.df(z)
        peak, rms = slope.abs().max().item(), math.sqrt((weights * slope ** 2).sum().item())
        out[name] = {"depth": d, "bound": peak ** d, "rms": rms ** d, "max_slope": np.array(peak),
                     "rms_slope": np.array(rms)}
    return out


def compared(focus: str) -> list[str]:
    """The activations of the depth chart: the chosen one first, then COMPARED."""
    return list(dict.fromkeys([focus, *COMPARED]))


@torch.no_grad()
def relu_firing(model: nn.Module, images: torch.Tensor) -> list[np.ndarray]:
    """For every ReLU of a trained `model.net` (e.g. mnist_mlp), the share of `images` on which each
    unit is positive. A unit at 0 on every image is dead: no gradient reaches its weights."""
    h, shares = normalise(images), []
    for layer in model.net:  # read-only walk through the shared model's layers (eval mode)
        h = layer(h)
        if isinstance(layer, nn.ReLU):
            shares.append((h > 0).double().mean(0).numpy())
    return shares


def validation_firing(model: nn.Module) -> list[np.ndarray]:
    """relu_firing on the 500 validation digits (the 1,000 held-out test digits are never used here)."""
    from models.data import validation_split

    return relu_firing(model, validation_split()[2])


# ================================================================ figures
def activation_figure(names: list[str], highlight: str, x_range: float = 5.0, height: int = 380) -> go.Figure:
    """f (left) and f′ (right) for the activations in `names`; `highlight` drawn thick, the others thin;
    the dotted line on the right is sigmoid's ceiling of 1/4. (Two x axes set by hand: make_subplots
    costs more than the whole figure.)"""
    x = torch.linspace(-x_range, x_range, 241, dtype=torch.float64)
    traces = []
    for name in names:
        act, main = ACTIVATIONS[name], name == highlight
        style = dict(color=colour(name), width=4 if main else 1.5, dash=None if main else "dot")
        for axis, y in (("", act.f(x)), ("2", act.df(x))):
            traces.append(go.Scatter(x=x.numpy(), y=y.numpy(), name=act.title, legendgroup=name, showlegend=not axis,
                                     line=style, opacity=1 if main else 0.7, xaxis=f"x{axis}", yaxis=f"y{axis}"))
    traces.append(go.Scatter(x=[-x_range, x_range], y=[0.25, 0.25], mode="lines", xaxis="x2", yaxis="y2",
                             line=dict(color=GREY, dash="dot"), showlegend=False, hoverinfo="skip"))
    return go.Figure(traces, layout=dict(
        height=height, margin=dict(l=10, r=10, t=30, b=10), legend=dict(orientation="h", y=-0.15),
        xaxis=dict(domain=[0, 0.46]), xaxis2=dict(domain=[0.54, 1]),
        yaxis=dict(range=[-1.5, 3]), yaxis2=dict(range=[-0.15, 1.25], anchor="x2"),
        annotations=[dict(text="f(x)", x=0.23, y=1.06, xref="paper", yref="paper", showarrow=False),
                     dict(text="f′(x)", x=0.77, y=1.06, xref="paper", yref="paper", showarrow=False),
                     dict(text="1/4: sigmoid's largest slope", x=-x_range, y=0.25, xref="x2", yref="y2",
                          xanchor="left", yanchor="bottom", showarrow=False, font=dict(size=11))]))


def factors_figure(factors: dict[str, dict[str, np.ndarray]], names: list[str], depth: int,
                   height: int = 340) -> go.Figure:
    """(max f′)^d (solid) and the RMS factor (dotted) against depth, log scale, with the chosen depth marked."""
    fig = go.Figure()
    for name in names:
        f = factors[name]
        fig.add_trace(go.Scatter(x=f["depth"], y=f["bound"], name=f"{ACTIVATIONS[name].title}: (max f′)^d",
                                 line=dict(color=colour(name), width=3)))
        fig.add_trace(go.Scatter(x=f["depth"], y=f["rms"], name=f"{ACTIVATIONS[name].title}: RMS^d",
                                 line=dict(color=colour(name), width=2, dash="dot")))
    fig.add_vline(x=depth, line_dash="dash", line_color=GREY)
    fig.update_yaxes(type="log", title="factor on the gradient", exponentformat="power")
    fig.update_xaxes(title="layers the gradient passes through")
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=10, b=10), legend=dict(font=dict(size=11)))
    return fig


DEAD_X = -0.05  # where the dead units' own bars stand, left of the histogram's 0


def dead_relus_figure(shares: list[np.ndarray]) -> go.Figure:
    """Per ReLU layer, the histogram of the firing shares of its units that fire at all, and beside it,
    at "dead", a bar of the units that fire on none of the digits (in one histogram bin, dead units and
    rarely-firing ones looked the same)."""
    fig = plots.histograms({f"layer {k + 1}": s[s > 0] for k, s in enumerate(shares)},
                           x_title="share of digits on which the unit fires",
                           title="Dead ReLUs in the trained MLP (mnist_mlp), 500 validation digits")
    for k, s in enumerate(shares):
        fig.add_trace(go.Bar(x=[DEAD_X], y=[int((s == 0).sum())], width=0.03, name=f"layer {k + 1}: dead",
                             marker=dict(color=plots.OKABE_ITO[k % 8], pattern_shape="/"), opacity=0.65))
    ticks = [DEAD_X, 0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    fig.update_xaxes(range=[DEAD_X - 0.03, 1.02], tickvals=ticks, ticktext=["dead"] + [f"{t:g}" for t in ticks[1:]])
    return fig


# ================================================================ captions
def activation_caption(focus: str, factors: dict[str, dict[str, np.ndarray]]) -> str:
    """Under the f / f′ chart: the chosen activation's formula and its steepest slope."""
    a = ACTIVATIONS[focus]
    return (f"{a.title}: {a.formula}. Its slope peaks at {float(factors[focus]['max_slope']):.3g}; "
            "sigmoid's never exceeds 1/4 (dotted line).")


def factors_caption(factors: dict[str, dict[str, np.ndarray]], focus: str, depth: int) -> str:
    """Under the depth chart: sigmoid's factor through `depth` layers (and the chosen activation's),
    and why He's variance suits ReLU."""
    a, f, s = ACTIVATIONS[focus], factors[focus], factors["sigmoid"]
    return (f"Through {depth} layers sigmoid's slopes alone scale a gradient by at most 0.25^{depth} = "
            f"{s['bound'][depth - 1]:.1e} (typically {s['rms'][depth - 1]:.1e})"
            + (f"; {a.title}'s by at most {f['bound'][depth - 1]:.2g}, typically {f['rms'][depth - 1]:.1e}"
               if focus != "sigmoid" else "")
            + f". The weights multiply in too: He's variance 2/n_in cancels ReLU's RMS slope "
            f"{float(factors['relu']['rms_slope']):.3f} ≈ 1/√2.")


def dead_relus_caption(shares: list[np.ndarray]) -> str:
    """Under the dead-ReLU histograms: how many units of each layer never fire on the 500 digits."""
    dead = [int((s == 0).sum()) for s in shares]
    return (f"Of the {len(shares[0])} units in each layer ({sum(len(s) for s in shares):,} in all), {dead[0]} in layer 1 "
            f"and {dead[1]} in layer 2 output 0 for every one of the 500 "
            "digits: dead on this data, their weights get no gradient from it.")
