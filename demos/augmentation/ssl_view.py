"""The Self-supervised tab: two augmented views of each digit in a batch, the 2N × 2N similarity
matrix the committed encoder gives them (positives marked) with NT-Xent at a chosen temperature, and
the committed linear-probe results: the pre-trained encoder against supervised training and a random
encoder, and the augmentation ablation (crop only vs crop + grey jitter)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import torch

from demos.augmentation import contrastive
from demos.augmentation.batch import two_views
from models.data import mnist_split

RESULTS_FILE = Path(__file__).resolve().parents[2] / "models" / "results" / "augmentation_ssl.json"
ARMS = {"ssl_digits": "SimCLR encoder (crop + grey jitter)", "ssl_digits_crop": "SimCLR encoder (crop only)",
        "supervised": "same network, supervised", "random": "random encoder (untrained)"}
COLOURS = {"ssl_digits": "#0072B2", "ssl_digits_crop": "#56B4E9", "supervised": "#D55E00", "random": "#999999"}


@dataclass(frozen=True)
class ViewBatch:
    labels: list[int]  # (N,) digit of each pair
    view1: torch.Tensor  # (N, 1, 28, 28)
    view2: torch.Tensor
    z1: torch.Tensor  # (N, D) projections
    z2: torch.Tensor
    colour: bool  # the views had the grey jitter


@torch.no_grad()
def batch_views(encoder: torch.nn.Module, n: int, colour: bool, seed: int) -> ViewBatch:
    """N held-out digits (0, 1, …, N − 1, the first example of each), two seeded views each, and the
    encoder's projections of both."""
    data = mnist_split()
    rows = [int((data.test_labels == d).nonzero()[0]) for d in range(n)]
    v1, v2 = two_views(data.test_images[rows], torch.Generator().manual_seed(seed), colour)
    return ViewBatch(list(range(n)), v1, v2, encoder(v1), encoder(v2), colour)


def similarity_figure(batch: ViewBatch, temperature: float, height: int = 440) -> go.Figure:
    s = contrastive.similarity_matrix(batch.z1, batch.z2).numpy()
    n2 = len(s)
    np.fill_diagonal(s, np.nan)  # a view is never compared with itself
    names = [f"{d}·view 1" for d in batch.labels] + [f"{d}·view 2" for d in batch.labels]
    fig = go.Figure(go.Heatmap(z=s, x=names, y=names, colorscale="RdBu_r", zmin=-1, zmax=1,
                               colorbar=dict(title="cos"), hovertemplate="%{y} vs %{x}: %{z:.2f}<extra></extra>"))
    pos = contrastive.positive_index(len(batch.labels)).tolist()
    fig.add_trace(go.Scatter(x=[names[j] for j in pos], y=names, mode="markers", name="positive pair",
                             marker=dict(symbol="square-open", size=max(8, 300 // n2), color="black", line=dict(width=2))))
    loss = float(contrastive.nt_xent(batch.z1, batch.z2, temperature))
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=40, b=10), showlegend=False,
                      title=f"Cosine similarity of the 2N = {n2} views; NT-Xent at τ = {temperature:g}: {loss:.3f}",
                      yaxis=dict(autorange="reversed"))
    return fig


def similarity_caption(batch: ViewBatch, temperature: float) -> str:
    s = contrastive.similarity_matrix(batch.z1, batch.z2).fill_diagonal_(-float("inf"))
    pos = contrastive.positive_index(len(batch.labels))
    found = int((s.argmax(1) == pos).sum())
    rows = contrastive.nt_xent_rows(batch.z1, batch.z2, temperature)
    chance = float(np.log(len(s) - 1))
    return (f"Boxed: each view's positive, the other view of the same digit. For {found} of {len(s)} views the positive is "
            f"the most similar of the other {len(s) - 1}. NT-Xent = {float(rows.mean()):.3f} at τ = {temperature:g} "
            f"(rows from {float(rows.min()):.3f} to {float(rows.max()):.3f}; a loss of log({len(s) - 1}) = {chance:.3f} "
            f"would mean every other view looks alike).")


def views_figure(batch: ViewBatch, height: int = 440) -> go.Figure:
    from plotly.subplots import make_subplots

    n = len(batch.labels)
    fig = make_subplots(rows=n, cols=2, column_titles=["view 1", "view 2"], vertical_spacing=0.01, horizontal_spacing=0.02)
    for i in range(n):
        for j, v in enumerate((batch.view1, batch.view2), start=1):
            fig.add_trace(go.Heatmap(z=v[i, 0].numpy(), colorscale="gray", zmin=0, zmax=1, showscale=False,
                                     hoverinfo="skip"), i + 1, j)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, autorange="reversed", scaleanchor="x")
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=30, b=10))
    return fig


def views_caption(batch: ViewBatch) -> str:
    jitter = "then a random brightness, contrast and (one time in five) inversion" if batch.colour else "no grey jitter"
    return (f"The two views of digits {', '.join(map(str, batch.labels))}: each a random crop resized back to 28×28, "
            f"{jitter}; no label is used to make or match them.")


def probe_results(path: Path = RESULTS_FILE) -> dict:
    """The committed probe runs (train.augmentation_ssl): fractions and held-out accuracy per arm."""
    return json.loads(path.read_text())


def probe_figure(results: dict, height: int = 360) -> go.Figure:
    fig = go.Figure()
    x = [f * 100 for f in results["fractions"]]
    for arm in ("ssl_digits", "supervised", "random"):
        fig.add_trace(go.Scatter(x=x, y=results["probe"][arm], mode="lines+markers", name=ARMS[arm],
                                 line=dict(color=COLOURS[arm])))
    fig.update_layout(height=height, xaxis=dict(title="labels used (% of the 3,500 training digits)", type="log"),
                      yaxis=dict(title="held-out accuracy", range=[0, 1]), margin=dict(l=60, r=10, t=30, b=40),
                      legend=dict(orientation="h", y=-0.3), title="Linear probe on frozen features vs supervised")
    return fig


def probe_caption(results: dict) -> str:
    p = results["probe"]
    f = results["fractions"]
    lo, hi = 0, len(f) - 1
    ahead = [f"{f[i]:.0%}" for i in range(len(f)) if p["ssl_digits"][i] > p["supervised"][i]]
    return (f"With {f[lo]:.0%} of the labels (about {round(f[lo] * 350)} per class) the pre-trained encoder's probe reaches "
            f"{p['ssl_digits'][lo]:.1%} on held-out digits, supervised training {p['supervised'][lo]:.1%}, a random encoder "
            f"{p['random'][lo]:.1%}; with all labels {p['ssl_digits'][hi]:.1%}, {p['supervised'][hi]:.1%} and {p['random'][hi]:.1%}. "
            + (f"The probe beats supervised training at {', '.join(ahead)} of the labels." if ahead else
               "Supervised training is ahead at every fraction."))


def ablation_figure(results: dict, height: int = 360) -> go.Figure:
    fig = go.Figure()
    x = [f * 100 for f in results["fractions"]]
    for arm in ("ssl_digits", "ssl_digits_crop", "random"):
        fig.add_trace(go.Scatter(x=x, y=results["probe"][arm], mode="lines+markers", name=ARMS[arm],
                                 line=dict(color=COLOURS[arm])))
    fig.update_layout(height=height, xaxis=dict(title="labels used (%)", type="log"),
                      yaxis=dict(title="held-out accuracy", range=[0, 1]), margin=dict(l=60, r=10, t=30, b=40),
                      legend=dict(orientation="h", y=-0.3), title="Which augmentations the pre-training used")
    return fig


def ablation_caption(results: dict) -> str:
    p = results["probe"]
    both, crop = np.array(p["ssl_digits"]), np.array(p["ssl_digits_crop"])
    wins = int((both > crop).sum())
    return (f"Crop + grey jitter beats crop alone at {wins} of {len(both)} label fractions (all labels: {both[-1]:.1%} vs "
            f"{crop[-1]:.1%}). SimCLR's large gain from colour distortion was measured on colour photos, where crops of one "
            "image share a colour histogram the network can match instead of learning shapes; grey digits have no colour to cheat with.")
