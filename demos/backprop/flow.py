"""Gradient flow through deep MLPs at initialisation: weight initialisation (Glorot & Bengio 2010,
He et al. 2015), batch norm and residual connections, and per layer the weight gradient's norm and the
activations' spread on digits (vanishing and exploding gradients), with what a backward pass costs.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import plotly.graph_objects as go
import torch
import torch.nn.functional as F
from plotly.subplots import make_subplots
from torch import nn

from demos.backprop.activations import ACTIVATIONS
from demos.plots import OKABE_ITO
from models.mnist_cnn import normalise

BLUE, VERMILION = OKABE_ITO[0], OKABE_ITO[3]

INITS = {"zeros": "Zeros", "normal": "Normal N(0, σ²)", "xavier": "Xavier/Glorot", "he": "He (Kaiming)"}
DEPTH_RANGE = (2, 50)
WIDTH = 64  # units per hidden layer
STATS_BATCH = 256  # fit digits the statistics are measured on
HIST_BINS = 41


def init_std(scheme: str, fan_in: int, fan_out: int, sigma: float = 1.0) -> float:
    """Standard deviation of a layer's weights: Xavier √(2/(n_in + n_out)) keeps the variance of
    activations and of gradients about constant for near-linear units (tanh, sigmoid around 0); He
    √(2/n_in) compensates ReLU zeroing half its inputs; "normal" is a fixed σ; zeros is 0."""
    return {"zeros": 0.0, "normal": sigma, "xavier": math.sqrt(2 / (fan_in + fan_out)),
            "he": math.sqrt(2 / fan_in)}[scheme]


@dataclass(frozen=True)
class FlowConfig:
    depth: int = 20  # hidden layers of WIDTH units (2–50)
    activation: str = "sigmoid"  # a key of ACTIVATIONS
    init: str = "xavier"  # a key of INITS
    sigma: float = 1.0  # the std of the "normal" init
    batch_norm: bool = False  # BatchNorm1d between each linear layer and its activation
    residual: bool = False  # h ← h + act(W h + b) for hidden layers 2..depth
    seed: int = 0


class DeepMlp(nn.Module):
    """784 → depth × WIDTH → 10; forward returns the logits, every hidden layer's output and every
    pre-activation. Layer k computes h_k = act(BN(W_k h_{k−1} + b_k)) (+ h_{k−1} with residuals)."""

    def __init__(self, c: FlowConfig):
        super().__init__()
        self.c = c
        dims = [784] + [WIDTH] * c.depth + [10]
        gen = torch.Generator().manual_seed(c.seed)
        self.weights = nn.ParameterList(
            nn.Parameter(torch.randn(b, a, generator=gen) * init_std(c.init, a, b, c.sigma)) for a, b in zip(dims[:-1], dims[1:]))
        self.biases = nn.ParameterList(nn.Parameter(torch.zeros(b)) for b in dims[1:])
        self.norms = nn.ModuleList(nn.BatchNorm1d(WIDTH) if c.batch_norm else nn.Identity() for _ in range(c.depth))

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, list[torch.Tensor], list[torch.Tensor]]:
        f, h, hidden, pre = ACTIVATIONS[self.c.activation].f, x, [], []  # x: (B, 784)
        for k, norm in enumerate(self.norms):
            pre.append(norm(F.linear(h, self.weights[k], self.biases[k])))  # (B, WIDTH): what the activation reads
            h = h + f(pre[-1]) if self.c.residual and k > 0 else f(pre[-1])
            hidden.append(h)
        return F.linear(h, self.weights[-1], self.biases[-1]), hidden, pre  # (B, 10), depth × (B, WIDTH) twice


PRESETS: dict[str, dict[str, Any]] = {  # the classic stories, one click each: the page's control key -> value
    "Sigmoid + 20 layers vanishes": {"depth": 20, "flow_act": "sigmoid", "init": "xavier", "sigma": 1.0, "bn": False,
                                     "res": False},
    "ReLU + N(0, 1) explodes": {"depth": 20, "flow_act": "relu", "init": "normal", "sigma": 1.0, "bn": False, "res": False},
    "He init fixes it": {"depth": 20, "flow_act": "relu", "init": "he", "sigma": 1.0, "bn": False, "res": False},
    "Residuals fix depth": {"depth": 20, "flow_act": "sigmoid", "init": "xavier", "sigma": 1.0, "bn": False, "res": True},
}


def preset_config(name: str) -> FlowConfig:
    """The experiment a preset sets the controls to."""
    p = PRESETS[name]
    return FlowConfig(p["depth"], p["flow_act"], p["init"], p["sigma"], p["bn"], p["res"])


def digits(n: int | None = STATS_BATCH, part: str = "fit", raw: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
    """Digits from the validation split: its 3,500 "fit" digits (n of them: a fixed random choice) or
    its 500 "validation" digits, flattened and normalised (raw: (N, 1, 28, 28) in [0, 1]). The 1,000
    held-out test digits are never used here."""
    from models.data import validation_split

    xf, yf, xv, yv = validation_split()
    x, y = (xf, yf) if part == "fit" else (xv, yv)
    if n is not None:
        order = torch.randperm(len(y), generator=torch.Generator().manual_seed(7))[:n]
        x, y = x[order], y[order]
    return (x, y) if raw else (normalise(x).flatten(1), y)


@dataclass(frozen=True)
class FlowStats:
    grad_norm: np.ndarray  # (depth + 1,) ‖∂L/∂W‖ of each hidden layer, then the output layer
    act_std: np.ndarray  # (depth,) std of each hidden layer's output
    act_mean: np.ndarray  # (depth,)
    hist: np.ndarray  # (depth, HIST_BINS) share of values per bin
    edges: np.ndarray  # (HIST_BINS + 1,) shared bin edges (the end bins also hold what lies beyond)
    saturated: np.ndarray  # (depth,) share of values on a flat part of the activation, |f′(z)| < 0.05
    stuck_units: np.ndarray  # (depth,) units with |f′| ≤ 0.01 on every input: dead (ReLU) or saturated
    distinct_units: np.ndarray  # (depth,) units with different incoming weights (1 = all identical)
    loss: float
    finite: bool  # False once anything overflowed to inf/nan


def flow_stats(model: DeepMlp, x: torch.Tensor, y: torch.Tensor, edges: np.ndarray | None = None) -> FlowStats:
    """Per-layer statistics of one forward and backward pass on (x, y): the Karpathy-style view of
    how activations and gradients spread through the depth of the net."""
    logits, hidden, pre = model(x)
    loss = F.cross_entropy(logits, y)
    grads = torch.autograd.grad(loss, list(model.weights))
    with torch.no_grad():
        acts = torch.stack(hidden).flatten(1).nan_to_num(0.0, 3e38, -3e38)  # (depth, B·WIDTH)
        finite = bool(torch.isfinite(loss)) and all(bool(torch.isfinite(g).all()) for g in grads)
        if edges is None:
            lo, hi = torch.quantile(acts[:, ::16].double(), torch.tensor([0.005, 0.995], dtype=torch.float64)).tolist()
            edges = np.linspace(lo, hi, HIST_BINS + 1) if hi - lo > 1e-6 else np.linspace(lo - 1e-3, hi + 1e-3, HIST_BINS + 1)
        lo, hi = float(edges[0]), float(edges[-1])
        span = hi - lo
        bins = ((acts.clamp(lo - span, hi + span) - lo) * (HIST_BINS / span)).floor().clamp(0, HIST_BINS - 1).long()  # end bins hold the rest
        rows = torch.arange(len(acts))[:, None] * HIST_BINS
        hist = torch.bincount((bins + rows).flatten(), minlength=len(acts) * HIST_BINS).view(len(acts), HIST_BINS)
        scale = acts.abs().amax(1, keepdim=True).clamp_min(1e-30)  # std without overflowing float32
        slope = ACTIVATIONS[model.c.activation].df(torch.stack(pre)).abs()  # (depth, B, WIDTH)
        probe = torch.randn(x.shape[1], generator=torch.Generator().manual_seed(0))  # a row's fingerprint:
        distinct = [len(torch.unique((w @ (probe[:w.shape[1]] if k == 0 else probe[:WIDTH])).round(decimals=5)))
                    for k, w in enumerate(list(model.weights)[:-1])]  # equal rows, equal prints
        std, mean = torch.std_mean(acts / scale, dim=1)
        return FlowStats(np.array([g.norm().item() for g in grads]), (std * scale[:, 0]).numpy(),
                         (mean * scale[:, 0]).numpy(), (hist / acts.shape[1]).numpy(), edges,
                         (slope < 0.05).float().mean((1, 2)).numpy(), (slope <= 0.01).all(1).sum(1).numpy(),
                         np.array(distinct), loss.item(), finite)


def gradient_flow(config: FlowConfig) -> FlowStats:
    """The statistics at initialisation, on STATS_BATCH fit digits (train mode: BN uses batch statistics)."""
    x, y = digits()
    return flow_stats(DeepMlp(config).train(), x, y)


def backward_cost(config: FlowConfig, batch: int = STATS_BATCH) -> tuple[int, int]:
    """(forward FLOPs, backward FLOPs) of the matrix products of one step on `batch` digits. Forward:
    2·B·n_in·n_out per layer. Backward: the same again for every weight gradient (∂L/∂W = δ hᵀ) and for
    every input gradient (∂L/∂h = Wᵀ δ) except the first layer's (nobody needs ∂L/∂pixels): under 2×, from
    1.09× at depth 2 (the skipped 784-input product dominates) to 1.80× at depth 50.
    (The tests check these counts against PyTorch's FlopCounterMode.)"""
    dims = [784] + [WIDTH] * config.depth + [10]
    forward_flops = sum(2 * batch * a * b for a, b in zip(dims[:-1], dims[1:]))
    return forward_flops, 2 * forward_flops - 2 * batch * dims[0] * dims[1]


# ================================================================ its figure
def flow_figure(stats: FlowStats, height: int = 380) -> go.Figure:
    """Left: ‖∂L/∂W‖ and activation std per layer (log scale). Right: each layer's activation
    histogram as a row of a heatmap (shared bins; the end bins also hold everything beyond)."""
    depth = len(stats.act_std)
    layers = list(range(1, depth + 1))
    fig = make_subplots(rows=1, cols=2, column_widths=[0.5, 0.5], horizontal_spacing=0.1,
                        subplot_titles=("per layer (log scale)", "activation histograms"))
    fig.add_trace(go.Scatter(x=layers + [depth + 1], y=stats.grad_norm, name="‖∂L/∂W‖", mode="lines+markers",
                             line=dict(color=VERMILION, width=3)), 1, 1)
    fig.add_trace(go.Scatter(x=layers, y=stats.act_std, name="activation std", mode="lines+markers",
                             line=dict(color=BLUE, width=3)), 1, 1)
    centres = (stats.edges[:-1] + stats.edges[1:]) / 2
    fig.add_trace(go.Heatmap(x=centres, y=layers, z=stats.hist, colorscale="Viridis", zmin=0, zmax=0.25,
                             colorbar=dict(title="share", x=1.0, len=0.9), name="histogram",
                             hovertemplate="layer %{y}, value %{x:.3g}: %{z:.1%}<extra></extra>"), 1, 2)
    fig.update_yaxes(type="log", exponentformat="power", row=1, col=1)
    fig.update_xaxes(title="layer (last = output)", row=1, col=1)
    fig.update_xaxes(title="activation value", row=1, col=2)
    fig.update_yaxes(title="layer", autorange="reversed", row=1, col=2)
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=30, b=10), legend=dict(orientation="h", y=-0.25))
    return fig


# ================================================================ its caption, computed from what the chart shows
def flow_caption(stats: FlowStats, config: FlowConfig) -> str:
    """What the at-initialisation chart shows, in one or two sentences, then what the backward pass costs."""
    fwd, bwd = backward_cost(config)
    return (_flow_sentence(stats) + f" Cost: the backward pass does {bwd / fwd:.1f}× the forward's matrix "
            f"arithmetic ({bwd / 1e6:.0f} vs {fwd / 1e6:.0f} MFLOP on {STATS_BATCH} digits).")


def _flow_sentence(stats: FlowStats) -> str:
    depth = len(stats.act_std)
    if not stats.finite:
        return ("At initialisation the activations or gradients already overflow to inf/NaN: the forward pass "
                f"multiplies the scale by the same factor {depth} times.")
    if stats.grad_norm[:-1].max() == 0:
        return (f"With zeros every unit of a layer computes the same value ({int(stats.distinct_units.max())} distinct "
                "unit per layer) and every hidden layer's weight gradient is exactly 0: "
                + ("the activations are f(0) = 0, so even the output weights get no gradient and only the output "
                   "bias can start learning" if stats.grad_norm[-1] == 0 else
                   f"only the output layer's weights (gradient {stats.grad_norm[-1]:.1e}) and biases can start learning")
                + ", and the units of a layer can never become different.")
    ratio = stats.grad_norm[0] / stats.grad_norm[-2]
    top = stats.grad_norm.max()
    verdict = (f"it grows on the way back, up to {top:.1e}: exploding" if ratio > 1e2
               else f"within a factor of {max(ratio, 1 / ratio):.1f}, but every layer's gradient is huge, up to {top:.1e}: "
                    "exploding" if top > 1e3
               else "it vanishes on the way back" if ratio < 1e-2
               else f"within a factor of {max(ratio, 1 / ratio):.1f}, but every layer's gradient is tiny, at most "
                    f"{top:.1e}: vanishing" if top < 1e-5
               else f"within a factor of {max(ratio, 1 / ratio):.1f}: the gradient reaches the first layer")
    return (f"Layer 1's weight gradient is {ratio:.1e}× layer {depth}'s ({verdict}). Activation std goes from "
            f"{stats.act_std[0]:.2g} in layer 1 to {stats.act_std[-1]:.2g} in layer {depth}; "
            f"the activation's slope is below 0.05 for {stats.saturated[-1]:.0%} of layer {depth}'s units on these digits.")
