"""Word vectors drawn in 2-D two ways: PCA (a linear projection on the two directions of largest
variance) and t-SNE (van der Maaten & Hinton 2008, exact, written out here and seeded), side by side. Both distort:
the page measures how many of each word's nearest neighbours in the full space stay nearest in 2-D."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from demos.plots import OKABE_ITO, layout
from demos.text import chart_text

PERPLEXITY_RANGE = (2, 30)  # t-SNE's effective number of neighbours (must stay below the number of words)
KEEP_K = 5  # neighbours compared between the full space and the drawing


@dataclass(frozen=True)
class Projection:
    words: tuple[str, ...]
    groups: tuple[str, ...]  # the relation each word comes from (its colour)
    pca: np.ndarray  # (N, 2)
    tsne: np.ndarray  # (N, 2)
    explained: float  # share of the variance the two principal components keep
    kept_pca: float  # share of each word's KEEP_K cosine neighbours that stay its 2-D neighbours
    kept_tsne: float
    perplexity: float
    seed: int


def pca_2d(vectors: np.ndarray) -> tuple[np.ndarray, float]:
    """Centred data times its top-2 right singular vectors (signs fixed: each axis's largest loading
    positive, so the picture is deterministic), and the variance share they keep."""
    x = vectors - vectors.mean(axis=0)
    _, s, vt = np.linalg.svd(x, full_matrices=False)
    axes = vt[:2] * np.sign(vt[:2][np.arange(2), np.abs(vt[:2]).argmax(axis=1)])[:, None]
    return x @ axes.T, float((s[:2] ** 2).sum() / (s ** 2).sum())


def affinities(distances: np.ndarray, perplexity: float, tol: float = 1e-5) -> np.ndarray:
    """t-SNE's joint probabilities P: per point, a Gaussian over the others whose width is found by
    bisection so that its entropy is log(perplexity); then symmetrised, (P + Pᵀ) / 2N."""
    distances = np.asarray(distances, dtype=np.float64)
    n = len(distances)
    p = np.zeros((n, n))
    target = np.log(perplexity)
    for i in range(n):
        d = np.delete(distances[i], i)
        lo, hi, beta = 0.0, np.inf, 1.0
        for _ in range(100):
            w = np.exp(-(d - d.min()) * beta)
            q = w / w.sum()
            entropy = -(q * np.log(np.maximum(q, 1e-300))).sum()
            if abs(entropy - target) < tol:
                break
            if entropy > target:
                lo, beta = beta, beta * 2 if hi == np.inf else (beta + hi) / 2
            else:
                hi, beta = beta, (beta + lo) / 2
        p[i, np.arange(n) != i] = q
    return (p + p.T) / (2 * n)


def tsne_2d(vectors: np.ndarray, perplexity: float, seed: int, iterations: int = 500) -> np.ndarray:
    """Exact t-SNE on cosine distances: gradient descent on KL(P‖Q) with Student-t Q, early exaggeration
    ×12 for 250 steps, momentum 0.5 then 0.8 and per-coordinate gains (as in the paper and scikit-learn);
    the start is the PCA picture scaled small plus a seeded 1 % jitter."""
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    p = np.maximum(affinities(np.clip(1 - unit @ unit.T, 0, None), perplexity), 1e-12)
    n = len(vectors)
    start, _ = pca_2d(vectors)
    y = (start / start[:, 0].std() + np.random.default_rng(seed).normal(0, 1e-2, (n, 2))) * 1e-4
    rate = max(n / 12.0 / 4, 50.0)
    for it in range(iterations):
        exaggeration, momentum = (12.0, 0.5) if it < 250 else (1.0, 0.8)
        if it in (0, 250):  # each stage starts with no velocity and unit gains
            velocity, gains = np.zeros_like(y), np.ones_like(y)
        sq = (y ** 2).sum(1)
        w = 1.0 / (1.0 + np.maximum(sq[:, None] + sq[None, :] - 2 * y @ y.T, 0.0))  # Student-t, 1 d.o.f.
        np.fill_diagonal(w, 0.0)
        q = np.maximum(w / w.sum(), 1e-12)
        a = (exaggeration * p - q) * w
        grad = 4 * (a.sum(1)[:, None] * y - a @ y)  # 4 Σ_j (p_ij − q_ij) w_ij (y_i − y_j)
        gains = np.where(velocity * grad < 0, gains + 0.2, gains * 0.8).clip(0.01)
        velocity = momentum * velocity - rate * gains * grad
        y = y + velocity
    return y - y.mean(axis=0)


def kl_divergence(vectors: np.ndarray, flat: np.ndarray, perplexity: float) -> float:
    """KL(P‖Q) of a drawing: what t-SNE minimises (lower: the drawing keeps the neighbourhoods better)."""
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    p = np.maximum(affinities(np.clip(1 - unit @ unit.T, 0, None), perplexity), 1e-12)
    w = 1.0 / (1.0 + ((flat[:, None, :] - flat[None, :, :]) ** 2).sum(-1))
    np.fill_diagonal(w, 0.0)
    q = np.maximum(w / w.sum(), 1e-12)
    off = ~np.eye(len(p), dtype=bool)
    return float((p[off] * np.log(p[off] / q[off])).sum())


def kept_neighbours(vectors: np.ndarray, flat: np.ndarray, k: int = KEEP_K) -> float:
    """Mean share of each point's k nearest neighbours by cosine in the full space that are also among
    its k nearest by Euclidean distance in the drawing."""
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    full = -(unit @ unit.T)
    drawn = ((flat[:, None, :] - flat[None, :, :]) ** 2).sum(-1)
    np.fill_diagonal(full, np.inf)
    np.fill_diagonal(drawn, np.inf)
    a, b = np.argsort(full, axis=1, kind="stable")[:, :k], np.argsort(drawn, axis=1, kind="stable")[:, :k]
    return float(np.mean([len(set(x) & set(y)) / k for x, y in zip(a, b)]))


def project(vectors: np.ndarray, words: list[str], groups: list[str], perplexity: float, seed: int) -> Projection:
    perplexity = float(min(perplexity, len(words) - 1))
    pca, explained = pca_2d(vectors)
    tsne = tsne_2d(vectors, perplexity, seed)
    return Projection(tuple(words), tuple(groups), pca, tsne, explained, kept_neighbours(vectors, pca),
                      kept_neighbours(vectors, tsne), perplexity, seed)


def projection_figure(p: Projection, height: int = 420) -> go.Figure:
    fig = make_subplots(1, 2, subplot_titles=(f"PCA ({p.explained:.0%} of the variance)",
                                              f"t-SNE (perplexity {p.perplexity:g}, seed {p.seed})"),
                        horizontal_spacing=0.06)
    for g, group in enumerate(dict.fromkeys(p.groups)):
        idx = [i for i, x in enumerate(p.groups) if x == group]
        for col, xy in ((1, p.pca), (2, p.tsne)):
            fig.add_trace(go.Scatter(x=xy[idx, 0], y=xy[idx, 1], mode="markers+text", name=chart_text(group),
                                     text=[chart_text(p.words[i]) for i in idx], textposition="top center",
                                     marker=dict(color=OKABE_ITO[g % len(OKABE_ITO)], size=8),
                                     legendgroup=group, showlegend=col == 1, textfont=dict(size=10)), 1, col)
    fig.update_xaxes(showticklabels=False)
    fig.update_yaxes(showticklabels=False)
    fig.update_layout(legend=dict(orientation="h", y=-0.05))
    return layout(fig, None, height)


def projection_caption(p: Projection) -> str:
    better = "t-SNE" if p.kept_tsne > p.kept_pca else "PCA" if p.kept_pca > p.kept_tsne else "neither"
    return (f"{len(p.words)} words: of each word's {KEEP_K} nearest neighbours in the full 384-D space, PCA keeps "
            f"{p.kept_pca:.0%} as 2-D neighbours and t-SNE {p.kept_tsne:.0%} ({better} keeps more): "
            "distances in a 2-D drawing are not the model's distances.")


def projection_csv(p: Projection) -> str:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["word", "group", "pca_x", "pca_y", "tsne_x", "tsne_y"])
    for i, word in enumerate(p.words):
        w.writerow([word, p.groups[i], *np.round(p.pca[i], 5), *np.round(p.tsne[i], 5)])
    return out.getvalue()
