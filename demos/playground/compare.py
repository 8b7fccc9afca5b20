"""The same run with and without one regulariser (L2, L1, dropout or early stopping), same data and seed,
played side by side; the caption measures whether it helped here rather than promising it.
"""
from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Callable

import numpy as np

from demos.playground.datasets import Data, grid
from demos.playground.figures import BLUE, CLASS_SCALE, CURVE, FRAME_MS, ORANGE, curve_range, histogram_frames, now_marker
from demos.playground.network import Config
from demos.replay import Recording

if TYPE_CHECKING:
    import plotly.graph_objects as go

REGULARISERS = {"l2": "L2", "l1": "L1", "dropout": "Dropout", "early": "Early stopping"}
STRENGTH_SLIDERS = {"dropout": (0.05, 0.8, 0.3, 0.05), "early": (5, 100, 20, 5)}  # lo, hi, default, step
OVERFIT = {"data": "xor", "noise": 0.8, "points": 80, "train": 50, "layers": 4, "width": 16, "act": "relu",
           "opt": "adam", "lr": "0.01", "batch": "10", "epochs": 300}  # controls of a set-up that overfits


def with_regulariser(config: Config, name: str, strength: float) -> Config:
    """`config` with one regulariser switched on: λ₂, λ₁, dropout p, or early-stopping patience."""
    field = {"l2": "l2", "l1": "l1", "dropout": "dropout", "early": "patience"}[name]
    return replace(config, **{field: int(strength) if name == "early" else strength})


def regulariser_name(name: str, strength: float) -> str:
    """The regulariser and its strength as the figure and caption name it: "L2 (λ₂ = 0.1)"."""
    return {"l2": f"L2 (λ₂ = {strength:g})", "l1": f"L1 (λ₁ = {strength:g})", "dropout": f"dropout (p = {strength:g})",
            "early": f"early stopping (patience {int(strength)})"}[name]


def compare_figure(plain: Recording, regular: Recording, data: Data, name: str, height: int = 430) -> "go.Figure":
    """Two recordings of the same data and seed side by side, played together: without and with a
    regulariser (2-D: both decision boundaries and both loss curves; digits: loss and accuracy)."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    from demos.replay import animate

    recs = (plain, regular)
    titles = ("without regulariser", f"with {name}")
    n = max(r.n_frames for r in recs)
    pick = lambda r, f: min(f, r.n_frames - 1)  # noqa: E731 (a shorter run holds its last frame)
    y_top = max(curve_range(r.curves.get("train_loss", np.ones(1)), r.curves.get("val_loss", np.ones(1))) for r in recs)
    fig = make_subplots(1, 3, column_widths=[0.3, 0.3, 0.4], horizontal_spacing=0.06,
                        subplot_titles=[*titles, "Loss (solid: with, dotted: without)"] if not data.digits
                        else ["Validation accuracy", "Weights", "Loss (solid: with, dotted: without)"])
    moving: list[tuple[int, Callable[[int], dict]]] = []
    if data.digits:
        for r, dash, label in ((plain, "dot", "without"), (regular, None, "with")):
            epochs = np.arange(1, len(r.curves["val_acc"]) + 1)
            fig.add_trace(go.Scatter(x=epochs, y=r.curves["val_acc"], name=f"{label}: validation",
                                     line=CURVE["val"] | ({"dash": dash} if dash else {}), showlegend=False), 1, 1)
        fig.update_yaxes(tickformat=".0%", row=1, col=1)
        both = np.concatenate([r.frames["weights"] for r in recs])
        centres, counts = histogram_frames(both)
        counts_a, counts_b = counts[:plain.n_frames], counts[plain.n_frames:]
        for c, colour, label in ((counts_a, "#999999", "without"), (counts_b, BLUE, "with")):
            idx = len(fig.data)
            fig.add_trace(go.Bar(x=centres, y=c[-1], marker_color=colour, opacity=0.6, name=f"weights {label}"), 1, 2)
            moving.append((idx, lambda f, c=c: {"y": c[min(f, len(c) - 1)]}))
        fig.update_layout(barmode="overlay")
    else:
        gx, gy, _ = grid(data.lo, data.hi)
        for col, r in enumerate(recs, start=1):
            idx = len(fig.data)
            fig.add_trace(go.Heatmap(x=gx, y=gy, z=r.frames["p"][-1], colorscale=CLASS_SCALE, zmin=0, zmax=100,
                                     zsmooth="best", opacity=0.8, showscale=False, hoverinfo="skip"), 1, col)
            moving.append((idx, lambda f, r=r: {"z": r.frames["p"][pick(r, f)]}))
            for x, y, symbol in ((data.x_train, data.y_train, "circle"), (data.x_val, data.y_val, "circle-open")):
                colours = np.where(y.numpy() > 0.5, BLUE, ORANGE)
                fig.add_trace(go.Scatter(x=x[:, 0].numpy(), y=x[:, 1].numpy(), mode="markers", showlegend=False,
                                         marker=dict(color=colours, symbol=symbol, size=5, line=dict(color=colours, width=1)),
                                         hoverinfo="skip"), 1, col)
            fig.update_xaxes(range=[data.lo[0], data.hi[0]], row=1, col=col)
            fig.update_xaxes(constrain="domain", row=1, col=col)
            fig.update_yaxes(range=[data.lo[1], data.hi[1]], scaleanchor="x" if col == 1 else "x2", row=1, col=col)
    for r, dash, label in ((plain, "dot", "without"), (regular, None, "with")):
        epochs = np.arange(1, len(r.curves["train_loss"]) + 1)
        for split in ("train", "val"):
            fig.add_trace(go.Scatter(x=epochs, y=r.curves[f"{split}_loss"], mode="lines",
                                     name=f"{label}: {'validation' if split == 'val' else 'train'}",
                                     line=CURVE[split] | ({"dash": dash} if dash else {})), 1, 3)
    idx = len(fig.data)
    steps = lambda f: max(int(r.steps[pick(r, f)]) for r in recs)  # noqa: E731
    fig.add_trace(go.Scatter(**now_marker(y_top, steps(n - 1))), 1, 3)
    moving.append((idx, lambda f: {"x": [steps(f)] * 2}))
    fig.update_yaxes(range=[0, y_top], row=1, col=3)
    fig.update_xaxes(title="epoch", row=1, col=3)
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=40, b=10),
                      legend=dict(orientation="h", yanchor="bottom", y=1.08, xanchor="right", x=1))
    frames = [{i: fn(f) for i, fn in moving} for f in range(n)]
    return animate(fig, frames, [f"epoch {steps(f)}" for f in range(n)], frame_ms=FRAME_MS, prefix="")


def compare_caption(plain: Recording, regular: Recording, name: str) -> str:
    """The tab's caption: validation loss without and with `name`, a verdict only beyond ±0.005, accuracy, gap."""
    a, b = plain.meta["final"], regular.meta["final"]
    verdict = ("lower" if b["val_loss"] < a["val_loss"] - 0.005 else
               "higher" if b["val_loss"] > a["val_loss"] + 0.005 else "about the same")
    return (f"Validation loss {a['val_loss']:.3f} without and {b['val_loss']:.3f} with {name}: {verdict} on this "
            f"data and seed. Validation accuracy {a['val_acc']:.0%} vs {b['val_acc']:.0%}; the gap between "
            f"validation and training loss {a['val_loss'] - a['train_loss']:.3f} vs {b['val_loss'] - b['train_loss']:.3f}.")
