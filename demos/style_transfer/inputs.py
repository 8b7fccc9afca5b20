"""The images going in: bundled photos, procedural style patterns or uploads, scaled to the working
size, and the mix of one or two style images."""
from __future__ import annotations

from typing import Sequence

import torch
import torch.nn.functional as F

from demos.images import PHOTOS

SIZE_RANGE = (128, 384)  # working resolution, pixels on the longer side
STYLE_SIZE = 256  # style images and patterns, pixels on the longer side
PATTERNS = ("swirl", "mosaic", "stripes", "noise")
SOURCES = {**{p: PHOTOS[p].title for p in PHOTOS},
           **{f"pattern:{p}": f"Pattern: {p}" for p in PATTERNS}, "upload": "Upload…"}  # option -> label
CONTENT_SOURCES = [p for p in SOURCES if not p.startswith("pattern")]  # photos and upload
SECOND_STYLES = ["none"] + list(SOURCES)[:-1]  # every source but an upload, or none


def pattern_name(source: str) -> str | None:
    """'pattern:swirl' -> 'swirl'; None for a photo or an upload."""
    return source.split(":")[1] if source.startswith("pattern:") else None


def second_style_label(source: str) -> str:
    return "none" if source == "none" else SOURCES[source]


def pattern(name: str, size: int, seed: int = 0) -> torch.Tensor:
    """A procedural style image (1, 3, size, size) in [0, 1]: swirl, mosaic, stripes or noise."""
    gen = torch.Generator().manual_seed(seed)
    yy, xx = torch.meshgrid(torch.linspace(-1, 1, size), torch.linspace(-1, 1, size), indexing="ij")
    if name == "swirl":
        r, a = torch.sqrt(xx**2 + yy**2), torch.atan2(yy, xx)
        v = torch.stack([torch.sin(8 * a + 12 * r + k) for k in (0.0, 2.1, 4.2)])
    elif name == "mosaic":
        cells = torch.rand(3, 12, 12, generator=gen)
        v = F.interpolate(cells[None], size=(size, size), mode="nearest")[0] * 2 - 1
        edges = ((xx * 6 % 1).abs() < 0.06) | ((yy * 6 % 1).abs() < 0.06)
        v = torch.where(edges, torch.full_like(v, -1.0), v)
    elif name == "stripes":
        v = torch.stack([torch.sin(18 * (xx + 0.5 * yy) + k) for k in (0.0, 1.0, 3.0)])
    elif name == "noise":
        low = torch.rand(3, 16, 16, generator=gen)
        v = F.interpolate(low[None], size=(size, size), mode="bicubic", align_corners=False)[0] * 2 - 1
    else:
        raise ValueError(f"unknown pattern {name!r}; choose from {PATTERNS}")
    return ((v + 1) / 2).clamp(0, 1)[None]


def pattern_image(source: str, seed: int = 0) -> torch.Tensor | None:
    """A 'pattern:<name>' source drawn at STYLE_SIZE px; None for a photo or an upload."""
    name = pattern_name(source)
    return None if name is None else pattern(name, STYLE_SIZE, seed)


def resize_longer(image: torch.Tensor, size: int) -> torch.Tensor:
    """Scale (1, C, H, W) so the longer side is `size` (multiples of 8, at least 32 px)."""
    h, w = image.shape[-2:]
    s = size / max(h, w)
    new = (max(32, round(h * s / 8) * 8), max(32, round(w * s / 8) * 8))
    return F.interpolate(image, size=new, mode="bilinear", antialias=True, align_corners=False).clamp(0, 1)


def prepare(content: torch.Tensor, style: torch.Tensor, second: torch.Tensor | None, size: int,
            mix: float) -> tuple[torch.Tensor, list[torch.Tensor], list[float]]:
    """(content at `size` px, the style image(s) at STYLE_SIZE px, their weights): `mix` for the first
    style and 1 − mix for the `second` when there is one. Inputs: (1, 3, H, W) in [0, 1]."""
    styles = [resize_longer(style, STYLE_SIZE)] + ([resize_longer(second, STYLE_SIZE)] if second is not None else [])
    return resize_longer(content, size), styles, [mix, 1 - mix] if second is not None else [1.0]


def style_caption(weights: Sequence[float]) -> str:
    """Under the (first) style image: the second style's share when two are mixed."""
    return "Style" + (f" (+ second, {weights[1]:.0%})" if len(weights) > 1 else "")


def small_upload_note(label: str, size: tuple[int, int]) -> str | None:
    """A warning for an upload under 32 px on its shorter side (it is upscaled). size: (width, height)."""
    if min(size) >= 32:
        return None
    return f"The {label} image is only {min(size)} px on its shorter side; it is upscaled."
