"""The vision-transformer tab: a digit cut into patches that become tokens (plus CLS), what the learned
position embeddings encode, where the CLS token looks in every layer and head, attention rollout, and
the ViT's accuracy next to a CNN of about its size trained on the same 3,500 digits."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import torch
from plotly.subplots import make_subplots

from models.digit_vit import patchify

DIGIT_RANGE = (0, 999)  # held-out digits
INK = [[0.0, "#e6e6e6"], [1.0, "#000000"]]  # paper light grey (so each token's tile shows), ink black


def grid_side(model: torch.nn.Module) -> int:
    return 28 // model.config.patch


def token_strip(image: torch.Tensor, patch: int) -> np.ndarray:
    """(1, 28, 28) -> a (p, 17·(p + 1) − 1) picture: a blank CLS token, then the 16 patches in token order."""
    patches = patchify(image[None], patch)[0].reshape(-1, patch, patch).numpy()  # (16, p, p)
    gap = np.full((patch, 1), np.nan)
    tiles = [np.full((patch, patch), 0.5)] + list(patches)
    return np.concatenate([t for tile in tiles for t in (tile, gap)][:-1], 1)


def patches_figure(image: torch.Tensor, patch: int, height: int = 300) -> go.Figure:
    side = 28 // patch
    fig = make_subplots(1, 2, column_widths=[0.25, 0.75], subplot_titles=(
        f"the digit, cut into {side} × {side} patches", "the token sequence: CLS, then patches 1…16"),
        horizontal_spacing=0.04)
    fig.add_trace(go.Heatmap(z=image[0].numpy(), colorscale=INK, zmin=0, zmax=1, showscale=False, hoverinfo="skip"), 1, 1)
    for k in range(1, side):
        fig.add_shape(type="line", x0=k * patch - 0.5, x1=k * patch - 0.5, y0=-0.5, y1=27.5, line=dict(color="#D55E00"),
                      row=1, col=1)
        fig.add_shape(type="line", y0=k * patch - 0.5, y1=k * patch - 0.5, x0=-0.5, x1=27.5, line=dict(color="#D55E00"),
                      row=1, col=1)
    for n in range(side * side):
        fig.add_annotation(x=(n % side) * patch + 1, y=(n // side) * patch + 1, text=str(n + 1), showarrow=False,
                           font=dict(color="#0072B2", size=11), row=1, col=1)
    fig.add_trace(go.Heatmap(z=token_strip(image, patch), colorscale=INK, zmin=0, zmax=1, showscale=False,
                             hoverinfo="skip"), 1, 2)
    fig.update_xaxes(tickvals=[k * (patch + 1) + patch / 2 - 0.5 for k in range(side * side + 1)],
                     ticktext=["CLS"] + [str(n) for n in range(1, side * side + 1)], row=1, col=2)
    fig.update_xaxes(visible=False, row=1, col=1)
    for col in (1, 2):
        fig.update_yaxes(visible=False, autorange="reversed", scaleanchor=f"x{col if col > 1 else ''}", row=1, col=col)
    fig.update_layout(height=height, margin=dict(l=5, r=5, t=30, b=5))
    return fig


def position_similarity(model: torch.nn.Module) -> np.ndarray:
    """(N, N) cosine similarity of the patches' learned position embeddings (CLS's left out)."""
    p = model.position[0, 1:].detach()
    p = p / p.norm(dim=1, keepdim=True)
    return (p @ p.T).numpy()


def tiled(maps: np.ndarray, side: int) -> np.ndarray:
    """(N, side·side) maps -> one picture of side × side small maps, a blank row/column between them."""
    out = np.full((side * (side + 1) - 1,) * 2, np.nan)
    for n, m in enumerate(maps):
        r, c = divmod(n, side)
        out[r * (side + 1):r * (side + 1) + side, c * (side + 1):c * (side + 1) + side] = m.reshape(side, side)
    return out


def position_figure(sim: np.ndarray, side: int, height: int = 380) -> go.Figure:
    fig = go.Figure(go.Heatmap(z=tiled(sim, side), colorscale="RdBu_r", zmid=0, zmin=-1, zmax=1,
                               colorbar=dict(title="cosine"), hoverinfo="skip"))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, autorange="reversed", scaleanchor="x")
    fig.update_layout(height=height, margin=dict(l=5, r=5, t=10, b=5))
    return fig


def position_caption(sim: np.ndarray, side: int) -> str:
    """How much more alike the embeddings of neighbouring patches are than those of distant ones."""
    rows, cols = np.divmod(np.arange(side * side), side)
    dist = np.abs(rows[:, None] - rows[None]) + np.abs(cols[:, None] - cols[None])
    near, far = sim[dist == 1].mean(), sim[dist >= side].mean()
    return (f"Each small map is one patch's position embedding compared with every other patch's: neighbours "
            f"(one step apart) have mean cosine similarity {near:.2f}, patches {side} or more steps apart "
            f"{far:.2f}. " + ("Neighbours are more alike: nobody gave the model the grid's layout, and it "
                              "learned some of it from the digits alone." if near > far + 0.05 else
                              "Near and far patches are not clearly told apart: this model learned little layout."))


@torch.no_grad()
def attention(model: torch.nn.Module, image: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(logits (10,), attention (layers, heads, T, T)) for one (1, 28, 28) digit."""
    logits, maps = model(image[None])
    return logits[0], maps[:, 0]


def rollout(maps: torch.Tensor) -> torch.Tensor:
    """Attention rollout (Abnar & Zuidema 2020): per layer, the heads' mean plus the identity (the
    residual path), rows renormalised; the layers multiplied. maps (L, H, T, T) -> (T, T)."""
    t = maps.shape[-1]
    out = torch.eye(t)
    for layer in maps:
        a = layer.mean(0) + torch.eye(t)
        out = (a / a.sum(-1, keepdim=True)) @ out
    return out


def cls_figure(image: torch.Tensor, maps: torch.Tensor, side: int, height: int = 420) -> go.Figure:
    """The CLS token's attention over the 16 patches in every layer and head, and the rollout."""
    layers, heads = maps.shape[:2]
    titles = [f"layer {l + 1}, head {h + 1}" for l in range(layers) for h in range(heads)] + ["rollout"]
    cols = heads + 1
    fig = make_subplots(layers, cols, subplot_titles=[t for r in range(layers) for t in
                                                       titles[r * heads:(r + 1) * heads] + (["rollout"] if r == 0 else [""])],
                        horizontal_spacing=0.03, vertical_spacing=0.08)
    patch = 28 // side
    digit = image[0].numpy()
    panels = [(l + 1, h + 1, maps[l, h, 0, 1:]) for l in range(layers) for h in range(heads)]
    panels.append((1, cols, rollout(maps)[0, 1:]))
    for r, c, w in panels:
        up = np.kron((w / w.max()).reshape(side, side).numpy(), np.ones((patch, patch)))
        fig.add_trace(go.Heatmap(z=up, colorscale="Viridis", zmin=0, zmax=1, showscale=False, hoverinfo="skip"), r, c)
        fig.add_trace(go.Contour(z=digit, contours=dict(start=0.5, end=0.5, coloring="none"), showscale=False,
                                 showlegend=False, line=dict(color="white", width=1.5), hoverinfo="skip"), r, c)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, autorange="reversed")
    for r in range(1, layers + 1):
        for c in range(1, cols + 1):
            n = (r - 1) * cols + c
            fig.update_yaxes(scaleanchor=f"x{n if n > 1 else ''}", row=r, col=c)
    fig.update_layout(height=height, margin=dict(l=5, r=5, t=30, b=5))
    return fig


def cls_caption(logits: torch.Tensor, maps: torch.Tensor) -> str:
    top = int(logits.argmax())
    roll = rollout(maps)[0, 1:]
    best = int(roll.argmax())
    last = maps[-1, :, 0, 1:].mean(0)
    return (f"The ViT reads this digit as {top} ({torch.softmax(logits, 0)[top]:.0%}). Brightest = where CLS "
            f"attends most in each map (scaled per map); the rollout, which follows attention through the residual "
            f"paths of all {maps.shape[0]} layers, puts most weight on patch {best + 1}; in the last layer the "
            f"heads' mean gives the top patch {float(last.max()):.0%} of CLS's attention (uniform would be "
            f"{1 / len(last):.0%}).")


def comparison_figure(cards: dict[str, dict], height: int = 300) -> go.Figure:
    names = list(cards)
    fig = go.Figure(go.Bar(x=names, y=[cards[n]["metrics"]["test_accuracy"] for n in names],
                           text=[f"{cards[n]['metrics']['test_accuracy']:.1%} · {cards[n]['metrics']['parameters']:,} weights"
                                 for n in names], textposition="outside", marker_color=["#0072B2", "#E69F00"]))
    fig.update_yaxes(title="held-out accuracy (1,000 digits)", range=[0, 1.1])
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=10, b=10))
    return fig


def comparison_caption(cards: dict[str, dict]) -> str:
    (a, ca), (b, cb) = cards.items()
    acc_a, acc_b = ca["metrics"]["test_accuracy"], cb["metrics"]["test_accuracy"]
    better = a if acc_a > acc_b else b
    return (f"Same 3,500 training digits, same recipe: {a} {acc_a:.1%} with {ca['metrics']['parameters']:,} weights, "
            f"{b} {acc_b:.1%} with {cb['metrics']['parameters']:,}; {better} is ahead by "
            f"{abs(acc_a - acc_b):.1%} points.")
