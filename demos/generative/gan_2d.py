"""The hero: a GAN learning a 2-D target, recorded once and replayed in the browser (Goodfellow et al.
2014): training with any of the four losses, the replay figure (D's verdict under real and generated
points, the generator's gradient, the losses, coverage), its caption, and the presets (a healthy run,
mode collapse, and its cure: a discriminator that keeps up, as in TTUR, Heusel et al. 2017)."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np
import plotly.graph_objects as go
import torch
from plotly.subplots import make_subplots

from demos.generative.losses import d_loss, g_loss_per_sample, gradient_penalty, mlp
from demos.generative.targets import BOX, REGIONS, TARGETS, coverage, sample_target
from demos.plots import OKABE_ITO
from demos.replay import Recording, animate, record

LEARNING_RATES = ("0.0001", "0.0002", "0.0005", "0.001", "0.002", "0.005", "0.01")  # Adam, for G and D
DEFAULTS = {"target": "ring", "loss": "nonsaturating", "lr_g": "0.001", "lr_d": "0.001", "d_steps": 1,
            "latent": 2, "width": 128, "iters": 2000}  # the page's controls (URL keys) and defaults
PRESETS = {  # button label -> every control's value under it (what a preset does not name stays at DEFAULTS)
    "Healthy": DEFAULTS,
    "Mode collapse": DEFAULTS | {"lr_g": "0.001", "lr_d": "0.0001"},
    "Cure: D keeps up": DEFAULTS | {"lr_g": "0.001", "lr_d": "0.0001", "d_steps": 5},
}
HERO_HEIGHT = 450  # the page's hero fits a 1280 x 720 slide (60 % of it and more)
GRID = 40  # the discriminator heatmap is GRID x GRID points
N_SHOW, N_ARROWS, N_EVAL = 256, 64, 1000  # fakes drawn, of which with arrows; fakes scored per frame
GP_WEIGHT = 0.1  # WGAN-GP penalty weight (the paper's 2-D toy experiments use 0.1; images use 10)
BATCH_2D = 128  # real and fake points per step


# ---------------------------------------------------------------- training, recorded
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


def train_and_draw(*args: Any, on_progress: Callable[[float, dict], None] | None = None
                   ) -> tuple[Recording, go.Figure]:
    """`train_gan_2d(*args)` and its replay at the hero's height, in one job: the figure is built once
    per recording, not on every rerun."""
    rec = train_gan_2d(*args, on_progress=on_progress)
    return rec, gan_2d_figure(rec, HERO_HEIGHT)


# ---------------------------------------------------------------- the replay figure
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


def plane_levels(d: np.ndarray) -> np.ndarray:
    """D's plane in [0, 1] as the 256 levels the heatmap draws (uint8; outside [0, 1] clipped)."""
    return np.round(np.clip(d, 0, 1) * 255).astype(np.uint8)


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
    d = plane_levels(d)  # 1 byte a cell: a quarter of the replay's size
    ticks = ["−1", "0", "+1"] if wgan else ["0", "0.5", "1"]
    fig.add_trace(go.Heatmap(x=axis, y=axis, z=d[-1], zmin=0, zmax=255, colorscale="RdBu", zsmooth="best",
                             showscale=True, hoverinfo="skip",
                             colorbar=dict(title="critic" if wgan else "D(x)", len=0.5, x=0.5, y=0.78, thickness=10,
                                           tickvals=[0, 127.5, 255], ticktext=ticks)), 1, 1)
    real = sample_target(target, 500, torch.Generator().manual_seed(12345)).numpy()
    fig.add_trace(go.Scatter(x=real[:, 0], y=real[:, 1], mode="markers", name="real",
                             marker=dict(size=4, color="#000000", opacity=0.45), hoverinfo="skip"), 1, 1)
    fake = rec.frames["fake"]
    arrows = rec.frames["arrows"]
    norms = np.linalg.norm(arrows, axis=2)
    scale = ARROW_LENGTH / max(float(np.percentile(norms, 95)), 1e-12)
    segs = [arrow_segments(fake[f, :N_ARROWS], arrows[f], scale) for f in range(rec.n_frames)]
    fake = np.clip(fake, -BOX, BOX)  # a point that left the square is drawn on its edge (the caption counts them)
    fig.add_trace(go.Scatter(x=fake[-1, :, 0], y=fake[-1, :, 1], mode="markers", name="generated",
                             marker=dict(size=6, color=OKABE_ITO[1], line=dict(width=0.5, color="#000000")),
                             hoverinfo="skip"), 1, 1)
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
            f"{float(sample_target(target, 2000, torch.Generator().manual_seed(0)).std(0).mean()):.2f}."
            f"{outside_note(rec.frames['fake'][-1])} Recorded once"
            f"{' ahead of time' if rec.meta.get('command') else ''} in {rec.seconds:.1f} s ({rate:,.0f} steps/s); ▶ "
            "replays it in your browser and the slider rewinds it, with no server work. Green strokes: −∂L_G/∂x, "
            "where each point is pushed.")


def outside_note(fake: np.ndarray) -> str:
    """' 37 of the 512 points lie outside the square and are drawn on its edge.' ('' if none does)."""
    out = int((np.abs(fake) > BOX).any(1).sum())
    return f" {out} of the {len(fake)} points lie outside the square and are drawn on its edge." if out else ""


def progress_caption(step: int, iterations: int) -> str:
    """Under the frames drawn while the recording is made."""
    return f"Training: step {step:,} of {iterations:,}. The replay starts when it ends."

