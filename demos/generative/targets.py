"""The 2-D distributions the GAN learns (a ring and a grid of Gaussians, two moons, a spiral, a line) and
how much of one a set of generated points covers: regions captured and quality (modes counted as in
Srivastava et al. 2017, VEEGAN)."""
from __future__ import annotations

import numpy as np
import torch

TARGETS = {"ring": "Ring of 8 Gaussians", "grid": "Grid of 25 Gaussians", "moons": "Two moons",
           "spiral": "Spiral", "line": "A line"}  # name -> title
BOX = 3.0  # the plane shown and sampled: [-BOX, BOX]^2
NOISE = 0.1  # std of the Gaussian noise of every target (mixture components and curves)
REGIONS = {"ring": 8, "grid": 25, "moons": 8, "spiral": 8, "line": 8}  # parts a generator must cover


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
