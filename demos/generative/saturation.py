"""Saturation: the minimax generator loss log(1 - D(G(z))) passes on D(G(z)) of the logit's gradient,
which vanishes while D rejects the fakes; the non-saturating -log D(G(z)) passes on 1 - D(G(z))
(Goodfellow et al. 2014, section 3). Measured from one start with both losses, drawn as the two
curves, and read off the hero's own run ("Saturation" tab)."""
from __future__ import annotations

from typing import Callable

import numpy as np
import plotly.graph_objects as go
import torch
from plotly.subplots import make_subplots

from demos.generative.gan_2d import BATCH_2D, N_EVAL, smooth_curve
from demos.generative.losses import LOSSES, d_loss, g_loss_per_sample, mlp
from demos.generative.targets import sample_target, skeleton
from demos.plots import OKABE_ITO, layout, line_chart, log_x_marker
from demos.replay import Recording


# ---------------------------------------------------------------- both losses from the same start
def saturation_experiment(target: str = "ring", seed: int = 0, steps: int = 300, head_start: int = 100,
                          sgd_lr: float = 0.002, on_progress: Callable[[float], None] | None = None) -> dict:
    """The saturating loss's vanishing gradient, measured: D first learns for `head_start` steps to
    reject the untrained generator's points; then the same G and D continue twice, once with the
    minimax loss and once with the non-saturating one, G updated by plain SGD (no per-parameter
    rescaling that would hide a small gradient). Returns per loss: "g_grad" per step (mean per-point
    norm of dL_G/dx), "d_fake" per step (mean D(G(z))), and "distance" (mean distance of N_EVAL
    generated points to the target's skeleton) every 10 steps."""
    gen = torch.Generator().manual_seed(seed)
    G, D = mlp([2, 128, 128, 2], gen), mlp([2, 128, 128, 1], gen)
    opt_d = torch.optim.Adam(D.parameters(), lr=1e-3, betas=(0.5, 0.9))
    for _ in range(head_start):
        real = sample_target(target, BATCH_2D, gen)
        with torch.no_grad():
            fake = G(torch.randn(BATCH_2D, 2, generator=gen))
        ld = d_loss("minimax", D(real), D(fake))
        opt_d.zero_grad()
        ld.backward()
        opt_d.step()
    start = ({k: v.clone() for k, v in G.state_dict().items()}, {k: v.clone() for k, v in D.state_dict().items()},
             opt_d.state_dict())
    pts = skeleton(target)[0]
    z_eval = torch.randn(N_EVAL, 2, generator=torch.Generator().manual_seed(seed + 1))
    out = {}
    for n, loss in enumerate(("minimax", "nonsaturating")):
        G.load_state_dict(start[0])
        D.load_state_dict(start[1])
        opt_d = torch.optim.Adam(D.parameters(), lr=1e-3, betas=(0.5, 0.9))
        opt_d.load_state_dict(start[2])
        opt_g = torch.optim.SGD(G.parameters(), lr=sgd_lr)
        g2 = torch.Generator().manual_seed(seed + 2)  # both runs see the same batches
        curves: dict[str, list[float]] = {"g_grad": [], "d_fake": [], "distance": [], "distance_step": []}
        for i in range(steps + 1):
            if i % 10 == 0:
                with torch.no_grad():
                    f = G(z_eval).numpy()
                curves["distance"].append(float(np.linalg.norm(f[:, None] - pts[None], axis=2).min(1).mean()))
                curves["distance_step"].append(i)
            if i == steps:
                break
            real = sample_target(target, BATCH_2D, g2)
            with torch.no_grad():
                fake = G(torch.randn(BATCH_2D, 2, generator=g2))
            ld = d_loss(loss, D(real), D(fake))
            opt_d.zero_grad()
            ld.backward()
            opt_d.step()
            fake = G(torch.randn(BATCH_2D, 2, generator=g2))
            fake.retain_grad()
            logits = D(fake).squeeze(1)
            lg = g_loss_per_sample(loss, logits).mean()
            opt_g.zero_grad()
            lg.backward()
            opt_g.step()
            curves["g_grad"].append((fake.grad.norm(dim=1) * BATCH_2D).mean().item())
            curves["d_fake"].append(logits.detach().sigmoid().mean().item())
            if on_progress is not None and (i + 1) % 50 == 0:
                on_progress((n * steps + i + 1) / (2 * steps))
        out[loss] = {k: np.asarray(v) for k, v in curves.items()}
    return out


def saturation_experiment_figure(r: dict, height: int = 320) -> go.Figure:
    """Both losses after the same discriminator head start: the gradient each generated point gets
    (log scale) and how far the points are from the data."""
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.12,
                        subplot_titles=("|∂L_G/∂x| per generated point", "distance of generated points to the data"))
    for i, loss in enumerate(("minimax", "nonsaturating")):
        c = r[loss]
        colour = OKABE_ITO[3] if loss == "minimax" else OKABE_ITO[0]
        fig.add_trace(go.Scatter(x=np.arange(1, len(c["g_grad"]) + 1), y=c["g_grad"], name=LOSSES[loss],
                                 line=dict(color=colour, width=2)), 1, 1)
        fig.add_trace(go.Scatter(x=c["distance_step"], y=c["distance"], name=LOSSES[loss], showlegend=False,
                                 line=dict(color=colour, width=3)), 1, 2)
    fig.update_yaxes(type="log", exponentformat="power", row=1, col=1)
    fig.update_xaxes(title="generator step (plain SGD)")
    fig.update_layout(legend=dict(orientation="h", y=-0.3))
    return layout(fig, None, height)


def how_much(ratio: float) -> str:
    """How one gradient compares with another as a reader can check it: "4.0× as much", "1.16× as much",
    "only 0.81× as much" (less, said so), "about as much" within 0.5 %."""
    if abs(ratio - 1) < 0.005:
        return "about as much"
    number = f"{ratio:,.0f}" if ratio >= 100 else f"{ratio:.3g}"
    return f"{number}× as much" if ratio > 1 else f"only {number}× as much"


def saturation_experiment_caption(r: dict) -> str:
    mm, ns = r["minimax"], r["nonsaturating"]
    w = max(1, len(mm["g_grad"]) // 10)
    ratio = ns["g_grad"][:w].mean() / max(mm["g_grad"][:w].mean(), 1e-30)
    return (f"After the discriminator's head start it gives the generated points D(G(z)) ≈ {mm['d_fake'][0]:.1e}. Over "
            f"the first {w} steps the minimax loss hands each point a gradient of {mm['g_grad'][:w].mean():.1e}, the "
            f"non-saturating loss {ns['g_grad'][:w].mean():.1e} ({how_much(ratio)}). Moved by plain SGD, the minimax "
            f"generator's points {went(mm['distance'][0], mm['distance'][-1])} from the data, the "
            f"non-saturating ones to {ns['distance'][-1]:.2f}.")


def went(start: float, end: float) -> str:
    """"go from 1.72 to 0.85", or, where two decimals cannot tell them apart, "stay at 1.72 (moved by 3.1e-04)"."""
    if f"{start:.2f}" == f"{end:.2f}":
        return f"stay at {start:.2f} (moved by {abs(end - start):.1e})"
    return f"go from {start:.2f} to {end:.2f}"


# ---------------------------------------------------------------- the logit's gradient, against D(G(z))
def early_d_fake(rec: Recording) -> float | None:
    """Mean D(G(z)) over the first 5% of the run: None before any step, and for the critic losses
    (WGAN-GP, hinge), whose sigmoid is not D's belief (the curves below do not apply to them)."""
    d = rec.curves.get("d_fake", np.zeros(0))
    if rec.meta.get("loss") not in ("minimax", "nonsaturating") or not len(d):
        return None
    return float(d[:max(1, len(d) // 20)].mean())


def saturation_figure(d_fake_early: float | None, height: int = 330) -> go.Figure:
    """How much of the logit's gradient each generator loss passes on, against D(G(z)):
    |d/da log(1 - sigmoid(a))| = D(G(z)) (minimax) and |d/da -log sigmoid(a)| = 1 - D(G(z))."""
    p = np.logspace(-4, np.log10(0.9999), 300)
    fig = go.Figure([go.Scatter(x=p, y=p, name="minimax: log(1 − D)", line=dict(color=OKABE_ITO[3], width=3)),
                     go.Scatter(x=p, y=1 - p, name="non-saturating: −log D", line=dict(color=OKABE_ITO[0], width=3))])
    if d_fake_early is not None:
        log_x_marker(fig, d_fake_early, "this run, first 5% of steps")
    fig.update_xaxes(type="log", title="D(G(z)): the discriminator's belief that a fake is real", range=[-4, 0])
    fig.update_yaxes(title="|∂L_G / ∂logit|", range=[0, 1.05])
    fig.update_layout(legend=dict(orientation="h", y=-0.35))
    return layout(fig, None, height)


def saturation_caption(early: float | None, loss: str) -> str:
    if loss not in ("minimax", "nonsaturating") or early is None:
        return (f"For the two cross-entropy losses: the minimax loss passes on D(G(z)) of the logit's gradient, "
                f"which vanishes when D rejects fakes confidently; {LOSSES.get(loss, loss)} scores fakes with an "
                "unbounded critic instead, so this curve does not apply to it.")
    return (f"Early in this run D(G(z)) averaged {early:.3f}: there the minimax loss passes on {early:.3f} of the "
            f"logit's gradient and the non-saturating loss {1 - early:.3f}, {how_much((1 - early) / max(early, 1e-12))}. "
            "Both losses have the same fixed point; only the strength of the early signal differs.")


# ---------------------------------------------------------------- the gradient measured in the hero's run
def gradient_figure(rec: Recording, height: int = 280) -> go.Figure:
    """The mean gradient norm each generated point received, per step (smoothed, log scale)."""
    steps, grad = smooth_curve(rec.curves.get("g_grad", np.zeros(0)))
    return line_chart(steps, {"mean |∂L_G/∂x| per generated point": grad}, None, "step",
                      "gradient norm (log)", height=height, log_y=True)


def gradient_caption(rec: Recording) -> str:
    g = rec.curves.get("g_grad", np.zeros(0))
    if len(g) < 2:
        return "No generator step has run yet."
    w = max(1, len(g) // 20)
    first, last = float(g[:w].mean()), float(g[-w:].mean())
    return (f"Measured in this run ({LOSSES[rec.meta['loss']]}): over the first {w:,} steps each generated point "
            f"received a gradient of norm {first:.2g} on average, over the last {w:,} steps {last:.2g} "
            f"({last / max(first, 1e-12):.2g}×).")
