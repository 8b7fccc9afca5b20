"""Colour preservation (Gatys et al. 2016, "Preserving color in neural artistic style transfer"):
keep the result's luminance and the content photo's colour."""
from __future__ import annotations

import torch


def preserve_colour(result: torch.Tensor, content: torch.Tensor) -> torch.Tensor:
    """Luminance-only transfer: the result's brightness (Y) with the content's colour (Cb, Cr)."""
    def to_ycbcr(x):
        r, g, b = x[:, 0], x[:, 1], x[:, 2]
        y = 0.299 * r + 0.587 * g + 0.114 * b
        return y, (b - y) * 0.564, (r - y) * 0.713

    y, _, _ = to_ycbcr(result)
    _, cb, cr = to_ycbcr(content)
    r, b = y + cr / 0.713, y + cb / 0.564
    g = (y - 0.299 * r - 0.114 * b) / 0.587
    return torch.stack([r, g, b], dim=1).clamp(0, 1)


def finish(result: torch.Tensor, content: torch.Tensor, keep_colour: bool) -> torch.Tensor:
    """What the page shows of a result: with `keep_colour`, the content's colours (`preserve_colour`)."""
    return preserve_colour(result, content) if keep_colour else result
