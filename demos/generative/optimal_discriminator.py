"""The optimal discriminator in 1-D: for a fixed generator the best D is D*(x) = p_data / (p_data + p_g),
and there the game's value is -log 4 + 2 JSD(p_data || p_g) (Goodfellow et al. 2014, Prop. 1 and
Thm. 1); a discriminator trained against a frozen generator approaches it ("Optimal discriminator" tab)."""
from __future__ import annotations

import math
from typing import Callable

import numpy as np
import plotly.graph_objects as go
import torch

from demos.generative.losses import d_loss, mlp
from demos.plots import OKABE_ITO, layout


# ---------------------------------------------------------------- the closed form
def gaussian_pdf(x: np.ndarray, mean: float, std: float) -> np.ndarray:
    return np.exp(-0.5 * ((x - mean) / std) ** 2) / (std * math.sqrt(2 * math.pi))


def optimal_discriminator(p_data: np.ndarray, p_g: np.ndarray) -> np.ndarray:
    """D*(x) = p_data(x) / (p_data(x) + p_g(x)): the discriminator that maximises
    E_data[log D] + E_g[log(1 - D)] for a fixed generator (Goodfellow et al. 2014, Prop. 1)."""
    return p_data / np.maximum(p_data + p_g, 1e-300)


def jensen_shannon(p: np.ndarray, q: np.ndarray, dx: float) -> float:
    """JSD(p || q) in nats of two densities sampled on a uniform grid of step dx."""
    m = (p + q) / 2

    def kl(a: np.ndarray, b: np.ndarray) -> float:
        mask = a > 1e-300
        return float(np.sum(a[mask] * np.log(a[mask] / np.maximum(b[mask], 1e-300))) * dx)

    return 0.5 * kl(p, m) + 0.5 * kl(q, m)


# ---------------------------------------------------------------- a trained discriminator beside it
D1_RANGE = (-4.0, 6.0)  # the 1-D axis shown


def train_discriminator_1d(fake_mean: float, fake_std: float, steps: int = 1000, seed: int = 0,
                           on_progress: Callable[[float], None] | None = None) -> dict[str, np.ndarray]:
    """Train a discriminator (1 -> 32 -> 32 -> 1 MLP, Adam, BCE) to tell N(0, 1) "data" from
    N(fake_mean, fake_std^2) "fakes" with a fixed generator, and return it on a grid next to the
    closed form on the drawn axis: {"x", "p_data", "p_g", "d_trained", "d_star"}, and the value V(D, G) of
    each and JSD(p_data || p_g), integrated over both densities' whole support."""
    gen = torch.Generator().manual_seed(seed)
    D = mlp([1, 32, 32, 1], gen)
    opt = torch.optim.Adam(D.parameters(), lr=3e-3, foreach=True)
    for i in range(steps):
        real = torch.randn(512, 1, generator=gen)
        fake = fake_mean + fake_std * torch.randn(512, 1, generator=gen)
        loss = d_loss("nonsaturating", D(real), D(fake))
        opt.zero_grad()
        loss.backward()
        opt.step()
        if on_progress is not None and (i + 1) % 100 == 0:
            on_progress((i + 1) / steps)
    x = np.linspace(*D1_RANGE, 501)  # the axis drawn
    # the integrals run over both densities' support (±10 std around each mean, where the tails hold
    # under 1e-22 of the mass), not over the axis drawn: with fake_mean = -2 and fake_std = 2 a quarter
    # of p_g lies left of -4, and a sum over the drawn axis alone gave V(D*) = -0.938 and JSD 0.170,
    # which break V = -log 4 + 2 JSD (the true JSD is 0.224)
    lo, hi = min(-10.0, fake_mean - 10 * fake_std), max(10.0, fake_mean + 10 * fake_std)
    xs = np.linspace(lo, hi, 40_001)
    with torch.no_grad():
        d_all = D(torch.as_tensor(np.concatenate([x, xs]), dtype=torch.float32)[:, None]).sigmoid().squeeze(1).numpy()
    d, d_wide = d_all[:len(x)], d_all[len(x):].astype(np.float64)
    p, q = gaussian_pdf(x, 0.0, 1.0), gaussian_pdf(x, fake_mean, fake_std)
    pw, qw = gaussian_pdf(xs, 0.0, 1.0), gaussian_pdf(xs, fake_mean, fake_std)
    dx = xs[1] - xs[0]

    def value(dd: np.ndarray) -> float:  # V(D, G) = E_data[log D] + E_g[log(1 - D)] = ∫ p log D + p_g log(1 - D)
        dd = np.clip(dd, 1e-7, 1 - 1e-7)
        return float(np.sum(pw * np.log(dd) + qw * np.log(1 - dd)) * dx)

    return {"x": x, "p_data": p, "p_g": q, "d_trained": d, "d_star": optimal_discriminator(p, q),
            "v_trained": value(d_wide), "v_star": value(optimal_discriminator(pw, qw)), "jsd": jensen_shannon(pw, qw, dx)}


def optimal_discriminator_figure(r: dict, height: int = 340) -> go.Figure:
    """The two densities, the closed-form D* and the trained discriminator on one axis."""
    fig = go.Figure([
        go.Scatter(x=r["x"], y=r["p_data"], name="p_data = N(0, 1)", fill="tozeroy", line=dict(color="#555555")),
        go.Scatter(x=r["x"], y=r["p_g"], name="p_g (generator)", fill="tozeroy", line=dict(color=OKABE_ITO[1])),
        go.Scatter(x=r["x"], y=r["d_star"], name="D* = p_data / (p_data + p_g)", line=dict(color=OKABE_ITO[0], width=4)),
        go.Scatter(x=r["x"], y=r["d_trained"], name="trained D", line=dict(color=OKABE_ITO[3], width=2, dash="dash")),
    ])
    fig.update_xaxes(title="x")
    fig.update_yaxes(title="density / probability", range=[0, 1.05])
    fig.update_layout(legend=dict(orientation="h", y=-0.3))
    return layout(fig, None, height)


def optimal_caption(r: dict) -> str:
    busy = (r["p_data"] > 0.05) | (r["p_g"] > 0.05)
    gap = float(np.abs(r["d_trained"] - r["d_star"])[busy].max())
    return (f"Where either density exceeds 0.05 the trained discriminator is within {gap:.2f} of D* (it only "
            f"learns where it sees samples). "
            f"V(D*, G) = {r['v_star']:.3f} = −log 4 + 2·JSD = {-math.log(4):.3f} + 2 × {r['jsd']:.3f}; the trained "
            f"D reaches {r['v_trained']:.3f} (D* is the maximum). With p_g = p_data, D* = ½ everywhere and V = −log 4.")
