"""The playground's hero: the recorded run as one browser-side player (decision boundary with the train
and validation points, every hidden neuron's map, train/validation loss, weight histogram; digits: the
first layer's weights as images, loss, accuracy), then its captions, computed from the recording.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from demos.playground.datasets import Data, grid
from demos.playground.network import ACTIVATIONS, Config
from demos.playground.training import GAP, LEVELS
from demos.replay import Recording
from demos.text import chart_text

if TYPE_CHECKING:  # plotly is imported by the figure functions themselves, when drawn
    import plotly.graph_objects as go

ORANGE, BLUE, GREY = "#E69F00", "#0072B2", "#F2F2F2"  # class 0, class 1 (Okabe-Ito), the middle
CLASS_SCALE = [[0, ORANGE], [0.5, GREY], [1, BLUE]]
# Tiles: bytes 0-LEVELS from orange via grey to blue, GAP (= LEVELS + 1) transparent
TILE_SCALE = [[0, ORANGE], [LEVELS / 2 / GAP, GREY], [LEVELS / GAP, BLUE], [(LEVELS + 0.5) / GAP, "rgba(0,0,0,0)"],
              [1, "rgba(0,0,0,0)"]]
FRAME_MS = 240  # per frame when playing: the default 30 frames play in 7.2 s
CURVE = {"train": dict(color="#555555", width=2), "val": dict(color="#D55E00", width=3)}


def now_marker(y_max: float, step: int, color: str = "#000000", dash: str = "dot", name: str = "now") -> dict:
    return dict(x=[step, step], y=[0, y_max], mode="lines", line=dict(color=color, width=2, dash=dash), name=name,
                hoverinfo="skip", showlegend=False)


def curve_range(*series: np.ndarray) -> float:
    """A y range showing the start of the curves and all of their later course, not a late blow-up."""
    finite = [s[np.isfinite(s)] for s in series]
    finite = [s for s in finite if len(s)]
    if not finite:
        return 1.0
    top = max(max(float(s[:3].max()), float(np.quantile(s, 0.95))) for s in finite)
    return top * 1.05 or 1.0


def histogram_frames(weights: np.ndarray, bins: int = 41) -> tuple[np.ndarray, np.ndarray]:
    """Shared bins symmetric around 0 for every frame's weights (F, n): (centres, counts (F, bins))."""
    top = max(float(np.abs(weights).max()), 1e-3)
    edges = np.linspace(-top, top, bins + 1)
    return (edges[:-1] + edges[1:]) / 2, np.stack([np.histogram(w, edges)[0] for w in weights])


def frame_labels(rec: Recording) -> list[str]:
    labels = [f"epoch {s}" for s in rec.steps]
    if rec.meta.get("restored"):
        labels[-1] = f"best, epoch {rec.steps[-1]} (restored)"
    return labels


def _add_curves(fig, rec: Recording, kind: str, row: int, col: int, prefix: str = "", dash: str | None = None) -> float:
    epochs = np.arange(1, len(rec.curves.get(f"train_{kind}", [])) + 1)
    for split, label in (("train", "train"), ("val", "validation")):
        fig.add_trace(dict(type="scatter", x=epochs, y=rec.curves.get(f"{split}_{kind}", []), mode="lines",
                           name=f"{prefix}{label}", line=CURVE[split] | ({"dash": dash} if dash else {}),
                           legendgroup=kind, showlegend=kind == "loss"), row=row, col=col)
    return curve_range(rec.curves.get(f"train_{kind}", np.ones(1)), rec.curves.get(f"val_{kind}", np.ones(1)))


def _loss_panel(fig, rec: Recording, best: int, row: int, col: int) -> tuple[float, int]:
    """Train/validation loss curves with the moving "now" marker, the best validation epoch and, if it
    happened, the early stop. Returns (the axis top, the index of the "now" marker's trace)."""
    import plotly.graph_objects as go

    y_loss = _add_curves(fig, rec, "loss", row, col)
    marker = len(fig.data)
    fig.add_trace(go.Scatter(**now_marker(y_loss, int(rec.steps[-1]))), row, col)
    fig.add_trace(go.Scatter(**now_marker(y_loss, best, "#009E73", "dash", "best validation")), row, col)
    if rec.meta.get("early_stopped"):
        fig.add_trace(go.Scatter(**now_marker(y_loss, len(rec.curves["val_loss"]), "#D55E00", "dot", "early stop")),
                      row, col)
    return y_loss, marker


def hero_figure(rec: Recording, data: Data, height: int = 520) -> "go.Figure":
    """The recording as one client-side player: 2-D data -> decision boundary with the train
    (filled) and validation (open) points | every hidden neuron | loss curves | weight histogram;
    digits -> the first layer's weights as images | loss | accuracy | weight histogram."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    from demos.replay import animate

    centres, counts = histogram_frames(rec.frames["weights"])
    best = rec.meta.get("best_epoch", 0)
    if data.digits:
        fig = make_subplots(2, 3, column_widths=[0.34, 0.36, 0.30], horizontal_spacing=0.07, vertical_spacing=0.16,
                            specs=[[{"rowspan": 2}, {}, {"rowspan": 2}], [None, {}, None]],
                            subplot_titles=["First-layer weights (16 neurons)", "Loss per epoch", "Weights",
                                            "Accuracy per epoch"])
        image = rec.frames["templates"]
        fig.add_trace(go.Heatmap(z=image[-1], colorscale=TILE_SCALE, zmin=0, zmax=GAP, showscale=False,
                                 hoverinfo="skip"), 1, 1)
        y_loss, loss_marker = _loss_panel(fig, rec, best, 1, 2)
        _add_curves(fig, rec, "acc", 2, 2)
        acc_marker = len(fig.data)
        fig.add_trace(go.Scatter(**now_marker(1.0, int(rec.steps[-1]))), 2, 2)
        hist = len(fig.data)
        fig.add_trace(go.Bar(x=centres, y=counts[-1], marker_color=BLUE, name="weights", showlegend=False), 1, 3)
        fig.update_yaxes(autorange="reversed", scaleanchor="x", visible=False, row=1, col=1)
        fig.update_xaxes(visible=False, row=1, col=1)
        fig.update_yaxes(range=[0, 1.02], tickformat=".0%", row=2, col=2)
        fig.update_yaxes(range=[0, y_loss], row=1, col=2)
        frames = [{0: {"z": image[f]}, loss_marker: {"x": [s, s]}, acc_marker: {"x": [s, s]}, hist: {"y": counts[f]}}
                  for f, s in enumerate(rec.steps.tolist())]
    else:
        has_neurons = rec.frames["neurons"].size > 0
        fig = make_subplots(2, 3, column_widths=[0.44, 0.2, 0.36] if has_neurons else [0.5, 0.0, 0.5],
                            horizontal_spacing=0.06, vertical_spacing=0.2,
                            specs=[[{"rowspan": 2}, {"rowspan": 2}, {}], [None, None, {}]],
                            subplot_titles=["Decision boundary (● train, ○ validation)",
                                            "Hidden neurons" if has_neurons else "", "Loss per epoch", "Weights"])
        gx, gy, _ = grid(data.lo, data.hi)
        fig.add_trace(go.Heatmap(x=gx, y=gy, z=rec.frames["p"][-1], colorscale=CLASS_SCALE, zmin=0, zmax=100,
                                 zsmooth="best", opacity=0.8, showscale=False, name="P(blue)",
                                 hovertemplate=f"P({chart_text(data.classes[1])}) = %{{z}}%<extra></extra>"), 1, 1)
        for x, y, label, symbol in ((data.x_train, data.y_train, "train", "circle"),
                                    (data.x_val, data.y_val, "validation", "circle-open")):
            colours = np.where(y.numpy() > 0.5, BLUE, ORANGE)
            fig.add_trace(go.Scatter(x=x[:, 0].numpy(), y=x[:, 1].numpy(), mode="markers", name=label, showlegend=False,
                                     marker=dict(color=colours, symbol=symbol, size=6 if label == "train" else 7,
                                                 line=dict(color="white" if label == "train" else colours, width=1 if label == "train" else 2)),
                                     hovertemplate=f"{label}: (%{{x:.2f}}, %{{y:.2f}})<extra></extra>"), 1, 1)
        neurons = len(fig.data)
        if has_neurons:
            image = rec.frames["neurons"]
            tile = rec.meta["tile"]  # a neuron's tile and its gap, in cells
            fig.add_trace(go.Heatmap(z=image[-1], colorscale=TILE_SCALE, zmin=0, zmax=GAP, showscale=False,
                                     hoverinfo="skip"), 1, 2)
            layers = image.shape[2] // tile
            fig.update_xaxes(tickvals=[tile * i + tile / 2 - 1 for i in range(layers)],
                             ticktext=[f"L{i + 1}" for i in range(layers)], showgrid=False, zeroline=False, row=1, col=2)
            fig.update_yaxes(autorange="reversed", scaleanchor="x2", visible=False, row=1, col=2)
        y_loss, marker = _loss_panel(fig, rec, best, 1, 3)
        hist = len(fig.data)
        fig.add_trace(go.Bar(x=centres, y=counts[-1], marker_color=BLUE, name="weights", showlegend=False), 2, 3)
        fig.update_xaxes(range=[data.lo[0], data.hi[0]], title="x₁", constrain="domain", row=1, col=1)
        fig.update_yaxes(range=[data.lo[1], data.hi[1]], title="x₂", scaleanchor="x", row=1, col=1)
        fig.update_yaxes(range=[0, y_loss], row=1, col=3)
        frames = [{0: {"z": rec.frames["p"][f]}, marker: {"x": [s, s]}, hist: {"y": counts[f]}}
                  | ({neurons: {"z": rec.frames["neurons"][f]}} if has_neurons else {})
                  for f, s in enumerate(rec.steps.tolist())]
    fig.update_yaxes(range=[0, counts.max() * 1.05 + 1], row=2 if not data.digits else 1, col=3)
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=40, b=10),
                      legend=dict(orientation="h", yanchor="bottom", y=1.06, xanchor="right", x=1))
    fig = animate(fig, frames, frame_labels(rec), frame_ms=FRAME_MS, prefix="")
    fig.layout.sliders[0].currentvalue.xanchor = "right"  # clear of the x₁ axis title
    return fig


def hero_caption(rec: Recording, config: Config) -> str:
    """The hero's caption, from the recording."""
    m, meta = rec.meta["final"], rec.meta
    ran = len(rec.curves.get("train_loss", []))
    text = (f"After {ran} epoch{'s' * (ran != 1)} ({rec.seconds:.2f} s to train and record {rec.n_frames} frames): "
            f"train loss {m['train_loss']:.3f}, validation loss {m['val_loss']:.3f}; accuracy {m['train_acc']:.0%} "
            f"on the {meta['n_train']:,} training and {m['val_acc']:.0%} on the {meta['n_val']:,} validation examples.")
    if meta["best_epoch"]:
        text += f" Validation loss was lowest at epoch {meta['best_epoch']} ({meta['best_val_loss']:.3f}, green dashed line)"
        text += (f"; early stopping (patience {config.patience}) ended the run at epoch {ran} (red dotted line) and restored those weights, "
                 "which the numbers above describe." if meta["restored"] else ".")
    if rec.stopped:
        text += f" You stopped the run at epoch {ran}: the frames end there."
    if "test_acc" in meta:
        text += (f" The 1,000 held-out test digits, looked at once after training and never used to choose "
                 f"anything: {meta['test_acc']:.1%} accuracy.")
    return text


def linearity_caption(config: Config, rec: Recording) -> str:
    """Whether the trained network is affine in its input features, measured on the grid."""
    residual = rec.meta["linear_residual"]
    curved = any(f not in ("x1", "x2") for f in config.features)
    if not math.isfinite(residual):
        return "The network's output is not finite, so its shape cannot be measured."
    if config.activation == "none" or config.layers == 0:
        why = (f"No activation: the {config.layers} hidden layer{'s' * (config.layers != 1)} and the output multiply "
               "out to one affine map." if config.layers else "No hidden layer: the output neuron alone is an affine map.")
        return (f"{why} An affine fit of the output over the grid misses by {residual:.0e} of its range, so the boundary "
                "is a straight line in the input features"
                + (" (it looks curved here only because x₁², sin x₁ … are among the features)." if curved else "."))
    return (f"With {ACTIVATIONS[config.activation]} between the layers the output is not an affine function of the "
            f"inputs: the best affine fit misses by {residual:.0%} of its range. That is what lets the boundary bend.")
