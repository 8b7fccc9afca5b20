"""Few-shot learning with prototypical networks (Snell et al. 2017): each class's prototype is the mean
embedding of its K support examples and a query goes to the nearest one, on N-way K-shot episodes of
held-out digits 5-9; the episode drawn in the plane of its prototypes, with the decision regions; and
four embeddings (the 0-4 CNN, ImageNet features, random weights, raw pixels) scored on the same episodes.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd
import torch

from demos.transfer_learning.sweep import rgba
from demos.transfer_learning.task import NEW_DIGITS, Progress, new_task, seeded_init
from models.transfer_cnn import TransferCnn


# ---------------------------------------------------------------- few-shot: prototypes and episodes
ENCODERS = {"cnn04": "Digit CNN taught 0-4", "imagenet": "EfficientNet-Lite0 (ImageNet)",
            "random": "Same CNN, random weights", "pixels": "Raw pixels"}  # name -> legend
N_QUERY = 15  # query examples per class in the episode the page draws
WAYS = (2, 3, 4, 5)  # the N-way choices (every curve committed)
CURVE_KS = (1, 2, 5, 10, 20)  # the curve's K values
EPISODES = 200  # episodes per point of the curve


@torch.no_grad()
def digit_embeddings(backbone: TransferCnn, imagenet: torch.Tensor | None = None,
                     encoders: Sequence[str] = tuple(ENCODERS), on_progress: Progress = None) -> dict[str, torch.Tensor]:
    """Each of `encoders`' embedding of the 500 held-out digits 5-9 (classes `cnn04` never saw), in
    `new_task()["test_x"]` order; "imagenet" only when its features (digit_imagenet_features) are given."""
    x = new_task()["test_x"]
    out = {}
    for name in encoders:
        if name == "cnn04":
            out[name] = backbone.embed(x)
        elif name == "random":
            out[name] = seeded_init(TransferCnn(backbone.config), seed=0).eval().embed(x)
        elif name == "pixels":
            out[name] = x.flatten(1)
        elif imagenet is not None:
            out[name] = imagenet
    return out


@dataclass(frozen=True)
class Episode:
    classes: tuple[int, ...]  # the N new-task labels drawn (0-4 = digits 5-9)
    support: torch.Tensor  # (N*K,) indices, grouped by class
    support_labels: torch.Tensor  # (N*K,) episode labels 0..N-1
    query: torch.Tensor  # (N*Q,) indices, disjoint from the support
    query_labels: torch.Tensor  # (N*Q,)


def episode(labels: torch.Tensor, n_way: int, k_shot: int, n_query: int, seed: int) -> Episode:
    """An N-way K-shot episode: N classes at random, K support and Q query examples of each."""
    gen = torch.Generator().manual_seed(seed)
    all_classes = labels.unique()
    classes = all_classes[torch.randperm(len(all_classes), generator=gen)[:n_way]].sort().values
    sup, qry = [], []
    for c in classes.tolist():
        rows = (labels == c).nonzero().flatten()
        rows = rows[torch.randperm(len(rows), generator=gen)]
        sup.append(rows[:k_shot])
        qry.append(rows[k_shot:k_shot + n_query])
    def tags(parts):
        return torch.cat([torch.full((len(p),), i) for i, p in enumerate(parts)])
    return Episode(tuple(classes.tolist()), torch.cat(sup), tags(sup), torch.cat(qry), tags(qry))


def prototypes(embeddings: torch.Tensor, labels: torch.Tensor, n_classes: int) -> torch.Tensor:
    """Prototypical networks: each class's prototype is the mean of its support embeddings. (N, D)"""
    return torch.stack([embeddings[labels == c].mean(0) for c in range(n_classes)])


def nearest_prototype(embeddings: torch.Tensor, protos: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(predicted class, squared Euclidean distances (B, N)): softmax(-d) is the ProtoNet posterior."""
    d = torch.cdist(embeddings.double(), protos.double()) ** 2
    return d.argmin(1), d


def few_shot_accuracy(embeddings: torch.Tensor, labels: torch.Tensor, n_way: int, k_shot: int,
                      episodes: int = 200, n_query: int = 15, seed: int = 0) -> tuple[float, float]:
    """Mean query accuracy over `episodes` random episodes, and its 95 % confidence half-width."""
    accs = []
    for e in range(episodes):
        ep = episode(labels, n_way, k_shot, n_query, seed * 100_003 + e)
        pred, _ = nearest_prototype(embeddings[ep.query], prototypes(embeddings[ep.support], ep.support_labels, n_way))
        accs.append((pred == ep.query_labels).double().mean().item())
    return float(np.mean(accs)), float(1.96 * np.std(accs, ddof=1) / math.sqrt(episodes)) if episodes > 1 else 0.0


def few_shot_curve(embeddings: dict[str, torch.Tensor], labels: torch.Tensor, n_way: int,
                   k_values: Sequence[int] = CURVE_KS, episodes: int = EPISODES, seed: int = 0,
                   on_progress: Progress = None) -> pd.DataFrame:
    """Few-shot accuracy vs K for every encoder (same episodes for all): encoder, k, accuracy, ci."""
    rows, total = [], len(embeddings) * len(k_values)
    for name, emb in embeddings.items():
        for k in k_values:
            mean, ci = few_shot_accuracy(emb, labels, n_way, k, episodes, seed=seed)
            rows.append({"encoder": name, "k": k, "accuracy": mean, "ci": ci})
            if on_progress:
                on_progress(len(rows) / total)
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class Plane:
    origin: torch.Tensor  # (D,) centre of the prototypes
    basis: torch.Tensor  # (2, D) orthonormal rows
    exact: bool  # True when the prototypes lie in the plane (N <= 3): regions then decide exactly

    def coords(self, points: torch.Tensor) -> np.ndarray:
        return ((points.double() - self.origin) @ self.basis.T).numpy()


def prototype_plane(protos: torch.Tensor, points: torch.Tensor) -> Plane:
    """The 2-D view of an episode: the plane through the prototypes' centre spanned by their two main
    directions (topped up from the points' spread when N = 2). Nearest-prototype decisions depend only
    on a point's projection onto the prototypes' affine hull, so for N <= 3 the regions drawn in this
    plane are the classifier's exact decision regions."""
    p = protos.double()
    origin = p.mean(0)
    _, s, vt = torch.linalg.svd(p - origin, full_matrices=False)
    dirs = vt[s > 1e-9 * max(float(s.max()), 1e-12)][:2]
    if len(dirs) < 2:
        rest = points.double() - origin
        rest = rest - (rest @ dirs.T) @ dirs
        _, _, vt2 = torch.linalg.svd(rest, full_matrices=False)
        dirs = torch.cat([dirs, vt2[:2 - len(dirs)]])
    return Plane(origin, dirs, exact=len(protos) <= 3)


def plane_regions(plane: Plane, protos: torch.Tensor, extent: np.ndarray, size: int = 80) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Nearest prototype (in the full space) for every point of a size x size grid on the plane.
    extent: (xmin, xmax, ymin, ymax). Returns (xs, ys, labels (size, size))."""
    xs, ys = np.linspace(extent[0], extent[1], size), np.linspace(extent[2], extent[3], size)
    g = torch.from_numpy(np.stack(np.meshgrid(xs, ys), -1).reshape(-1, 2))
    # |origin + g B - p|^2 = |g - q|^2 + r with q = (p - origin) B^T (p's shadow in the plane) and
    # r = |p - origin|^2 - |q|^2 (its distance off the plane): the full-space distances, in 2-D
    # (lifting size*size points into D dimensions cost half a second)
    off = protos.double() - plane.origin  # (N, D)
    q = off @ plane.basis.T  # (N, 2)
    r = (off ** 2).sum(1) - (q ** 2).sum(1)  # (N,)
    d = torch.cdist(g, q) ** 2 + r  # (size*size, N)
    return xs, ys, d.argmin(1).reshape(size, size).numpy()


# ---------------------------------------------------------------- figures: the episode in its plane, accuracy vs K
def episode_figure(plane: Plane, protos: torch.Tensor, support: torch.Tensor, support_labels: torch.Tensor,
                   query: torch.Tensor, query_labels: torch.Tensor, names: Sequence[str], height: int = 440):
    """The episode in its 2-D plane: nearest-prototype regions, support examples (circles), query
    examples (small; a cross when misclassified), prototypes (stars)."""
    import plotly.graph_objects as go

    from demos.plots import OKABE_ITO

    s_xy, q_xy, p_xy = plane.coords(support), plane.coords(query), plane.coords(protos)
    every = np.concatenate([s_xy, q_xy, p_xy])
    lo, hi = every.min(0), every.max(0)
    pad = 0.08 * (hi - lo + 1e-9)
    xs, ys, regions = plane_regions(plane, protos, np.array([lo[0] - pad[0], hi[0] + pad[0], lo[1] - pad[1], hi[1] + pad[1]]))
    n = len(protos)
    colours = [OKABE_ITO[i % 8] for i in range(n)]
    scale = [[i / max(n - 1, 1), rgba(c, 0.22)] for i, c in enumerate(colours)] if n > 1 else [[0, rgba(colours[0], 0.22)], [1, rgba(colours[0], 0.22)]]
    fig = go.Figure(go.Heatmap(x=xs, y=ys, z=regions, colorscale=scale, zmin=0, zmax=max(n - 1, 1), showscale=False,
                               hoverinfo="skip", name="regions"))
    pred, _ = nearest_prototype(query, protos)
    for c in range(n):
        sel = (support_labels == c).numpy()
        fig.add_trace(go.Scatter(x=s_xy[sel, 0], y=s_xy[sel, 1], mode="markers", name=f"{names[c]}: support",
                                 marker=dict(size=11, color=colours[c], line=dict(width=1.5, color="black"))))
        for ok in (True, False):
            q = ((query_labels == c) & ((pred == query_labels) == ok)).numpy()
            if q.any():
                fig.add_trace(go.Scatter(x=q_xy[q, 0], y=q_xy[q, 1], mode="markers",
                                         name=f"{names[c]}: query" + ("" if ok else ", wrong"),
                                         marker=dict(size=7 if ok else 11, color=colours[c], symbol="circle" if ok else "x",
                                                     opacity=0.75, line=dict(width=0.5, color="white"))))
    fig.add_trace(go.Scatter(x=p_xy[:, 0], y=p_xy[:, 1], mode="markers+text", name="prototypes",
                             text=[f"<b>{n}</b>" for n in names], textposition="top right", textfont=dict(size=18),
                             marker=dict(size=22, symbol="star", color=colours, line=dict(width=2, color="black"))))
    fig.update_xaxes(title="plane axis 1", showgrid=False, zeroline=False, range=[xs[0], xs[-1]], constrain="domain")
    fig.update_yaxes(title="plane axis 2", showgrid=False, zeroline=False, range=[ys[0], ys[-1]], scaleanchor="x",
                     constrain="domain")
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=10, b=10), legend=dict(font=dict(size=11)))
    return fig


def curve_figure(curve: pd.DataFrame, n_way: int):
    """`few_shot_curve`'s accuracy vs K (log axis), one line per encoder."""
    from demos import plots

    series = {ENCODERS[e]: curve.loc[curve["encoder"] == e, "accuracy"] for e in dict.fromkeys(curve["encoder"])}
    ks = sorted(set(curve["k"]))
    fig = plots.line_chart(ks, series, f"{n_way}-way accuracy vs K ({EPISODES} episodes)", "examples per class (K)",
                           "query accuracy", y_range=(0, 1.02))
    return fig.update_xaxes(type="log", tickvals=ks).update_yaxes(tickformat=".0%")


# ---------------------------------------------------------------- what the charts say (computed, not written)
def episode_caption(plane: Plane, protos: torch.Tensor, query: torch.Tensor, query_labels: torch.Tensor,
                     n_way: int, k_shot: int) -> str:
    """The episode's accuracy, and how faithful the 2-D picture is."""
    pred, _ = nearest_prototype(query, protos)
    acc = (pred == query_labels).double().mean().item()
    text = (f"{n_way}-way {k_shot}-shot: {int((pred == query_labels).sum())} of {len(query_labels)} query digits "
            f"({acc:.0%}) are nearest to their own class's prototype.")
    if plane.exact:
        return text + " With 3 or fewer prototypes the plane holds them all, so the regions are the exact decision regions."
    xy = plane.coords(query)
    lifted = plane.origin + torch.from_numpy(xy) @ plane.basis
    moved = int((nearest_prototype(lifted, protos)[0] != pred).sum())
    return text + (f" With {n_way} prototypes the plane shows only 2 of their {n_way - 1} directions: "
                   f"{moved} query point(s) sit in a region other than the one they are classified into.")


def curve_caption(curve: pd.DataFrame, n_way: int, k: int = 5) -> str:
    """The encoders ranked at one K, with the widest confidence interval of the chart."""
    at = curve[curve["k"] == k].set_index("encoder")["accuracy"].sort_values(ascending=False)
    return (f"{k}-shot {n_way}-way: " + ", ".join(f"{ENCODERS[e]} {v:.0%}" for e, v in at.items())
            + f" (the same episodes for every embedding; 95 % intervals at most ±{curve['ci'].max():.1%}).")


# ---------------------------------------------------------------- one episode, drawn and told
def episode_view(embeddings: torch.Tensor, labels: torch.Tensor, n_way: int, k_shot: int, seed: int,
                 n_query: int = N_QUERY, height: int = 440):
    """Draw episode `seed` (N-way K-shot, `n_query` queries per class) from `embeddings` (B, D) of the
    digits with new-task `labels` (0-4 = digits 5-9): (its figure in the prototypes' plane, its caption)."""
    ep = episode(labels, n_way, k_shot, n_query, seed)
    support, query = embeddings[ep.support], embeddings[ep.query]
    protos = prototypes(support, ep.support_labels, n_way)
    plane = prototype_plane(protos, torch.cat([support, query]))
    names = [str(NEW_DIGITS[c]) for c in ep.classes]
    return (episode_figure(plane, protos, support, ep.support_labels, query, ep.query_labels, names, height),
            episode_caption(plane, protos, query, ep.query_labels, n_way, k_shot))
