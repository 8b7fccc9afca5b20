"""Exploding gradients and clipping (Pascanu, Mikolov & Bengio 2013): gradient descent on a
2-parameter loss with a cliff, unclipped, clipped by norm and clipped by value, played step by step.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
import torch

from demos.backprop.training import room_for_player
from demos.plots import OKABE_ITO
from demos.replay import animate

ORANGE, VERMILION, SKY = OKABE_ITO[1], OKABE_ITO[3], OKABE_ITO[5]
GREY = "#9aa0a6"

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


def descents(lr: float, threshold: float, steps: int) -> dict[str, Descent]:
    """One run per way of clipping (CLIPS), all from CLIFF_START with the same η, τ and steps."""
    return {clip: descend(clip, lr, threshold, steps) for clip in CLIPS}


# ================================================================ figures
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
    return room_for_player(animate(fig, frames, [str(i) for i in range(n)], frame_ms=150, prefix="step "))


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


# ================================================================ captions
def cliff_caption(runs: dict[str, Descent], lr: float, threshold: float) -> str:
    """Under the cliff player: the unclipped run's biggest jump, and where each run ends."""
    none, norm, value = runs["none"], runs["norm"], runs["value"]
    at = int(np.argmax(none.step_norm))
    return (f"Without clipping the gradient at step {at + 1} ({none.grad_norm[at]:.3g}) times η = {lr:g} moved the "
            f"parameters {none.step_norm[at]:.2g} in one step. After {len(none.grad_norm)} steps the loss is "
            f"{none.loss[-1]:.3g} unclipped, {norm.loss[-1]:.2g} clipped by norm and {value.loss[-1]:.2g} clipped by "
            f"value (τ = {threshold:g}); at the bowl's centre (0, 0) it is {cliff_loss(torch.zeros(2)).item():.2g}.")


def clip_norms_caption(runs: dict[str, Descent], lr: float, threshold: float) -> str:
    """Under the gradient-norm chart: the longest step each kind of clipping allows, and how far value
    clipping turned the direction."""
    return (f"Norm clipping caps every step at η·τ = {lr * threshold:.3g} in the gradient's own direction; value "
            f"clipping caps each coordinate, so a step can reach η·τ·√2 = {lr * threshold * math.sqrt(2):.3g} and "
            f"turned the direction by up to {runs['value'].turn.max():.0f}° here.")
