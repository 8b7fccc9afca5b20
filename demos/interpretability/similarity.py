"""How alike two attribution maps are, the two measures of Adebayo et al. 2018: Spearman rank
correlation of the absolute values (does the same pixel order survive?) and SSIM of the maps scaled
to [0, 1] (does the same picture survive?). Both take (H, W) arrays; tests check them against scipy
and scikit-image."""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

SSIM_WINDOW = 7  # scikit-image's default uniform window


def ranks(values: np.ndarray) -> np.ndarray:
    """Ranks 0 … n−1 of a flat array; tied values share their average rank."""
    _, inverse, counts = np.unique(values, return_inverse=True, return_counts=True)
    start = np.cumsum(counts) - counts
    return (start + (counts - 1) / 2)[inverse]


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    """Rank correlation of |a| and |b| in [−1, 1]; 0 when either map is constant (no order to keep)."""
    ra, rb = ranks(np.abs(a).ravel()), ranks(np.abs(b).ravel())
    ra, rb = ra - ra.mean(), rb - rb.mean()
    norm = float(np.sqrt((ra ** 2).sum() * (rb ** 2).sum()))
    return float((ra * rb).sum() / norm) if norm > 0 else 0.0


def scaled(a: np.ndarray) -> np.ndarray:
    """|a| divided by its largest value, in [0, 1] (all zeros stays zeros)."""
    top = float(np.abs(a).max())
    return np.abs(a) / top if top > 0 else np.zeros_like(a, dtype=float)


def ssim(a: np.ndarray, b: np.ndarray) -> float:
    """Mean structural similarity (Wang et al. 2004) of the scaled maps: a uniform 7×7 window over
    every position it fits, sample covariances, data range 1 (scikit-image's defaults)."""
    x = torch.tensor(np.stack([scaled(a), scaled(b)]), dtype=torch.float64)[:, None]  # (2, 1, H, W)
    n = SSIM_WINDOW ** 2
    mean = F.avg_pool2d(x, SSIM_WINDOW, stride=1)
    sq = F.avg_pool2d(x * x, SSIM_WINDOW, stride=1)
    cross = F.avg_pool2d(x[:1] * x[1:], SSIM_WINDOW, stride=1)
    unbiased = n / (n - 1)
    var_a, var_b = unbiased * (sq[0] - mean[0] ** 2), unbiased * (sq[1] - mean[1] ** 2)
    cov = unbiased * (cross[0] - mean[0] * mean[1])
    c1, c2 = 0.01 ** 2, 0.03 ** 2
    s = ((2 * mean[0] * mean[1] + c1) * (2 * cov + c2)) / ((mean[0] ** 2 + mean[1] ** 2 + c1) * (var_a + var_b + c2))
    return float(s.mean())


def agreement(maps: dict[str, np.ndarray]) -> list[tuple[str, str, float]]:
    """Spearman of every pair of maps, most similar first: [(name, name, ρ)]."""
    names = list(maps)
    pairs = [(p, q, spearman(maps[p], maps[q])) for i, p in enumerate(names) for q in names[i + 1:]]
    return sorted(pairs, key=lambda t: -t[2])
