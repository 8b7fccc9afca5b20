"""Autoencoders as denoisers: held-out digits of the normal class get Gaussian noise of a chosen
strength; the plain autoencoder and the denoising one (trained on inputs with noise of std 0.3)
rebuild them, and the peak signal-to-noise ratio against the clean digit says which cleans better."""
from __future__ import annotations

from dataclasses import dataclass

import plotly.graph_objects as go
import torch
from torch import nn

from demos import plots
from demos.anomaly_detection.scoring import reconstruct

SHOWN = 4  # digits drawn in the figure
COLUMNS = ["noisy input", "plain AE", "denoising AE", "clean target"]


def add_noise(images: torch.Tensor, sigma: float, seed: int) -> torch.Tensor:
    """x + σ·ε, ε ~ N(0, 1) per pixel (seeded), clipped to [0, 1]: the corruption the DAE trained on."""
    eps = torch.randn(images.shape, generator=torch.Generator().manual_seed(seed))
    return (images + sigma * eps).clamp(0.0, 1.0)


def psnr(estimate: torch.Tensor, clean: torch.Tensor, peak: float = 1.0) -> torch.Tensor:
    """Per image (first axis): 10·log10(peak² / MSE) in dB; infinite when the two are identical."""
    err = ((estimate - clean) ** 2).flatten(1).mean(1)
    return 10.0 * torch.log10(peak ** 2 / err)


@dataclass(frozen=True)
class DenoiseRun:
    normal: int
    sigma: float
    clean: torch.Tensor  # (N, 1, 28, 28)
    noisy: torch.Tensor
    plain: torch.Tensor  # the plain AE's output
    dae: torch.Tensor  # the denoising AE's output
    psnr: dict[str, float]  # "noisy", "plain", "dae" -> mean dB over the N digits


@torch.no_grad()
def denoise_run(ae: nn.Module, dae: nn.Module, images: torch.Tensor, labels: torch.Tensor, normal: int,
                sigma: float, seed: int) -> DenoiseRun:
    """Noise the held-out digits of class `normal` and rebuild them with both class-`normal` experts."""
    clean = images[labels == normal]
    noisy = add_noise(clean, sigma, seed)
    plain, denoised = reconstruct(ae, noisy, normal)[0], reconstruct(dae, noisy, normal)[0]
    scores = {name: float(psnr(x, clean).clamp(max=99.0).mean())
              for name, x in (("noisy", noisy), ("plain", plain), ("dae", denoised))}
    return DenoiseRun(normal, sigma, clean, noisy, plain, denoised, scores)


def denoise_figure(run: DenoiseRun, height_per_row: int = 95) -> go.Figure:
    rows = [[t[i, 0].numpy() for t in (run.noisy, run.plain, run.dae, run.clean)] for i in range(SHOWN)]
    names = [f"DAE {float(psnr(run.dae[i:i + 1], run.clean[i:i + 1])):.1f} dB" for i in range(SHOWN)]
    return plots.image_rows(rows, COLUMNS, names, height_per_row, error_last=False)


def denoise_caption(run: DenoiseRun) -> str:
    p = run.psnr
    n = len(run.clean)
    gain = p["dae"] - p["plain"]
    better = (f"the denoising AE is {gain:.1f} dB better than the plain one" if gain > 0.05 else
              f"the plain AE is {-gain:.1f} dB better than the denoising one" if gain < -0.05 else
              "the two autoencoders tie")
    best = max(p["plain"], p["dae"])
    noisy = "no noise is added, so the input is already the target" if run.sigma == 0 else \
        f"the noisy inputs score {p['noisy']:.1f} dB" + ("" if best > p["noisy"] else
                                                        ", more than either output: this noise is too weak to be worth removing")
    return (f"Noise σ = {run.sigma:.2f} on the {n} held-out {run.normal}s: {noisy}; the plain AE's outputs "
            f"{p['plain']:.1f} dB and the denoising AE's {p['dae']:.1f} dB (mean PSNR, peak 1, "
            f"higher is closer to the clean digit): {better}. Row labels: the denoising AE's PSNR per digit.")
