"""The digits GAN: a conditional DCGAN (Radford et al. 2016; Mirza & Osindero 2014) trained on 3,500 of the
project's digits. Seeded samples per class, each beside its nearest training digit (generated or
copied?), a slerp path between two seeds (White 2016), and its training history ("Digits GAN" tab)."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import torch
from plotly.subplots import make_subplots
from torch import nn

from demos.generative.digits import mosaic, nearest_neighbours
from demos.plots import OKABE_ITO, layout
from models.data import validation_split


# ---------------------------------------------------------------- sampling
def latent_noise(seed: int, n: int, latent: int) -> torch.Tensor:
    """n noise vectors z ~ N(0, I) from a seed (the same seed always gives the same digits)."""
    return torch.randn(n, latent, generator=torch.Generator().manual_seed(seed))


@torch.no_grad()
def generate(gan: nn.Module, z: torch.Tensor, labels: torch.Tensor) -> np.ndarray:
    """Digits (N, 28, 28) in [0, 1] from noise (N, latent) and classes (N,)."""
    return gan(z, labels).squeeze(1).numpy()


def slerp(a: torch.Tensor, b: torch.Tensor, steps: int) -> torch.Tensor:
    """Spherical interpolation between two noise vectors (White 2016): unlike a straight line, the
    points keep the norm typical of N(0, I) samples. (steps, latent)."""
    omega = torch.arccos(torch.clamp((a / a.norm()) @ (b / b.norm()), -1, 1))
    t = torch.linspace(0, 1, steps)[:, None]
    if omega.abs() < 1e-6:
        return (1 - t) * a + t * b
    return (torch.sin((1 - t) * omega) * a + torch.sin(t * omega) * b) / torch.sin(omega)


def training_digits() -> np.ndarray:
    """The 3,500 training digits the GAN learned from (N, 28, 28) in [0, 1]: the pool its samples are
    compared with."""
    return validation_split()[0].squeeze(1).numpy()


# ---------------------------------------------------------------- the tab's views: samples, copies?, slerp
def copy_verdict(median: float, heldout: float) -> str:
    """What the samples' median distance to their nearest training digit says, against a held-out real
    digit's: no closer (not copied); up to 10 % closer (a little closer, said with the figure: a copy
    would sit at 0); more than 10 % closer (worth checking for copies)."""
    if median >= heldout:
        return "no closer to their training neighbours than new real digits are: generated, not copied"
    closer = 1 - median / heldout
    if closer <= 0.10:
        return (f"{closer:.0%} closer to their training neighbours than new real digits are at the median, far "
                "from the 0 a copy would give: generated, not copied")
    return f"{closer:.0%} closer to training digits than new real digits are: check for copies"


def digit_gan_views(gan: nn.Module, cnn: nn.Module, fit_digits: np.ndarray, seed: int, cls: int, seed_b: int,
                    heldout_nn: float) -> dict:
    """Everything the Digits GAN tab shows: a class x noise grid (each column one z), the chosen class's
    samples above their nearest training digits, and a slerp path between two seeds."""
    latent = gan.config.latent
    z = latent_noise(seed, 8, latent)
    grid = generate(gan, z.repeat(10, 1), torch.arange(10).repeat_interleave(8))
    with torch.no_grad():
        read = cnn(torch.as_tensor(grid)[:, None]).argmax(1).numpy()
    fidelity = float((read == np.repeat(np.arange(10), 8)).mean())
    row = grid[cls * 8:(cls + 1) * 8]
    idx, dist = nearest_neighbours(row, fit_digits)
    med = float(np.median(dist))
    verdict = copy_verdict(med, heldout_nn)
    path_z = slerp(latent_noise(seed, 1, latent)[0], latent_noise(seed_b, 1, latent)[0], 10)
    path = generate(gan, path_z, torch.full((10,), cls))
    with torch.no_grad():
        path_read = (cnn(torch.as_tensor(path)[:, None]).argmax(1) == cls).sum().item()
    return {
        "grid": mosaic(grid, 8),
        "grid_caption": f"Noise seed {seed}: rows are the classes 0–9 and each column reuses one noise vector, so a "
                        f"column shares a style across classes. The digit CNN reads {fidelity:.0%} of these 80 "
                        "samples as the class they were asked for.",
        "pairs": mosaic(np.concatenate([row, fit_digits[idx]]), 8),
        "pairs_caption": f"Top: the eight {cls}s above; bottom: the closest of the {len(fit_digits):,} training "
                         f"digits to each (pixel distance {dist.min():.1f} to {dist.max():.1f}, median {med:.1f}). "
                         f"A held-out real digit lies at a median {heldout_nn:.1f} from its nearest training digit, "
                         f"so these samples are {verdict}.",
        "path": mosaic(path, 10),
        "path_caption": f"Class {cls}, from seed {seed}'s first noise vector to seed {seed_b}'s along a great circle "
                        f"(slerp, 10 steps): the style changes smoothly, and the digit CNN reads {path_read} of the "
                        f"10 as a {cls}.",
    }


def gan_history_figure(card: dict, height: int = 300) -> go.Figure:
    """Validation Frechet distance and class fidelity per epoch, from the model card."""
    h = card["history"]
    epochs = [r["epoch"] for r in h]
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_trace(go.Scatter(x=epochs, y=[r["val_fid_cnn"] for r in h], name="validation Fréchet distance",
                             line=dict(color=OKABE_ITO[0], width=3)), secondary_y=False)
    fig.add_trace(go.Scatter(x=epochs, y=[r["val_class_fidelity"] for r in h], name="class fidelity",
                             line=dict(color=OKABE_ITO[1], width=3, dash="dot")), secondary_y=True)
    fig.add_vline(x=card["metrics"]["kept_epoch"], line_dash="dash", line_color="gray",
                  annotation_text="kept", annotation_position="top")
    fig.update_xaxes(title="epoch")
    fig.update_yaxes(title="Fréchet distance (CNN features)", secondary_y=False)
    fig.update_yaxes(title="class fidelity", tickformat=".0%", secondary_y=True)
    fig.update_layout(legend=dict(orientation="h", y=-0.3))
    return layout(fig, None, height)


def gan_history_caption(card: dict) -> str:
    m, h = card["metrics"], card["history"]
    kept = next(r for r in h if r["epoch"] == m["kept_epoch"])
    return (f"Training, watched on the 500 validation digits: epoch {m['kept_epoch']} of {len(h)} had the lowest "
            f"Fréchet distance ({kept['val_fid_cnn']:.2f}) and was kept. On the 1,000 held-out digits, measured once: "
            f"distance {m['fid_cnn']:.2f}, class fidelity {m['class_fidelity']:.0%}, memorisation ratio "
            f"{m['memorisation_ratio']:.2f} (1 = samples sit as far from the training digits as new real digits do).")
