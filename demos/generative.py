"""Generative models: a GAN trained live in 2-D (Goodfellow et al. 2014; the non-saturating loss; WGAN-GP,
Gulrajani et al. 2017; hinge, Lim & Ye 2017) and replayed, and the optimal discriminator against its
closed form in 1-D. The digit GAN and the VAEs are `demos.digit_generators`.

Every random step takes a seed or a `torch.Generator`; networks are initialised from it too, so a run
is reproducible even while other sessions train in other threads.
"""
from __future__ import annotations

import math
from typing import Callable

import numpy as np
import plotly.graph_objects as go
import torch
import torch.nn.functional as F
from plotly.subplots import make_subplots
from torch import nn

from demos.plots import OKABE_ITO, _layout
from demos.replay import Recording, animate, record

# ---------------------------------------------------------------- 2-D targets
TARGETS = {"ring": "Ring of 8 Gaussians", "grid": "Grid of 25 Gaussians", "moons": "Two moons",
           "spiral": "Spiral", "line": "A line"}  # name -> title
LOSSES = {"minimax": "Minimax (saturating)", "nonsaturating": "Non-saturating", "wgan_gp": "WGAN-GP",
          "hinge": "Hinge"}  # name -> title
BOX = 3.0  # the plane shown and sampled: [-BOX, BOX]^2
NOISE = 0.1  # std of the Gaussian noise of every target (mixture components and curves)
REGIONS = {"ring": 8, "grid": 25, "moons": 8, "spiral": 8, "line": 8}  # parts a generator must cover
LEARNING_RATES = ("0.0001", "0.0002", "0.0005", "0.001", "0.002", "0.005", "0.01")  # Adam, for G and D
DEFAULTS = {"target": "ring", "loss": "nonsaturating", "lr_g": "0.001", "lr_d": "0.001", "d_steps": 1,
            "latent": 2, "width": 128, "iters": 2000}  # the page's controls (URL keys) and defaults
PRESETS = {  # name -> (title, what the controls are set to; the rest stays at DEFAULTS)
    "healthy": ("Healthy", {}),
    "collapse": ("Mode collapse", {"lr_g": "0.001", "lr_d": "0.0001"}),
    "cure": ("Cure: D keeps up", {"lr_g": "0.001", "lr_d": "0.0001", "d_steps": 5}),
}
GRID = 40  # the discriminator heatmap is GRID x GRID points
N_SHOW, N_ARROWS, N_EVAL = 256, 64, 1000  # fakes drawn, of which with arrows; fakes scored per frame


def skeleton(target: str) -> tuple[np.ndarray, np.ndarray]:
    """Noise-free points of a target and the region (mode, or curve segment) each belongs to:
    (points (M, 2), regions (M,)). Mixtures: their centres; curves: 800 points along the curve."""
    if target == "ring":
        a = np.arange(8) * 2 * np.pi / 8
        return np.stack([2 * np.cos(a), 2 * np.sin(a)], 1), np.arange(8)
    if target == "grid":
        g = np.arange(-2.0, 3.0)
        return np.stack(np.meshgrid(g, g), -1).reshape(-1, 2), np.arange(25)
    t = np.linspace(0, 1, 800, endpoint=False) + 0.5 / 800
    if target == "moons":  # two interleaved half circles, 4 segments each
        half = t < 0.5
        u = np.where(half, t * 2, t * 2 - 1) * np.pi
        pts = np.where(half[:, None], np.stack([np.cos(u), np.sin(u)], 1),
                       np.stack([1 - np.cos(u), 0.5 - np.sin(u)], 1))
        pts = (pts - [0.5, 0.25]) * 1.6
    elif target == "spiral":  # one and a half turns, radius growing to 2.5
        r, a = 0.3 + 2.2 * t, 3 * np.pi * t
        pts = np.stack([r * np.cos(a), r * np.sin(a)], 1)
    elif target == "line":
        pts = np.stack([-2 + 4 * t, -1.5 + 3 * t], 1)
    else:
        raise ValueError(f"unknown target {target!r}; one of {', '.join(TARGETS)}")
    return pts, np.minimum((t * 8).astype(int), 7)


def sample_target(target: str, n: int, generator: torch.Generator) -> torch.Tensor:
    """n points (n, 2) from a target: a skeleton point chosen uniformly, plus N(0, NOISE^2) noise."""
    pts = torch.as_tensor(skeleton(target)[0], dtype=torch.float32)
    idx = torch.randint(len(pts), (n,), generator=generator)
    return pts[idx] + NOISE * torch.randn(n, 2, generator=generator)


def preset_values(name: str) -> dict:
    """Every control's value under a preset."""
    return DEFAULTS | PRESETS[name][1]


def matching_preset(values: dict) -> str | None:
    """The preset whose settings the controls hold now, if any."""
    return next((n for n in PRESETS if all(values.get(k) == v for k, v in preset_values(n).items())), None)


def coverage(target: str, fakes: np.ndarray) -> tuple[int, float]:
    """(regions captured, quality) of generated points. A fake is good when it lies within 3 NOISE
    of the target's skeleton; a region is captured when it holds at least a quarter of its fair
    share of all fakes (N / (4 K) good fakes; Srivastava et al. 2017 count modes similarly)."""
    pts, regions = skeleton(target)
    d = np.linalg.norm(fakes[:, None, :] - pts[None], axis=2)  # (N, M)
    nearest = d.argmin(1)
    good = d[np.arange(len(fakes)), nearest] <= 3 * NOISE
    k = REGIONS[target]
    counts = np.bincount(regions[nearest[good]], minlength=k)
    return int((counts >= len(fakes) / (4 * k)).sum()), float(good.mean())


# ---------------------------------------------------------------- 2-D GAN
def mlp(sizes: list[int], generator: torch.Generator) -> nn.Sequential:
    """Linear layers with LeakyReLU(0.2) between them, initialised like torch's default
    (U(-1/sqrt(fan_in), 1/sqrt(fan_in))) but from `generator`."""
    layers: list[nn.Module] = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        lin = nn.Linear(a, b)
        bound = 1 / math.sqrt(a)
        with torch.no_grad():
            lin.weight.uniform_(-bound, bound, generator=generator)
            lin.bias.uniform_(-bound, bound, generator=generator)
        layers += [lin, nn.LeakyReLU(0.2)] if i < len(sizes) - 2 else [lin]
    return nn.Sequential(*layers)


def d_loss(loss: str, real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
    """The discriminator's loss on its raw outputs a (D(x) = sigmoid(a) for the first two):
    minimax / non-saturating: -log D(x) - log(1 - D(G(z))) (binary cross-entropy);
    hinge: relu(1 - a_real) + relu(1 + a_fake); WGAN: a_fake - a_real (plus the penalty)."""
    if loss in ("minimax", "nonsaturating"):
        return F.softplus(-real_logits).mean() + F.softplus(fake_logits).mean()
    if loss == "hinge":
        return F.relu(1 - real_logits).mean() + F.relu(1 + fake_logits).mean()
    if loss == "wgan_gp":
        return fake_logits.mean() - real_logits.mean()
    raise ValueError(f"unknown loss {loss!r}; one of {', '.join(LOSSES)}")


def g_loss_per_sample(loss: str, fake_logits: torch.Tensor) -> torch.Tensor:
    """The generator's loss for each fake: minimax log(1 - D(G(z))) (saturates when D(G(z)) -> 0),
    non-saturating -log D(G(z)), hinge and WGAN -a (the critic's score, negated)."""
    if loss == "minimax":
        return -F.softplus(fake_logits)  # log(1 - sigmoid(a)) = -softplus(a)
    if loss == "nonsaturating":
        return F.softplus(-fake_logits)  # -log sigmoid(a) = softplus(-a)
    if loss in ("hinge", "wgan_gp"):
        return -fake_logits
    raise ValueError(f"unknown loss {loss!r}; one of {', '.join(LOSSES)}")


def gradient_penalty(critic: nn.Module, real: torch.Tensor, fake: torch.Tensor,
                     generator: torch.Generator) -> torch.Tensor:
    """WGAN-GP: E[(||grad_x critic(x_hat)|| - 1)^2] on random points between real and fake."""
    eps = torch.rand(len(real), 1, generator=generator)
    x = (eps * real + (1 - eps) * fake).requires_grad_(True)
    (grad,) = torch.autograd.grad(critic(x).sum(), x, create_graph=True)
    return ((grad.norm(dim=1) - 1) ** 2).mean()


GP_WEIGHT = 0.1  # WGAN-GP penalty weight (the paper's 2-D toy experiments use 0.1; images use 10)
BATCH_2D = 128  # real and fake points per step


def train_gan_2d(target: str = "ring", loss: str = "nonsaturating", lr_g: float = 1e-3,
                 lr_d: float = 1e-3, d_steps: int = 1, latent: int = 2, width: int = 128,
                 iterations: int = 2000, seed: int = 0, n_frames: int = 60,
                 on_progress: Callable[[float], None] | None = None) -> Recording:
    """Train a GAN on a 2-D target and record it: generator latent -> width -> width -> 2, discriminator
    2 -> width -> width -> 1 (LeakyReLU), Adam(beta = 0.5, 0.9), `d_steps` discriminator steps per
    generator step. Frames: D's output on a GRID x GRID plane ("d"), N_SHOW fakes from fixed noise
    ("fake"), the direction each of the first N_ARROWS wants to move, -dL_G/dx ("arrows"), and
    coverage ("regions", "quality"). Curves per step: d_loss, g_loss, g_grad (mean per-fake norm of
    dL_G/dx: the signal the generator gets) and d_fake (mean sigmoid of D's output on the fakes)."""
    gen = torch.Generator().manual_seed(seed)
    G, D = mlp([latent, width, width, 2], gen), mlp([2, width, width, 1], gen)
    opt_g = torch.optim.Adam(G.parameters(), lr=lr_g, betas=(0.5, 0.9), fused=True)
    opt_d = torch.optim.Adam(D.parameters(), lr=lr_d, betas=(0.5, 0.9), fused=True)
    z_show = torch.randn(max(N_SHOW, N_EVAL), latent, generator=torch.Generator().manual_seed(seed + 1))
    axis = torch.linspace(-BOX, BOX, GRID)
    plane = torch.stack(torch.meshgrid(axis, axis, indexing="xy"), -1).reshape(-1, 2)  # row = y, col = x

    def step(i: int) -> dict[str, float]:
        for _ in range(d_steps):
            real = sample_target(target, BATCH_2D, gen)
            with torch.no_grad():
                fake = G(torch.randn(BATCH_2D, latent, generator=gen))
            ld = d_loss(loss, D(real), D(fake))
            if loss == "wgan_gp":
                ld = ld + GP_WEIGHT * gradient_penalty(D, real, fake, gen)
            opt_d.zero_grad()
            ld.backward()
            opt_d.step()
        fake = G(torch.randn(BATCH_2D, latent, generator=gen))
        fake.retain_grad()
        logits = D(fake).squeeze(1)
        lg = g_loss_per_sample(loss, logits).mean()
        opt_g.zero_grad()
        lg.backward()
        opt_d.zero_grad()  # the G step also filled D's gradients; D's next step starts clean
        opt_g.step()
        return {"d_loss": ld.item(), "g_loss": lg.item(),
                "g_grad": (fake.grad.norm(dim=1) * BATCH_2D).mean().item(),
                "d_fake": logits.detach().sigmoid().mean().item()}

    latest: dict = {"step": 0}

    def snapshot() -> dict[str, np.ndarray]:
        with torch.no_grad():
            out = D(plane).reshape(GRID, GRID)
            shown = out.sigmoid() if loss != "wgan_gp" else out - out.mean()
            fakes = G(z_show)
        x = fakes[:N_ARROWS].clone().requires_grad_(True)
        (grad,) = torch.autograd.grad(g_loss_per_sample(loss, D(x).squeeze(1)).sum(), x)
        regions, quality = coverage(target, fakes[:N_EVAL].numpy())
        latest["frame"] = {"d": shown.numpy().astype(np.float32), "fake": fakes[:N_SHOW].numpy().astype(np.float32),
                           "arrows": (-grad).numpy().astype(np.float32), "regions": np.int64(regions),
                           "quality": np.float32(quality)}
        return latest["frame"]

    def step_and_count(i: int) -> dict[str, float]:
        if i == 1:
            progress(0.0)  # the untrained state is worth drawing at once
        latest["step"] = i
        return step(i)

    def progress(fraction: float) -> None:  # the latest frame goes with it, to be drawn while training runs
        if on_progress is not None:
            on_progress(fraction, {"step": latest["step"], "frame": latest["frame"]})

    return record(step_and_count, snapshot, iterations, n_frames, progress,
                  meta={"target": target, "loss": loss, "seed": seed, "iterations": iterations})


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


# ---------------------------------------------------------------- the optimal discriminator (1-D)
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


D1_RANGE = (-4.0, 6.0)  # the 1-D axis shown


def train_discriminator_1d(fake_mean: float, fake_std: float, steps: int = 1000, seed: int = 0,
                           on_progress: Callable[[float], None] | None = None) -> dict[str, np.ndarray]:
    """Train a discriminator (1 -> 32 -> 32 -> 1 MLP, Adam, BCE) to tell N(0, 1) "data" from
    N(fake_mean, fake_std^2) "fakes" with a fixed generator, and return it on a grid next to the
    closed form: {"x", "p_data", "p_g", "d_trained", "d_star"} and the value V(D, G) of each."""
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
    x = np.linspace(*D1_RANGE, 501)
    with torch.no_grad():
        d = D(torch.as_tensor(x, dtype=torch.float32)[:, None]).sigmoid().squeeze(1).numpy()
    p, q = gaussian_pdf(x, 0.0, 1.0), gaussian_pdf(x, fake_mean, fake_std)
    star, dx = optimal_discriminator(p, q), x[1] - x[0]

    def value(dd: np.ndarray) -> float:  # V(D, G) = E_data[log D] + E_g[log(1 - D)], on the grid
        dd = np.clip(dd, 1e-7, 1 - 1e-7)
        return float(np.sum(p * np.log(dd) + q * np.log(1 - dd)) * dx)

    return {"x": x, "p_data": p, "p_g": q, "d_trained": d, "d_star": star,
            "v_trained": value(d), "v_star": value(star), "jsd": jensen_shannon(p, q, dx)}


# ---------------------------------------------------------------- figures
ARROW_LENGTH = 0.6  # the longest arrow of a recording (its 95th percentile), in plane units


def smooth_curve(values: np.ndarray, points: int = 200) -> tuple[np.ndarray, np.ndarray]:
    """(steps, values): a running mean over a window of ~1% of the run, kept at <= `points` points."""
    n = len(values)
    if n == 0:
        return np.zeros(0, dtype=int), np.zeros(0)
    w = max(1, n // 100)
    smooth = np.convolve(values, np.ones(w) / w, mode="full")[:n] * w / np.minimum(np.arange(1, n + 1), w)
    idx = np.unique(np.linspace(0, n - 1, min(points, n)).astype(int))
    return idx + 1, smooth[idx]


def arrow_segments(fakes: np.ndarray, arrows: np.ndarray, scale: float) -> tuple[np.ndarray, np.ndarray]:
    """x and y of line segments fake -> fake + scale * arrow, separated by NaN (one trace)."""
    tips = fakes + np.clip(scale * arrows, -4 * ARROW_LENGTH, 4 * ARROW_LENGTH)
    seg = np.stack([fakes, tips, np.full_like(fakes, np.nan)], 1)  # (N, 3, 2)
    return seg[..., 0].ravel(), seg[..., 1].ravel()


def gan_2d_figure(rec: Recording, height: int = 470, player: bool = True) -> go.Figure:
    """The replayable hero: D's output under real (dark) and generated (orange) points with the
    generator's gradient arrows, the two losses, and coverage over training (player=False: the last
    frame only, without the play button and slider)."""
    target, loss = rec.meta["target"], rec.meta["loss"]
    k = REGIONS[target]
    fig = make_subplots(rows=2, cols=2, specs=[[{"rowspan": 2}, {}], [None, {}]], column_widths=[0.55, 0.45],
                        horizontal_spacing=0.09, vertical_spacing=0.2,
                        subplot_titles=("", "Losses", "Coverage"))
    axis = np.linspace(-BOX, BOX, GRID)
    wgan = loss == "wgan_gp"
    d = rec.frames["d"]
    if wgan:  # a critic's score has no fixed range: each frame scaled to [-1, 1], then to [0, 1]
        d = (d / np.maximum(np.abs(d).reshape(len(d), -1).max(1), 1e-9)[:, None, None] + 1) / 2
    d = np.round(np.clip(d, 0, 1) * 255).astype(np.uint8)  # 1 byte a cell: a quarter of the replay's size
    ticks = ["−1", "0", "+1"] if wgan else ["0", "0.5", "1"]
    fig.add_trace(go.Heatmap(x=axis, y=axis, z=d[-1], zmin=0, zmax=255, colorscale="RdBu", zsmooth="best",
                             showscale=True, hoverinfo="skip",
                             colorbar=dict(title="critic" if wgan else "D(x)", len=0.5, x=0.5, y=0.78, thickness=10,
                                           tickvals=[0, 127.5, 255], ticktext=ticks)), 1, 1)
    real = sample_target(target, 500, torch.Generator().manual_seed(12345)).numpy()
    fig.add_trace(go.Scatter(x=real[:, 0], y=real[:, 1], mode="markers", name="real",
                             marker=dict(size=4, color="#000000", opacity=0.45), hoverinfo="skip"), 1, 1)
    fake = rec.frames["fake"]
    fig.add_trace(go.Scatter(x=fake[-1, :, 0], y=fake[-1, :, 1], mode="markers", name="generated",
                             marker=dict(size=6, color=OKABE_ITO[1], line=dict(width=0.5, color="#000000")),
                             hoverinfo="skip"), 1, 1)
    arrows = rec.frames["arrows"]
    norms = np.linalg.norm(arrows, axis=2)
    scale = ARROW_LENGTH / max(float(np.percentile(norms, 95)), 1e-12)
    segs = [arrow_segments(fake[f, :N_ARROWS], arrows[f], scale) for f in range(rec.n_frames)]
    fig.add_trace(go.Scatter(x=segs[-1][0], y=segs[-1][1], mode="lines", name="G's gradient",
                             line=dict(color=OKABE_ITO[2], width=2), hoverinfo="skip"), 1, 1)
    curves = {n: smooth_curve(rec.curves.get(n, np.zeros(0))) for n in ("d_loss", "g_loss")}
    for i, (name, label) in enumerate((("d_loss", "D loss"), ("g_loss", "G loss"))):
        fig.add_trace(go.Scatter(x=curves[name][0], y=curves[name][1], mode="lines", name=label,
                                 line=dict(color=OKABE_ITO[[0, 3][i]], width=2)), 1, 2)
    steps = rec.steps
    regions, quality = rec.frames["regions"] / k, rec.frames["quality"]
    fig.add_trace(go.Scatter(x=steps, y=regions, mode="lines+markers", name=f"regions (of {k})",
                             line=dict(color=OKABE_ITO[4], width=2), marker=dict(size=4)), 2, 2)
    fig.add_trace(go.Scatter(x=steps, y=quality, mode="lines", name="quality",
                             line=dict(color=OKABE_ITO[5], width=2, dash="dot")), 2, 2)
    frames = []
    for f, s in enumerate(steps):
        upto = {n: curves[n][0] <= s for n in curves}
        frames.append({0: {"z": d[f]}, 2: {"x": fake[f, :, 0], "y": fake[f, :, 1]},
                       3: {"x": segs[f][0], "y": segs[f][1]},
                       4: {"x": curves["d_loss"][0][upto["d_loss"]], "y": curves["d_loss"][1][upto["d_loss"]]},
                       5: {"x": curves["g_loss"][0][upto["g_loss"]], "y": curves["g_loss"][1][upto["g_loss"]]},
                       6: {"x": steps[:f + 1], "y": regions[:f + 1]}, 7: {"x": steps[:f + 1], "y": quality[:f + 1]}})
    fig.update_xaxes(range=[-BOX, BOX], row=1, col=1, showgrid=False, zeroline=False, showticklabels=False,
                     constrain="domain")
    fig.update_yaxes(range=[-BOX, BOX], row=1, col=1, showgrid=False, zeroline=False, showticklabels=False,
                     scaleanchor="x", constrain="domain")
    top = max(int(steps[-1]), 1)
    fig.update_xaxes(range=[0, top], row=1, col=2)
    fig.update_xaxes(range=[0, top], row=2, col=2)
    lo = min([float(np.nanmin(c[1])) for c in curves.values() if len(c[1])] or [0.0])
    hi = max([float(np.nanmax(c[1])) for c in curves.values() if len(c[1])] or [1.0])
    fig.update_yaxes(range=[lo - 0.05 * (hi - lo + 1e-9), hi + 0.05 * (hi - lo + 1e-9)], row=1, col=2)
    fig.update_yaxes(range=[0, 1.05], tickformat=".0%", row=2, col=2)
    fig.update_layout(legend=dict(orientation="h", y=1.08, x=0, yanchor="bottom"), height=height,
                      margin=dict(l=10, r=10, t=30, b=10))
    return animate(fig, frames, [str(s) for s in steps]) if player else fig


def gan_2d_frame_figure(frame: dict[str, np.ndarray], target: str, loss: str, height: int = 470) -> go.Figure:
    """One frame of a training still running (drawn while the recording is made)."""
    rec = Recording(np.array([0]), {k: np.asarray(v)[None] for k, v in frame.items()},
                    {}, 0.0, meta={"target": target, "loss": loss})
    return gan_2d_figure(rec, height, player=False)


def saturation_figure(d_fake_early: float | None, height: int = 330) -> go.Figure:
    """How much of the logit's gradient each generator loss passes on, against D(G(z)):
    |d/da log(1 - sigmoid(a))| = D(G(z)) (minimax) and |d/da -log sigmoid(a)| = 1 - D(G(z))."""
    p = np.logspace(-4, np.log10(0.9999), 300)
    fig = go.Figure([go.Scatter(x=p, y=p, name="minimax: log(1 − D)", line=dict(color=OKABE_ITO[3], width=3)),
                     go.Scatter(x=p, y=1 - p, name="non-saturating: −log D", line=dict(color=OKABE_ITO[0], width=3))])
    if d_fake_early is not None:
        fig.add_vline(x=d_fake_early, line_dash="dash", line_color="gray",
                      annotation_text="this run, first 5% of steps", annotation_position="top right")
    fig.update_xaxes(type="log", title="D(G(z)): the discriminator's belief that a fake is real")
    fig.update_yaxes(title="|∂L_G / ∂logit|", range=[0, 1.05])
    fig.update_layout(legend=dict(orientation="h", y=-0.35))
    return _layout(fig, None, height)


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
    return _layout(fig, None, height)


def saturation_experiment_caption(r: dict) -> str:
    mm, ns = r["minimax"], r["nonsaturating"]
    w = max(1, len(mm["g_grad"]) // 10)
    ratio = ns["g_grad"][:w].mean() / max(mm["g_grad"][:w].mean(), 1e-30)
    return (f"After the discriminator's head start it gives the generated points D(G(z)) ≈ {mm['d_fake'][0]:.1e}. Over "
            f"the first {w} steps the minimax loss hands each point a gradient of {mm['g_grad'][:w].mean():.1e}, the "
            f"non-saturating loss {ns['g_grad'][:w].mean():.1e} ({ratio:,.0f}× more). Moved by plain SGD, the minimax "
            f"generator's points go from {mm['distance'][0]:.2f} to {mm['distance'][-1]:.2f} from the data, the "
            f"non-saturating ones to {ns['distance'][-1]:.2f}.")


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
    return _layout(fig, None, height)


# ---------------------------------------------------------------- captions (computed from what is shown)
def gan_2d_caption(rec: Recording, preset: str | None = None) -> str:
    target, k = rec.meta["target"], REGIONS[rec.meta["target"]]
    done = int(rec.steps[-1])
    rate = done / rec.seconds if rec.seconds > 0 else float("nan")
    head = f"Preset “{preset}”. " if preset else ""
    when = f"Stopped at step {done:,}" if rec.stopped else f"After {done:,} generator steps"
    return (f"{head}{when} the generated points cover {int(rec.frames['regions'][-1])} of the {k} regions of the "
            f"target ({TARGETS[target]}; best during training: {int(rec.frames['regions'].max())}), and "
            f"{float(rec.frames['quality'][-1]):.0%} of them lie within 3σ of the data; they spread "
            f"{float(rec.frames['fake'][-1].std(0).mean()):.2f} per axis, the data "
            f"{float(sample_target(target, 2000, torch.Generator().manual_seed(0)).std(0).mean()):.2f}. Recorded once in "
            f"{rec.seconds:.1f} s ({rate:,.0f} steps/s); ▶ replays it in your browser and the slider rewinds "
            "it, with no server work. Green strokes: −∂L_G/∂x, where each point is pushed.")


def early_d_fake(rec: Recording) -> float | None:
    """Mean D(G(z)) over the first 5% of the run (None before any step)."""
    d = rec.curves.get("d_fake", np.zeros(0))
    return float(d[:max(1, len(d) // 20)].mean()) if len(d) else None


def gradient_caption(rec: Recording) -> str:
    g = rec.curves.get("g_grad", np.zeros(0))
    if len(g) < 2:
        return "No generator step has run yet."
    w = max(1, len(g) // 20)
    first, last = float(g[:w].mean()), float(g[-w:].mean())
    return (f"Measured in this run ({LOSSES[rec.meta['loss']]}): over the first {w:,} steps each generated point "
            f"received a gradient of norm {first:.2g} on average, over the last {w:,} steps {last:.2g} "
            f"({last / max(first, 1e-12):.2g}×).")


def saturation_caption(early: float | None, loss: str) -> str:
    if loss not in ("minimax", "nonsaturating") or early is None:
        return (f"For the two cross-entropy losses: the minimax loss passes on D(G(z)) of the logit's gradient, "
                f"which vanishes when D rejects fakes confidently; {LOSSES.get(loss, loss)} scores fakes with an "
                "unbounded critic instead, so this curve does not apply to it.")
    return (f"Early in this run D(G(z)) averaged {early:.3f}: there the minimax loss passes on {early:.3f} of the "
            f"logit's gradient and the non-saturating loss {1 - early:.3f}, {(1 - early) / max(early, 1e-12):.0f}× "
            "more. Both losses have the same fixed point; only the strength of the early signal differs.")


def optimal_caption(r: dict) -> str:
    busy = (r["p_data"] > 0.05) | (r["p_g"] > 0.05)
    gap = float(np.abs(r["d_trained"] - r["d_star"])[busy].max())
    return (f"Where either density exceeds 0.05 the trained discriminator is within {gap:.2f} of D* (it only "
            f"learns where it sees samples). "
            f"V(D*, G) = {r['v_star']:.3f} = −log 4 + 2·JSD = {-math.log(4):.3f} + 2 × {r['jsd']:.3f}; the trained "
            f"D reaches {r['v_trained']:.3f} (D* is the maximum). With p_g = p_data, D* = ½ everywhere and V = −log 4.")
