"""The deep MLPs of `flow` trained live with plain SGD on digits and replayed in the browser: how
the per-layer gradient norms and activations change as training goes (or explodes, or never breaks
the symmetry of an all-zero initialisation).
"""
from __future__ import annotations

import math
from typing import Callable

import numpy as np
import plotly.graph_objects as go
import torch
import torch.nn.functional as F
from plotly.subplots import make_subplots

from demos import plots
from demos.backprop.flow import STATS_BATCH, WIDTH, DeepMlp, FlowConfig, digits, flow_stats
from demos.plots import OKABE_ITO
from demos.replay import Recording, animate, record

BLUE, GREEN, VERMILION = OKABE_ITO[0], OKABE_ITO[2], OKABE_ITO[3]
GREY = "#9aa0a6"


# ================================================================ training, recorded
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


# ================================================================ its figures
def room_for_player(fig: go.Figure, drop: float = 0.15) -> go.Figure:
    """Move an animate() player below the x tick labels of a figure that shows them."""
    fig.layout.sliders[0].y -= drop
    fig.layout.updatemenus[0].y -= drop
    fig.update_layout(margin=dict(b=fig.layout.margin.b + int(drop * fig.layout.height)))
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
    return room_for_player(animate(fig, frames, [str(s) for s in steps], prefix="step "))


def units_figure(rec: Recording) -> go.Figure:
    """Layer 1's outputs on 16 digits after training: identical columns are identical units."""
    return plots.heatmap(rec.frames["units"][-1], "Layer 1 on 16 digits (rows) after training: 64 units (columns)",
                         height=260, square=False)


# ================================================================ their captions
def training_caption(rec: Recording) -> str:
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


def units_caption(rec: Recording) -> str:
    """Under the units heatmap: how many of layer 1's units still differ (none after a zero init)."""
    return (f"{int(rec.frames['distinct'][-1][0])} of {WIDTH} units in layer 1 have distinct weights"
            + (": with zeros every unit computes the same thing and gets the same gradient, forever."
               if rec.meta["config"].init == "zeros" else "."))
