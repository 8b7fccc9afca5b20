"""Entropy, cross-entropy and KL in bits, drawn as Colah's areas ("Visual Information Theory", 2015): a
symbol of probability p(x) coded with a code built for q costs −log₂ q(x) bits, so the expected length is
the area Σ p(x)·(−log₂ q(x)) = H(p, q) = H(p) + KL(p‖q). Then KL's asymmetry: one Gaussian fitted to a
two-bump mixture by forward KL(p‖q) (moment matching: it covers both bumps) and by reverse KL(q‖p)
(it locks onto one bump)."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import torch
from plotly.subplots import make_subplots

from demos.plots import OKABE_ITO, layout

SYMBOLS = ("a", "b", "c", "d")
DEFAULT_P = (0.5, 0.25, 0.125, 0.125)  # Colah's example: the optimal code lengths are 1, 2, 3, 3 bits
DEFAULT_Q = (0.25, 0.25, 0.25, 0.25)  # a code of 2 bits per symbol
SEPARATION_RANGE = (0.0, 6.0)  # distance between the two bumps' centres
BUMP_STD = 0.6
GRID = np.linspace(-9, 9, 361)


def normalise(weights: tuple[float, ...]) -> np.ndarray:
    """Weights ≥ 0 -> a distribution; all zero -> uniform."""
    w = np.clip(np.asarray(weights, dtype=float), 0, None)
    return w / w.sum() if w.sum() > 0 else np.full(len(w), 1 / len(w))


def entropy(p: np.ndarray) -> float:
    """H(p) = −Σ p log₂ p (bits; 0·log 0 = 0)."""
    p = np.asarray(p, dtype=float)
    nz = p > 0
    return float(-(p[nz] * np.log2(p[nz])).sum())


def cross_entropy(p: np.ndarray, q: np.ndarray) -> float:
    """H(p, q) = −Σ p log₂ q (bits); infinite when q = 0 where p > 0."""
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    nz = p > 0
    with np.errstate(divide="ignore"):
        return float(-(p[nz] * np.log2(q[nz])).sum())


def kl(p: np.ndarray, q: np.ndarray) -> float:
    """KL(p‖q) = H(p, q) − H(p) ≥ 0, zero only when p = q."""
    return cross_entropy(p, q) - entropy(p)


def areas_figure(p: np.ndarray, q: np.ndarray, height: int = 360) -> go.Figure:
    """Each symbol a column of width p(x): height −log₂ p(x) (its own code) beside −log₂ q(x) (q's code);
    the areas are H(p) and H(p, q)."""
    fig = make_subplots(1, 2, shared_yaxes=True, subplot_titles=(
        f"p's own code: area H(p) = {entropy(p):.3f} bits", f"q's code: area H(p, q) = {cross_entropy(p, q):.3f} bits"))
    left = np.concatenate([[0], np.cumsum(p)[:-1]])
    for col, dist in ((1, p), (2, q)):
        with np.errstate(divide="ignore"):
            length = np.minimum(-np.log2(dist), 12)
        fig.add_bar(x=left + p / 2, y=length, width=p, marker_color=[OKABE_ITO[i] for i in range(len(p))],
                    marker_line=dict(color="white", width=1), text=list(SYMBOLS), textposition="inside",
                    customdata=np.stack([p, dist], 1), showlegend=False,
                    hovertemplate="p = %{customdata[0]:.3f}, code for %{customdata[1]:.3f}: "
                                  "%{y:.2f} bits<extra></extra>", row=1, col=col)
        fig.update_xaxes(range=[0, 1], title_text="probability p(x) (column width)", row=1, col=col)
    fig.update_yaxes(title_text="code length (bits)", row=1, col=1)
    return layout(fig, None, height).update_layout(margin=dict(t=40))


def areas_caption(p: np.ndarray, q: np.ndarray) -> str:
    h, ce, d, back = entropy(p), cross_entropy(p, q), kl(p, q), kl(q, p)
    return (f"H(p) = {h:.3f} bits, H(p, q) = {ce:.3f} bits, so coding p with q's code wastes KL(p‖q) = "
            f"{d:.3f} bits per symbol; the other way round KL(q‖p) = {back:.3f} bits"
            + (" (KL is not symmetric)." if abs(d - back) > 5e-4 else "."))


def bimodal(separation: float) -> np.ndarray:
    """p(x) on GRID: an even mixture of N(±separation/2, BUMP_STD²)."""
    g = lambda m: np.exp(-0.5 * ((GRID - m) / BUMP_STD) ** 2) / (BUMP_STD * np.sqrt(2 * np.pi))  # noqa: E731
    return 0.5 * g(-separation / 2) + 0.5 * g(separation / 2)


def fit_gaussian(separation: float, direction: str, start: float = 0.5, steps: int = 300,
                 lr: float = 0.08) -> tuple[float, float]:
    """(μ, σ) of the Gaussian q minimising KL(p‖q) ("forward") or KL(q‖p) ("reverse") on GRID, by Adam
    from μ = start, σ = 1. Forward KL's minimum is p's mean and standard deviation (moment matching)."""
    x = torch.tensor(GRID)
    dx = float(GRID[1] - GRID[0])
    p = torch.tensor(bimodal(separation)).clamp_min(1e-300)
    mu = torch.tensor(float(start), dtype=torch.float64, requires_grad=True)
    log_s = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([mu, log_s], lr=lr)
    for _ in range(steps):
        opt.zero_grad()
        log_q = -0.5 * ((x - mu) / log_s.exp()) ** 2 - log_s - 0.5 * np.log(2 * np.pi)
        if direction == "forward":
            loss = (p * (p.log() - log_q)).sum() * dx
        else:
            loss = (log_q.exp() * (log_q - p.log())).sum() * dx
        loss.backward()
        opt.step()
    return float(mu.detach()), float(log_s.detach().exp())


def kl_fits(separation: float, start: float) -> dict:
    return {"separation": separation, "p": bimodal(separation),
            "forward": fit_gaussian(separation, "forward", start), "reverse": fit_gaussian(separation, "reverse", start)}


def kl_figure(fits: dict, height: int = 340) -> go.Figure:
    fig = go.Figure()
    fig.add_scatter(x=GRID, y=fits["p"], mode="lines", name="p: two bumps", fill="tozeroy",
                    line=dict(color="gray"))
    for i, kind in enumerate(("forward", "reverse")):
        mu, s = fits[kind]
        q = np.exp(-0.5 * ((GRID - mu) / s) ** 2) / (s * np.sqrt(2 * np.pi))
        name = "forward KL(p‖q): covers" if kind == "forward" else "reverse KL(q‖p): seeks a mode"
        fig.add_scatter(x=GRID, y=q, mode="lines", name=f"{name} (μ = {_f(mu)}, σ = {s:.2f})",
                        line=dict(color=OKABE_ITO[i * 3], width=3))
    fig.update_xaxes(range=[-7, 7], title_text="x")
    fig.update_yaxes(title_text="density")
    fig.update_layout(legend=dict(orientation="h", y=-0.25))
    return layout(fig, "One Gaussian fitted to two bumps", height)


def _f(x: float) -> str:
    return f"{x:.2f}".replace("-0.00", "0.00")


def kl_caption(fits: dict) -> str:
    p, dx = fits["p"], GRID[1] - GRID[0]
    mean = float((GRID * p).sum() * dx)
    std = float(np.sqrt(((GRID - mean) ** 2 * p).sum() * dx))
    (mf, sf), (mr, sr) = fits["forward"], fits["reverse"]
    mf, mr, mean = (round(v, 2) + 0.0 for v in (mf, mr, mean))
    return (f"Bumps at ±{fits['separation'] / 2:g} (std {BUMP_STD}). Forward KL gives μ = {_f(mf)}, σ = {sf:.2f}: "
            f"p's own mean {_f(mean)} and std {std:.2f} (moment matching), mass wherever p has some. Reverse KL "
            f"gives μ = {_f(mr)}, σ = {sr:.2f}: it pays for q's mass where p has none, so "
            + ("it sits on one bump." if abs(mr) > fits["separation"] / 4 and sr < std * 0.8 else
               "here, with the bumps this close, it still covers both."))
