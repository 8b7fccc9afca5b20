"""Neural style transfer by optimisation (Gatys, Ecker & Bethge 2015) on EfficientNet-Lite0 features,
plus procedural style images and luminance-only colour preservation (Gatys et al. 2016).

The image itself is optimised (Adam on pixels in [0, 1]); gradients are taken with
`torch.autograd.grad`, so the shared feature network is never modified.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Callable, Iterator, Sequence

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

STYLE_LAYERS = (0, 2, 4, 7, 10)  # EfficientNet-Lite0 blocks whose Gram matrices define style
CONTENT_LAYER = 7  # deep enough for layout, shallow enough to keep edges
SIZE_RANGE = (128, 384)  # working resolution, pixels on the longer side
PATTERNS = ("swirl", "mosaic", "stripes", "noise")


def gram_matrix(features: torch.Tensor) -> torch.Tensor:
    """G = F Fᵀ / (C H W) for features (B, C, H, W) flattened to F (B, C, H W): channel
    co-activations, averaged over positions, so G keeps texture statistics and drops layout."""
    b, c, h, w = features.shape
    f = features.reshape(b, c, h * w)
    return f @ f.transpose(1, 2) / (c * h * w)


def content_loss(features: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    return F.mse_loss(features, target)


def style_loss(features: dict[int, torch.Tensor], targets: dict[int, torch.Tensor]) -> torch.Tensor:
    """Mean over layers of the Gram-matrix MSE, each divided by its target's mean square so that
    every layer counts equally whatever its scale."""
    terms = [F.mse_loss(gram_matrix(features[k]), g) / g.pow(2).mean().clamp_min(1e-12)
             for k, g in targets.items()]
    return torch.stack(terms).mean()


def tv_loss(images: torch.Tensor) -> torch.Tensor:
    """Total variation (anisotropic, L1): mean absolute difference between neighbouring pixels."""
    return ((images[..., 1:, :] - images[..., :-1, :]).abs().mean()
            + (images[..., :, 1:] - images[..., :, :-1]).abs().mean())


@dataclass
class Snapshot:
    image: torch.Tensor  # (1, 3, H, W) in [0, 1], the current image
    best: torch.Tensor  # the lowest-loss image so far (what Stop keeps)
    step: int
    seconds: float  # since stylize() was called
    losses: dict[str, float]  # weighted content, style, tv, and total
    history: list[dict[str, float]] = field(default_factory=list)  # losses at every step so far


def stylize(model: nn.Module, content: torch.Tensor, styles: Sequence[torch.Tensor],
            mix: Sequence[float] = (1.0,), content_weight: float = 1.0, style_weight: float = 1e3,
            tv_weight: float = 1.0, steps: int = 100, style_layers: Sequence[int] = STYLE_LAYERS,
            init: str = "content", seed: int = 0, lr: float = 0.02, every: int = 5) -> Iterator[Snapshot]:
    """Optimise an image to match `content`'s features and the (mixed) Gram matrices of `styles`.
    Yields a Snapshot before the first step and then every `every` steps; stop iterating to stop.
    content: (1, 3, H, W) in [0, 1]; styles: (1, 3, h, w) each; mix: weight per style image."""
    start = time.perf_counter()
    layers = tuple(sorted(set(style_layers) | {CONTENT_LAYER}))
    with torch.no_grad():
        content_target = model.block_outputs(content, layers)[CONTENT_LAYER]
        per_style = [model.block_outputs(s, layers) for s in styles]
        total_mix = sum(mix)
        targets = {k: sum(w / total_mix * gram_matrix(f[k]) for w, f in zip(mix, per_style))
                   for k in style_layers}
    gen = torch.Generator().manual_seed(seed)
    image = content.clone() if init == "content" else torch.rand(content.shape, generator=gen)
    image.requires_grad_(True)
    optimizer = torch.optim.Adam([image], lr=lr)
    best, best_total, history = image.detach().clone(), math.inf, []
    losses = {"content": 0.0, "style": 0.0, "tv": 0.0, "total": math.inf}
    for step in range(steps + 1):
        feats = model.block_outputs(image, layers)
        terms = {"content": content_weight * content_loss(feats[CONTENT_LAYER], content_target),
                 "style": style_weight * style_loss(feats, targets),
                 "tv": tv_weight * tv_loss(image)}
        total = terms["content"] + terms["style"] + terms["tv"]
        losses = {k: v.item() for k, v in terms.items()} | {"total": total.item()}
        history.append(losses)
        if losses["total"] < best_total:
            best, best_total = image.detach().clone(), losses["total"]
        if step % every == 0 or step == steps:
            yield Snapshot(image.detach().clone(), best, step, time.perf_counter() - start, losses, history)
        if step == steps:
            break
        (grad,) = torch.autograd.grad(total, image)
        image.grad = grad
        optimizer.step()
        with torch.no_grad():
            image.clamp_(0, 1)


def optimise(model: nn.Module, content: torch.Tensor, styles: Sequence[torch.Tensor],
             mix: Sequence[float], content_weight: float, style_weight: float, tv_weight: float, steps: int,
             style_layers: Sequence[int], init: str, seed: int,
             on_progress: Callable[[float, Snapshot], None] = lambda f, s: None) -> Snapshot:
    """`stylize` run to the end as one call: `on_progress(fraction, snapshot)` after every step (it
    may raise to stop the run); returns the last snapshot (its `best` is the result)."""
    snap = None
    for snap in stylize(model, content, styles, mix, content_weight, style_weight, tv_weight, steps,
                        style_layers, init, seed):
        on_progress(snap.step / steps, snap)
    return snap


def seconds_per_step(size: int, repeat: int = 3, on_progress=None) -> float:
    """Measured wall time of one optimisation step at `size` px on this machine (median of `repeat`),
    the basis of the page's time estimate before a run starts."""
    from models import load_pretrained

    model = load_pretrained("efficientnet_lite0")
    content = torch.rand(1, 3, size, size, generator=torch.Generator().manual_seed(0))
    times = [snap.seconds for snap in stylize(model, content, [content[..., :256, :256]], steps=repeat, every=1)]
    return float(np.median(np.diff(times)))  # snapshot k+1 - snapshot k = one backward, step and forward


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


def resize_longer(image: torch.Tensor, size: int) -> torch.Tensor:
    """Scale (1, C, H, W) so the longer side is `size` (multiples of 8, at least 32 px)."""
    h, w = image.shape[-2:]
    s = size / max(h, w)
    new = (max(32, round(h * s / 8) * 8), max(32, round(w * s / 8) * 8))
    return F.interpolate(image, size=new, mode="bilinear", antialias=True, align_corners=False).clamp(0, 1)


def fast_stylize(net, content: torch.Tensor, style: torch.Tensor) -> torch.Tensor:
    """Feed-forward arbitrary stylisation (Magenta): style centre-cropped to 256², content scaled to
    384 on its longer side and padded to 384² (reflected where the picture is large enough, edge
    pixels repeated beyond that, so any aspect ratio works). Returns (1, 3, H, W) at the content's size."""
    import numpy as np

    s = style[0]
    side = min(s.shape[-2:])
    top, left = (s.shape[-2] - side) // 2, (s.shape[-1] - side) // 2
    s = F.interpolate(s[None, :, top:top + side, left:left + side], size=(256, 256), mode="bilinear",
                      antialias=True, align_corners=False)[0]
    small = resize_longer(content, 384)[0]
    h, w = small.shape[-2:]
    padded = small[None]
    while padded.shape[-2:] != (384, 384):  # reflect needs padding < size: grow in reflect-sized bites
        ph, pw = min(384 - padded.shape[-2], padded.shape[-2] - 1), min(384 - padded.shape[-1], padded.shape[-1] - 1)
        padded = F.pad(padded, (0, pw, 0, ph), mode="reflect" if min(ph, pw) >= 0 and (ph or pw) else "replicate")
    padded = padded[0]
    out = net.stylize(padded.permute(1, 2, 0).numpy(), net.style_vector(s.permute(1, 2, 0).numpy()))
    result = torch.from_numpy(np.ascontiguousarray(out[:h, :w])).permute(2, 0, 1)[None]
    return F.interpolate(result, size=content.shape[-2:], mode="bilinear", align_corners=False).clamp(0, 1)
