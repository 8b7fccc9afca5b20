"""Digits shown and judged, for the digits GAN and the autoencoders alike: many digits tiled into one
picture, each digit's nearest neighbour in pixel space (does a sample copy?), and the Fréchet distance
between two sets in the digit CNN's features (the FID of Heusel et al. 2017, on our own classifier)."""
from __future__ import annotations

import numpy as np
import torch
from torch import nn

from models.mnist_cnn import normalise


def nearest_neighbours(queries: np.ndarray, pool: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each query image (N, 28, 28): the index of the closest pool image (M, 28, 28) and the
    Euclidean distance to it in pixel space."""
    q, p = queries.reshape(len(queries), -1).astype(np.float32), pool.reshape(len(pool), -1).astype(np.float32)
    d2 = (q ** 2).sum(1)[:, None] - 2 * q @ p.T + (p ** 2).sum(1)[None]
    idx = d2.argmin(1)
    return idx, np.sqrt(np.maximum(d2[np.arange(len(q)), idx], 0))


@torch.no_grad()
def features(classifier: nn.Module, images: torch.Tensor) -> np.ndarray:
    """The digit CNN's last conv features, averaged over positions (N, 64): the space in which the
    Frechet distance is measured."""
    return classifier.features(normalise(images)).mean((2, 3)).numpy().astype(np.float64)


def frechet_distance(a: np.ndarray, b: np.ndarray) -> float:
    """||mu_a - mu_b||^2 + Tr(S_a + S_b - 2 (S_a S_b)^(1/2)) between Gaussians fitted to two feature
    sets (the FID of Heusel et al. 2017, here on the digit CNN's features)."""
    mu_a, mu_b = a.mean(0), b.mean(0)
    s_a, s_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    w, v = np.linalg.eigh(s_a)
    root_a = (v * np.sqrt(np.clip(w, 0, None))) @ v.T
    cross = np.linalg.eigvalsh(root_a @ s_b @ root_a)  # Tr (S_a S_b)^(1/2) = Tr (A^(1/2) S_b A^(1/2))^(1/2)
    return float(((mu_a - mu_b) ** 2).sum() + np.trace(s_a) + np.trace(s_b) - 2 * np.sqrt(np.clip(cross, 0, None)).sum())


def mosaic(images: np.ndarray, cols: int, pad: int = 2) -> np.ndarray:
    """Images (N, 28, 28) in [0, 1] tiled row by row into one uint8 picture (white digits on black)."""
    n, h, w = images.shape
    rows = -(-n // cols)
    out = np.full((rows * (h + pad) - pad, cols * (w + pad) - pad), 60, dtype=np.uint8)
    for i, img in enumerate(images):
        r, c = divmod(i, cols)
        out[r * (h + pad):r * (h + pad) + h, c * (w + pad):c * (w + pad) + w] = np.clip(img * 255, 0, 255)
    return out
