"""One-pass arbitrary style transfer (Ghiasi et al. 2017, Magenta's ONNX network): a style-prediction
network turns the style image into a vector, a transfer network applies it in one forward pass."""
from __future__ import annotations

import torch
import torch.nn.functional as F

from demos.style_transfer.inputs import resize_longer


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


def timed_fast_stylize(net, content: torch.Tensor, style: torch.Tensor) -> tuple[torch.Tensor, float]:
    """`fast_stylize` and the wall time it took in seconds (kept together, so a cached result keeps
    the time its own computation took)."""
    import time

    start = time.perf_counter()
    result = fast_stylize(net, content, style)
    return result, time.perf_counter() - start


def fast_caption(seconds: float) -> str:
    return (f"Fast network (Magenta): {seconds:.2f} s for two forward passes "
            "(style prediction, then the transfer network)")
