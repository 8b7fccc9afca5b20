"""The anomaly score: how badly a one-class autoencoder rebuilds an image (mean squared error per
pixel), on a test mixture of held-out normal digits, other digits and corrupted normal digits.
A model that only ever saw one class rebuilds that class well and everything else poorly."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

CORRUPTIONS = ("noise", "occlusion", "inversion", "rotation")


@torch.no_grad()
def reconstruct(ae: nn.Module, images: torch.Tensor, normal_class: int) -> tuple[torch.Tensor, torch.Tensor]:
    """(reconstructions in [0, 1] (N, 1, 28, 28), latent codes (N, latent)) from a one-class AE."""
    logits, codes = ae(images, normal_class)
    return torch.sigmoid(logits), codes


def pixel_errors(images: torch.Tensor, reconstructions: torch.Tensor) -> torch.Tensor:
    """Squared error per pixel, (N, H, W)."""
    return ((images - reconstructions) ** 2).flatten(0, 1) if images.shape[1] == 1 else \
        ((images - reconstructions) ** 2).mean(1)


def reconstruction_errors(ae: nn.Module, images: torch.Tensor, normal_class: int) -> torch.Tensor:
    """Anomaly score per image: mean squared reconstruction error, (N,)."""
    recon, _ = reconstruct(ae, images, normal_class)
    return pixel_errors(images, recon).mean(dim=(1, 2))


def corrupt(images: torch.Tensor, kind: str, generator: torch.Generator) -> torch.Tensor:
    """Damaged digits, still in [0, 1]: Gaussian noise, a blanked square, inverted ink, or a
    rotation by 90-270 degrees."""
    n = len(images)
    if kind == "noise":
        return (images + 0.35 * torch.randn(images.shape, generator=generator)).clamp(0, 1)
    if kind == "occlusion":
        out = images.clone()
        corners = torch.randint(4, 14, (n, 2), generator=generator)
        for i, (r, c) in enumerate(corners.tolist()):
            out[i, :, r:r + 12, c:c + 12] = 1.0
        return out
    if kind == "inversion":
        return 1.0 - images
    if kind == "rotation":
        turns = torch.randint(1, 4, (n,), generator=generator)
        return torch.stack([torch.rot90(img, int(k), dims=(1, 2)) for img, k in zip(images, turns)])
    raise ValueError(f"unknown corruption {kind!r}; choose from {CORRUPTIONS}")


def test_mixture(test_images: torch.Tensor, test_labels: torch.Tensor, normal_class: int,
                 others: bool, corruptions: tuple[str, ...], seed: int,
                 per_group: int = 100) -> tuple[torch.Tensor, np.ndarray, list[str]]:
    """Held-out normal digits + (optionally) other digits + corrupted normal digits.
    Returns (images, is_anomaly, group name per image)."""
    gen = torch.Generator().manual_seed(seed)
    normal = test_images[test_labels == normal_class]
    parts, groups = [normal], ["normal"] * len(normal)
    if others:
        other = test_images[test_labels != normal_class]
        parts.append(other[torch.randperm(len(other), generator=gen)[:per_group]])
        groups += ["other digit"] * per_group
    for kind in corruptions:
        picks = normal[torch.randint(len(normal), (per_group // 4,), generator=gen)]
        parts.append(corrupt(picks, kind, gen))
        groups += [kind] * len(picks)
    is_anomaly = np.array([g != "normal" for g in groups])
    return torch.cat(parts), is_anomaly, groups


test_mixture.__test__ = False  # a data builder, not a pytest test


@dataclass(frozen=True)
class Scores:
    """One detector on one test mixture: everything the page's views read."""
    images: torch.Tensor  # (N, 1, 28, 28) in [0, 1]: the test mixture
    reconstructions: torch.Tensor  # (N, 1, 28, 28) in [0, 1]
    errors: np.ndarray  # (N,) mean squared error per image: the anomaly score
    is_anomaly: np.ndarray  # (N,) bool: the truth
    groups: list[str]  # (N,) "normal", "other digit" or a corruption's name
    validation: np.ndarray  # (V,) errors on normal validation digits: where thresholds are set
    codes: np.ndarray  # (N, latent) the autoencoder's codes


def score_mixture(ae: nn.Module, test_images: torch.Tensor, test_labels: torch.Tensor,
                  validation_images: torch.Tensor, normal_class: int, others: bool, corrupted: bool,
                  seed: int) -> Scores:
    """Score the test mixture (other digits if `others`, all four corruptions if `corrupted`) and the
    normal class's validation digits with a one-class autoencoder."""
    kinds = CORRUPTIONS if corrupted else ()
    x, is_anomaly, groups = test_mixture(test_images, test_labels, normal_class, others, kinds, seed)
    recon, codes = reconstruct(ae, x, normal_class)
    errors = pixel_errors(x, recon).mean(dim=(1, 2)).numpy()
    validation = reconstruction_errors(ae, validation_images, normal_class).numpy()
    return Scores(x, recon, errors, is_anomaly, groups, validation, codes.numpy())
