"""One-pass arbitrary style transfer (Ghiasi et al. 2017, Magenta's ONNX network): a style-prediction
network turns the style image into a vector, a transfer network applies it in one forward pass."""
from __future__ import annotations

import torch
import torch.nn.functional as F

from demos.style_transfer.inputs import resize_longer


def style_square(image: torch.Tensor) -> torch.Tensor:
    """(1, 3, H, W) centre-cropped to a square and scaled to the predictor's 256² -> (3, 256, 256)."""
    s = image[0]
    side = min(s.shape[-2:])
    top, left = (s.shape[-2] - side) // 2, (s.shape[-1] - side) // 2
    return F.interpolate(s[None, :, top:top + side, left:left + side], size=(256, 256), mode="bilinear",
                         antialias=True, align_corners=False)[0]


def fast_stylize(net, content: torch.Tensor, style: torch.Tensor, strength: float = 1.0) -> torch.Tensor:
    """Feed-forward arbitrary stylisation (Magenta): style centre-cropped to 256², content scaled to
    384 on its longer side and padded to 384² (reflected where the picture is large enough, edge
    pixels repeated beyond that, so any aspect ratio works). `strength` blends the style's vector with
    the content's own, v = s·v(style) + (1 − s)·v(content) (Ghiasi et al. 2017's way of weakening a
    style: 0 gives back roughly the content). Returns (1, 3, H, W) at the content's size."""
    import numpy as np

    s = style_square(style)
    small = resize_longer(content, 384)[0]
    h, w = small.shape[-2:]
    padded = small[None]
    while padded.shape[-2:] != (384, 384):  # reflect needs padding < size: grow in reflect-sized bites
        ph, pw = min(384 - padded.shape[-2], padded.shape[-2] - 1), min(384 - padded.shape[-1], padded.shape[-1] - 1)
        padded = F.pad(padded, (0, pw, 0, ph), mode="reflect" if min(ph, pw) >= 0 and (ph or pw) else "replicate")
    padded = padded[0]
    vector = net.style_vector(s.permute(1, 2, 0).numpy())
    if strength < 1.0:
        own = net.style_vector(style_square(content).permute(1, 2, 0).numpy())
        vector = strength * vector + (1.0 - strength) * own
    out = net.stylize(padded.permute(1, 2, 0).numpy(), vector)
    result = torch.from_numpy(np.ascontiguousarray(out[:h, :w])).permute(2, 0, 1)[None]
    return F.interpolate(result, size=content.shape[-2:], mode="bilinear", align_corners=False).clamp(0, 1)


def timed_fast_stylize(net, content: torch.Tensor, style: torch.Tensor,
                       strength: float = 1.0) -> tuple[torch.Tensor, float]:
    """`fast_stylize` and the wall time it took in seconds (kept together, so a cached result keeps
    the time its own computation took)."""
    import time

    start = time.perf_counter()
    result = fast_stylize(net, content, style, strength)
    return result, time.perf_counter() - start


def fast_caption(seconds: float, strength: float = 1.0, short: bool = False) -> str:
    """Under the fast result: its time and what ran; `short` (a slide): the time and strength only."""
    if short:
        return f"Fast network (Magenta): {seconds:.2f} s, style strength {strength:.0%}"
    passes = "two forward passes (style prediction, then the transfer network)" if strength == 1.0 else \
        "three forward passes (the style's vector, the content's own, then the transfer network)"
    return (f"Fast network (Magenta): {seconds:.2f} s for {passes}; style strength {strength:.0%}. It has no style "
            "weight: the weight sliders steer the optimisation only.")
