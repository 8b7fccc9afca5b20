"""The images going in: bundled photos, procedural style patterns or uploads, scaled to the working
size, and the mix of one or two style images."""
from __future__ import annotations

import functools
from typing import Sequence

import torch
import torch.nn.functional as F

from demos.images import PHOTOS

SIZE_RANGE = (128, 384)  # working resolution, pixels on the longer side
STYLE_SIZE = 256  # style images and patterns, pixels on the longer side
PATTERNS = ("strokes", "swirl", "mosaic", "stripes", "noise")
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
    """A procedural style image (1, 3, size, size) in [0, 1]: brush strokes, swirl, mosaic, stripes or noise."""
    gen = torch.Generator().manual_seed(seed)
    yy, xx = torch.meshgrid(torch.linspace(-1, 1, size), torch.linspace(-1, 1, size), indexing="ij")
    if name == "strokes":
        return brush_strokes(size, gen)
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


# a night-sky palette (deep blues, a teal, a straw yellow, an orange, near-white): bold, contrasting hues
STROKE_PALETTE = torch.tensor([[0.07, 0.13, 0.36], [0.13, 0.29, 0.62], [0.25, 0.49, 0.76], [0.16, 0.55, 0.55],
                               [0.93, 0.80, 0.25], [0.95, 0.55, 0.15], [0.96, 0.94, 0.82]])


def brush_strokes(size: int, gen: torch.Generator, strokes: int = 900) -> torch.Tensor:
    """A generated 'painting' (1, 3, size, size): short thick strokes of a bold palette laid along a
    swirling flow field, later strokes over earlier ones, each with a darker edge. A painterly style
    image made by code (no painting ships in an installable wheel): strong texture and colour
    statistics, which is what a Gram matrix picks up."""
    yy, xx = torch.meshgrid(torch.linspace(0, 1, size), torch.linspace(0, 1, size), indexing="ij")
    canvas = STROKE_PALETTE[0].view(3, 1, 1).expand(3, size, size).clone()
    centres = torch.rand(strokes, 2, generator=gen)
    # the flow's angle at each stroke: two vortices and a gentle wave
    cx, cy = centres[:, 0], centres[:, 1]
    angle = (torch.atan2(cy - 0.35, cx - 0.3) + torch.pi / 2) * torch.exp(-((cx - 0.3) ** 2 + (cy - 0.35) ** 2) * 6) \
        + (torch.atan2(cy - 0.7, cx - 0.72) - torch.pi / 2) * torch.exp(-((cx - 0.72) ** 2 + (cy - 0.7) ** 2) * 6) \
        + 0.6 * torch.sin(6 * cx)
    length = 0.03 + 0.05 * torch.rand(strokes, generator=gen)
    width = 0.008 + 0.012 * torch.rand(strokes, generator=gen)
    colour = STROKE_PALETTE[torch.randint(1, len(STROKE_PALETTE), (strokes,), generator=gen)]
    colour = (colour * (0.85 + 0.3 * torch.rand(strokes, 1, generator=gen))).clamp(0, 1)
    reach = ((length + width) * (size - 1)).ceil().long() + 1  # px from a centre that a stroke can cover
    for i in range(strokes):
        px, py = int(cx[i] * (size - 1)), int(cy[i] * (size - 1))
        r = int(reach[i])
        box = (slice(max(py - r, 0), py + r + 1), slice(max(px - r, 0), px + r + 1))  # only the stroke's own window
        ux, uy = torch.cos(angle[i]), torch.sin(angle[i])
        dx, dy = xx[box] - cx[i], yy[box] - cy[i]
        along = (dx * ux + dy * uy).clamp(-length[i], length[i])
        dist = torch.sqrt((dx - along * ux) ** 2 + (dy - along * uy) ** 2)  # to the stroke's centre line
        inside = dist < width[i]
        edge = (dist >= width[i] * 0.7) & inside
        patch = canvas[:, box[0], box[1]]
        patch[:, inside] = colour[i].view(3, 1)
        patch[:, edge] = (colour[i] * 0.6).view(3, 1)
    return canvas.clamp(0, 1)[None]


def pattern_image(source: str, seed: int = 0) -> torch.Tensor | None:
    """A 'pattern:<name>' source drawn at STYLE_SIZE px; None for a photo or an upload."""
    name = pattern_name(source)
    return None if name is None else _drawn(name, STYLE_SIZE, seed).clone()


@functools.lru_cache(maxsize=16)
def _drawn(name: str, size: int, seed: int) -> torch.Tensor:  # drawn once per server (strokes: ~0.1 s)
    return pattern(name, size, seed)


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
