"""Gradient flow: activation functions and their derivatives; weight initialisation (Glorot & Bengio
2010, He et al. 2015); vanishing and exploding gradients in deep MLPs on digits; gradient clipping
(Pascanu, Mikolov & Bengio 2013). The chain rule itself, step by step, is `demos.backprop`.

Sections: activations · deep MLPs at initialisation and in training · a loss with a cliff and clipping.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
import plotly.graph_objects as go
import torch
import torch.nn.functional as F
from plotly.subplots import make_subplots
from torch import nn

from demos.plots import OKABE_ITO
from demos.replay import Recording, animate, record

BLUE, ORANGE, GREEN, VERMILION, SKY = (OKABE_ITO[i] for i in (0, 1, 2, 3, 5))
GREY = "#9aa0a6"


def _room_for_player(fig: go.Figure, drop: float = 0.15) -> go.Figure:
    """Move an animate() player below the x tick labels of a figure that shows them."""
    fig.layout.sliders[0].y -= drop
    fig.layout.updatemenus[0].y -= drop
    fig.update_layout(margin=dict(b=fig.layout.margin.b + int(drop * fig.layout.height)))
    return fig


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


@torch.no_grad()
def relu_firing(model: nn.Module, images: torch.Tensor) -> list[np.ndarray]:
    """For every ReLU of a trained `model.net` (e.g. mnist_mlp), the share of `images` on which each
    unit is positive. A unit at 0 on every image is dead: no gradient reaches its weights."""
    from models.mnist_cnn import MNIST_MEAN, MNIST_STD

    h, shares = (images - MNIST_MEAN) / MNIST_STD, []
    for layer in model.net:  # read-only walk through the shared model's layers (eval mode)
        h = layer(h)
        if isinstance(layer, nn.ReLU):
            shares.append((h > 0).double().mean(0).numpy())
    return shares


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


# ================================================================ deep MLPs: initialisation and gradient flow
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


PRESETS = {  # the classic stories, one click each
    "Sigmoid + 20 layers vanishes": FlowConfig(20, "sigmoid", "xavier"),
    "ReLU + N(0, 1) explodes": FlowConfig(20, "relu", "normal", sigma=1.0),
    "He init fixes it": FlowConfig(20, "relu", "he"),
    "Residuals fix depth": FlowConfig(20, "sigmoid", "xavier", residual=True),
}


def digits(n: int | None = STATS_BATCH, part: str = "fit", raw: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
    """Digits from the validation split: its 3,500 "fit" digits (n of them: a fixed random choice) or
    its 500 "validation" digits, flattened and normalised (raw: (N, 1, 28, 28) in [0, 1]). The 1,000
    held-out test digits are never used here."""
    from models.data import validation_split
    from models.mnist_cnn import MNIST_MEAN, MNIST_STD

    xf, yf, xv, yv = validation_split()
    x, y = (xf, yf) if part == "fit" else (xv, yv)
    if n is not None:
        order = torch.randperm(len(y), generator=torch.Generator().manual_seed(7))[:n]
        x, y = x[order], y[order]
    return (x, y) if raw else (((x - MNIST_MEAN) / MNIST_STD).flatten(1), y)


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
    every input gradient (∂L/∂h = Wᵀ δ) except the first layer's (nobody needs ∂L/∂pixels): about 2×.
    (The tests check these counts against PyTorch's FlopCounterMode.)"""
    dims = [784] + [WIDTH] * config.depth + [10]
    forward_flops = sum(2 * batch * a * b for a, b in zip(dims[:-1], dims[1:]))
    return forward_flops, 2 * forward_flops - 2 * batch * dims[0] * dims[1]


def train_flow(config: FlowConfig, steps: int = 150, lr: float = 0.05, batch_size: int = 64, n_frames: int = 30,
               on_progress: Callable[[float], None] | None = None) -> Recording:
    """Plain SGD (no momentum, so small gradients mean small steps) on the 3,500 fit digits; frames
    hold per-layer gradient norms and activation statistics on the fixed stats batch, plus the
    validation loss and accuracy on the 500 validation digits. Stops early if the loss overflows."""
    model = DeepMlp(config)
    params = list(model.parameters())
    xf, yf = digits(None)
    xs, ys = digits()
    xv, yv = digits(None, "validation")
    gen = torch.Generator().manual_seed(config.seed + 1)
    first = flow_stats(model.train(), xs, ys)

    def step(i: int) -> dict[str, float]:
        model.train()
        idx = torch.randint(0, len(yf), (batch_size,), generator=gen)
        loss = F.cross_entropy(model(xf[idx])[0], yf[idx])
        grads = torch.autograd.grad(loss, params)
        with torch.no_grad():
            for p, g in zip(params, grads):  # plain SGD: p ← p − lr·∂L/∂p
                p -= lr * g
        return {"train_loss": loss.item()}

    def snapshot() -> dict[str, np.ndarray]:
        s = flow_stats(model.train(), xs, ys, first.edges)
        with torch.no_grad():
            logits = model.eval()(xv)[0]
        with torch.no_grad():
            units = model(xs[:16])[1][0].numpy()  # layer 1 on 16 digits: identical columns = identical units
        return {"grad_norm": s.grad_norm, "act_std": s.act_std, "hist": s.hist.astype(np.float32), "units": units,
                "stuck": s.stuck_units,
                "distinct": s.distinct_units, "val_loss": np.array(F.cross_entropy(logits, yv).item()),
                "val_acc": np.array((logits.argmax(1) == yv).double().mean().item())}

    return record(step, snapshot, steps, n_frames, on_progress,
                  stop_when=lambda i, m: not math.isfinite(m["train_loss"]),
                  meta={"edges": first.edges, "config": config, "lr": lr, "batch_size": batch_size})


# ================================================================ exploding gradients: a cliff and clipping
CLIFF_START = (3.0, 1.0)  # where descent starts, on the plateau above the cliff
CLIPS = {"none": "no clipping", "norm": "clip by norm", "value": "clip by value"}
CLIP_COLOURS = {"none": VERMILION, "norm": SKY, "value": ORANGE}


def cliff_loss(p: torch.Tensor) -> torch.Tensor:
    """A 2-parameter loss with a cliff: a bowl log(1 + w² + 2b²), flat far away, plus a 50-high step
    of width ~0.1 along w + b/2 = 1.5 (the kind of wall Pascanu et al. 2013 found in RNN losses).
    p: (..., 2) = (w, b) -> (...)."""
    w, b = p[..., 0], p[..., 1]
    return torch.log1p(w ** 2 + 2 * b ** 2) + 50 * torch.sigmoid(10 * (w + 0.5 * b - 1.5))


def clip_by_norm(g: torch.Tensor, threshold: float) -> torch.Tensor:
    """g · min(1, τ/‖g‖): same direction, length at most τ."""
    norm = g.norm()
    return g * (threshold / norm) if norm > threshold else g


def clip_by_value(g: torch.Tensor, threshold: float) -> torch.Tensor:
    """Each component clamped to [−τ, τ]: the length is at most τ√n, and the direction can turn."""
    return g.clamp(-threshold, threshold)


@dataclass(frozen=True)
class Descent:
    path: np.ndarray  # (steps + 1, 2) parameters after each step
    loss: np.ndarray  # (steps + 1,)
    grad_norm: np.ndarray  # (steps,) ‖∇L‖ before clipping
    step_norm: np.ndarray  # (steps,) ‖update‖ actually taken
    turn: np.ndarray  # (steps,) degrees between the gradient and the update (0 unless value clipping bites)


def descend(clip: str, lr: float = 0.2, threshold: float = 1.0, steps: int = 80,
            start: tuple[float, float] = CLIFF_START) -> Descent:
    """Gradient descent on cliff_loss with no clipping, norm clipping or value clipping (float64)."""
    p = torch.tensor(start, dtype=torch.float64)
    path, losses, norms, taken, turn = [p.numpy().copy()], [cliff_loss(p).item()], [], [], []
    for _ in range(steps):
        q = p.clone().requires_grad_(True)
        (g,) = torch.autograd.grad(cliff_loss(q), q)
        u = {"none": lambda v: v, "norm": lambda v: clip_by_norm(v, threshold),
             "value": lambda v: clip_by_value(v, threshold)}[clip](g)
        norms.append(g.norm().item())
        taken.append(lr * u.norm().item())
        cos = (g @ u / (g.norm() * u.norm()).clamp_min(1e-300)).clamp(-1, 1).item()
        turn.append(math.degrees(math.acos(cos)))
        p = p - lr * u
        path.append(p.numpy().copy())
        losses.append(cliff_loss(p).item())
    return Descent(np.array(path), np.array(losses), np.array(norms), np.array(taken), np.array(turn))


def clip_norms_figure(runs: dict[str, Descent], threshold: float, height: int = 300) -> go.Figure:
    """‖∇L‖ before clipping at every step (log scale), with the threshold τ."""
    fig = go.Figure()
    for name, run in runs.items():
        fig.add_trace(go.Scatter(x=np.arange(1, len(run.grad_norm) + 1), y=run.grad_norm, name=CLIPS[name],
                                 line=dict(color=CLIP_COLOURS[name], width=3)))
    fig.add_hline(y=threshold, line_dash="dot", line_color=GREY, annotation_text="τ", annotation_position="top left")
    fig.update_yaxes(type="log", exponentformat="power", title="‖∇L‖")
    fig.update_xaxes(title="step")
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=10, b=10), legend=dict(orientation="h", y=1.12))
    return fig


def cliff_figure(runs: dict[str, Descent], height: int = 460) -> go.Figure:
    """The loss surface (log scale) with each run's path, played step by step in the browser."""
    w = np.linspace(-6, 5, 121)
    b = np.linspace(-3.5, 3.5, 81)
    grid = torch.tensor(np.stack(np.meshgrid(w, b), -1))
    fig = go.Figure(go.Contour(x=w, y=b, z=np.log10(cliff_loss(grid).numpy()), colorscale="Viridis", ncontours=24,
                               colorbar=dict(title="log₁₀ L"), hoverinfo="skip", opacity=0.85))
    for name, run in runs.items():
        fig.add_trace(go.Scatter(x=run.path[:, 0], y=run.path[:, 1], mode="lines+markers", name=CLIPS[name],
                                 line=dict(color=CLIP_COLOURS[name], width=2), marker=dict(size=5)))
    edge = dict(color="black", width=1)
    fig.add_trace(go.Scatter(x=[CLIFF_START[0]], y=[CLIFF_START[1]], mode="markers", name="start",
                             marker=dict(symbol="x", size=12, color="white", line=edge)))
    fig.add_trace(go.Scatter(x=[0], y=[0], mode="markers", name="minimum",
                             marker=dict(symbol="star", size=14, color="white", line=edge)))
    for name, run in runs.items():  # a run thrown out of view: say where it landed
        far = np.flatnonzero((np.abs(run.path[:, 0] - 0.5) > 5.5) | (np.abs(run.path[:, 1]) > 3.5))
        if len(far):
            i = far[0]
            fig.add_annotation(x=float(np.clip(run.path[i, 0], w[0] + 0.3, w[-1] - 0.3)),
                               y=float(np.clip(run.path[i, 1], b[0] + 0.3, b[-1] - 0.3)),
                               text=f"{CLIPS[name]}: thrown to ({run.path[i, 0]:.1f}, {run.path[i, 1]:.1f}) at step {i}",
                               showarrow=False, xanchor="left", yanchor="bottom", font=dict(color="white", size=12),
                               bgcolor=VERMILION)
    fig.update_xaxes(range=[w[0], w[-1]])
    fig.update_yaxes(range=[b[0], b[-1]])
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=10, b=10), legend=dict(orientation="h", y=1.08))
    n = len(next(iter(runs.values())).path)
    frames = [{k + 1: {"x": run.path[:i + 1, 0], "y": run.path[:i + 1, 1]} for k, run in enumerate(runs.values())}
              for i in range(n)]
    return _room_for_player(animate(fig, frames, [str(i) for i in range(n)], frame_ms=150, prefix="step "))


# ================================================================ figures of the deep-MLP experiment
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


def training_figure(rec: Recording, height: int = 400) -> go.Figure:
    """A client-side player over training: ‖∂L/∂W‖ per layer now vs at initialisation, each layer's
    activation histogram now, and the loss curves with the current step marked."""
    grad, steps = rec.frames["grad_norm"], rec.steps
    depth = grad.shape[1] - 1
    layers = list(range(1, depth + 2))
    edges = rec.meta["edges"]
    fig = make_subplots(rows=1, cols=3, column_widths=[0.34, 0.33, 0.33], horizontal_spacing=0.07,
                        subplot_titles=("‖∂L/∂W‖ by layer (x), log scale", "activation histograms: value (x), layer (y)",
                                        "loss by step"))
    fig.add_trace(go.Scatter(x=layers, y=grad[0], name="at initialisation", line=dict(color=GREY, dash="dot", width=2)), 1, 1)
    fig.add_trace(go.Scatter(x=layers, y=grad[-1], name="at this step", mode="lines+markers",
                             line=dict(color=VERMILION, width=3)), 1, 1)
    fig.add_trace(go.Heatmap(x=(edges[:-1] + edges[1:]) / 2, y=layers[:-1], z=rec.frames["hist"][-1], colorscale="Viridis",
                             zmin=0, zmax=0.25, showscale=False, hovertemplate="layer %{y}, value %{x:.3g}: %{z:.1%}<extra></extra>"), 1, 2)
    loss = rec.curves.get("train_loss", np.array([]))
    fig.add_trace(go.Scatter(x=np.arange(1, len(loss) + 1), y=loss, name="training loss (batch)",
                             line=dict(color=BLUE, width=1.5)), 1, 3)
    fig.add_trace(go.Scatter(x=steps, y=rec.frames["val_loss"], name="validation loss", mode="lines+markers",
                             line=dict(color=GREEN, width=2)), 1, 3)
    fig.add_trace(go.Scatter(x=[steps[-1]], y=[rec.frames["val_loss"][-1]], name="this step", mode="markers",
                             marker=dict(size=14, color=VERMILION), showlegend=False), 1, 3)
    fig.update_yaxes(type="log", exponentformat="power", row=1, col=1)
    fig.update_yaxes(autorange="reversed", row=1, col=2)  # (no x titles: the player sits below the axes)
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=90, b=10), legend=dict(orientation="h", y=1.32))
    frames = [{1: {"y": grad[i]}, 2: {"z": rec.frames["hist"][i]},
               5: {"x": [steps[i]], "y": [rec.frames["val_loss"][i]]}} for i in range(len(steps))]
    return _room_for_player(animate(fig, frames, [str(s) for s in steps], prefix="step "))


# ================================================================ captions, computed from what the charts show
def flow_sentence(stats: FlowStats) -> str:
    """What the at-initialisation chart shows, in one or two sentences."""
    depth = len(stats.act_std)
    if not stats.finite:
        return ("At initialisation the activations or gradients already overflow to inf/NaN: the forward pass "
                f"multiplies the scale by the same factor {depth} times.")
    if stats.grad_norm[:-1].max() == 0:
        return (f"With zeros every unit of a layer computes the same value ({int(stats.distinct_units.max())} distinct "
                "unit per layer) and every hidden layer's weight gradient is exactly 0: only the output layer can start "
                "learning, and the units of a layer can never become different.")
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


def training_sentence(rec: Recording) -> str:
    """What the training player shows at its last frame."""
    n, loss = int(rec.steps[-1]), rec.curves.get("train_loss", np.array([]))
    if not len(loss):
        return "Stopped before the first step: the charts show the network at initialisation."
    if not math.isfinite(loss[-1]):
        return (f"The loss overflowed at step {n} ({rec.seconds:.1f} s): the gradients exploded, the weights became "
                "inf/NaN, and training stopped.")
    grad = rec.frames["grad_norm"][-1]
    flow = (f"layer 1's gradient is {grad[0] / grad[-2]:.1e}× the last hidden layer's" if grad[0] and grad[-2]
            else "layer 1's gradient is still exactly 0" if not grad[0] else "the last hidden layer's gradient is 0")
    units = WIDTH * (len(grad) - 1)
    return (f"After {n} steps{' (stopped early)' if rec.stopped else ''}, {rec.seconds:.1f} s: validation loss "
            f"{float(rec.frames['val_loss'][-1]):.3f} (guessing gives ln 10 = 2.303), accuracy "
            f"{float(rec.frames['val_acc'][-1]):.0%} on the 500 validation digits; {flow}; "
            f"{int(rec.frames['stuck'][-1].sum())} of {units} units are stuck "
            f"(slope ≤ 0.01 on all {STATS_BATCH} digits: dead or saturated).")


def cliff_sentence(runs: dict[str, Descent], lr: float, threshold: float) -> str:
    none, norm, value = runs["none"], runs["norm"], runs["value"]
    at = int(np.argmax(none.step_norm))
    return (f"Without clipping the gradient at step {at + 1} ({none.grad_norm[at]:.3g}) times η = {lr:g} moved the "
            f"parameters {none.step_norm[at]:.2g} in one step. After {len(none.grad_norm)} steps the loss is "
            f"{none.loss[-1]:.3g} unclipped, {norm.loss[-1]:.2g} clipped by norm and {value.loss[-1]:.2g} clipped by "
            f"value (τ = {threshold:g}); at the bowl's centre (0, 0) it is {cliff_loss(torch.zeros(2)).item():.2g}.")
