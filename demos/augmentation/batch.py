"""Augmentation of a whole batch of digits at once, one random draw per digit (torchvision's v2
transforms draw once per call, so a batch would share one rotation): what the training runs of the
"Does it help?" tab and the contrastive views use. Every draw comes from the generator passed in.

Digits are grey: "colour" augmentation here means brightness, contrast and (optionally) inversion.
"""
from __future__ import annotations

import math

import torch
from torch.nn import functional as F

# name -> what it does to a training digit (the "Does it help?" tab's choices)
BATCH_TRANSFORMS = {
    "none": "no augmentation",
    "standard": "rotate ±15°, shift ±3 px, zoom 0.9–1.1 (all three)",
    "rotate": "rotate ±15°",
    "shift": "shift ±3 px",
    "noise": "Gaussian noise, σ = 0.2",
    "flip": "horizontal flip, half the time",
    "rotate180": "rotate 180°, half the time",
}
LABEL_BREAKING = ("flip", "rotate180")  # a flipped 2 or 5, a 6 turned into a 9: no longer the label


def _affine(images: torch.Tensor, angle: torch.Tensor, zoom: torch.Tensor, shift: torch.Tensor) -> torch.Tensor:
    """Per-image rotation (radians), zoom (>1 enlarges) and shift (pixels, (N, 2))."""
    n, _, h, w = images.shape
    cos, sin = torch.cos(angle), torch.sin(angle)
    a = torch.stack([torch.stack([cos, -sin], 1), torch.stack([sin, cos], 1)], 1)  # (N, 2, 2) rotation
    a = a / zoom[:, None, None]  # affine_grid maps output to input coordinates: the inverse zoom
    t = -2 * shift / torch.tensor([w, h], dtype=images.dtype)  # pixels -> [-1, 1] units, inverted
    theta = torch.cat([a, (a @ t[:, :, None])], 2)
    grid = F.affine_grid(theta, list(images.shape), align_corners=False)
    return F.grid_sample(images, grid, align_corners=False, padding_mode="zeros")


def augment_batch(images: torch.Tensor, name: str, generator: torch.Generator) -> torch.Tensor:
    """images: (N, 1, 28, 28) in [0, 1] -> the same digits, each with its own random draw of `name`
    (a key of BATCH_TRANSFORMS), clipped to [0, 1]."""
    n = len(images)
    u = torch.rand(n, 4, generator=generator) * 2 - 1  # uniform in [-1, 1]
    zero, one = torch.zeros(n), torch.ones(n)
    if name == "none":
        return images
    if name == "standard":
        return _affine(images, u[:, 0] * math.radians(15), 1 + 0.1 * u[:, 1], 3 * u[:, 2:4])
    if name == "rotate":
        return _affine(images, u[:, 0] * math.radians(15), one, torch.zeros(n, 2))
    if name == "shift":
        return _affine(images, zero, one, 3 * u[:, 2:4])
    if name == "noise":
        return (images + 0.2 * torch.randn(images.shape, generator=generator)).clamp(0, 1)
    if name == "flip":
        return torch.where((u[:, 0] > 0)[:, None, None, None], images.flip(-1), images)
    if name == "rotate180":
        return torch.where((u[:, 0] > 0)[:, None, None, None], images.flip(-1, -2), images)
    raise ValueError(f"unknown batch transform {name!r}; one of {', '.join(BATCH_TRANSFORMS)}")


def random_resized_crop(images: torch.Tensor, generator: torch.Generator,
                        scale: tuple[float, float] = (0.4, 1.0)) -> torch.Tensor:
    """Per-image random crop (area fraction in `scale`, square) resized back to 28x28 (SimCLR's
    first augmentation)."""
    n = len(images)
    area = scale[0] + torch.rand(n, generator=generator) * (scale[1] - scale[0])
    side = area.sqrt()  # crop side as a fraction of the image
    centre = (torch.rand(n, 2, generator=generator) * 2 - 1) * (1 - side[:, None])  # crop inside the image
    theta = torch.zeros(n, 2, 3)
    theta[:, 0, 0] = theta[:, 1, 1] = side
    theta[:, :, 2] = centre
    grid = F.affine_grid(theta, list(images.shape), align_corners=False)
    return F.grid_sample(images, grid, align_corners=False, padding_mode="zeros")


def grey_jitter(images: torch.Tensor, generator: torch.Generator, strength: float = 0.6,
                invert_p: float = 0.2) -> torch.Tensor:
    """SimCLR's colour distortion, for grey digits: random brightness and contrast (×1 ± strength)
    and, with probability `invert_p`, inversion (white on black becomes black on white)."""
    n = len(images)
    u = torch.rand(n, 3, generator=generator)
    contrast = (1 + strength * (2 * u[:, 0] - 1))[:, None, None, None]
    brightness = (strength * (2 * u[:, 1] - 1) / 2)[:, None, None, None]
    mean = images.mean((1, 2, 3), keepdim=True)
    out = ((images - mean) * contrast + mean + brightness).clamp(0, 1)
    return torch.where((u[:, 2] < invert_p)[:, None, None, None], 1 - out, out)


def two_views(images: torch.Tensor, generator: torch.Generator, colour: bool = True) -> tuple[torch.Tensor, torch.Tensor]:
    """Two independently augmented views of every digit (SimCLR's positives): a random resized crop,
    then with `colour` the grey jitter."""
    views = []
    for _ in range(2):
        v = random_resized_crop(images, generator)
        views.append(grey_jitter(v, generator) if colour else v)
    return views[0], views[1]
