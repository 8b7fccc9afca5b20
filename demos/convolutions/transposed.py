"""Transposed convolution as stamping: every input pixel adds a scaled copy of the kernel into the
output; the overlaps are uneven when k is not a multiple of s, the checkerboard (Odena, Dumoulin & Olah
2016), and resizing then convolving avoids it; it is the adjoint (the backward pass) of a convolution,
not its inverse (Long et al. 2015; Radford et al. 2016).
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import torch
import torch.nn.functional as F
from plotly.subplots import make_subplots

from demos.convolutions.kernels import grey
from demos.convolutions.pooling import relative_change
from demos.convolutions.sliding import rect, square_cells
from demos.plots import OKABE_ITO, SEQUENTIAL
from demos.replay import animate

KERNEL_RANGE, STRIDE_RANGE = (1, 5), (1, 3)
INPUTS = {"ones": "All ones (counts the stamps)", "image": "Your image, 6×6"}  # stamped input -> label
COUNT_SIDE = 6  # input side of the stamp counts
UPSAMPLE_SIDE, ADJOINT_SIDE = 14, 28  # your image's side when upsampled, and in the adjoint check


# ---------------------------------------------------------------- stamping
def transposed_out(n: int, k: int, stride: int = 1, padding: int = 0, dilation: int = 1,
                   output_padding: int = 0) -> int:
    """Output side of a transposed convolution: (n − 1)s − 2p + d(k − 1) + output_padding + 1."""
    return (n - 1) * stride - 2 * padding + dilation * (k - 1) + output_padding + 1


def stamp(image: np.ndarray, weights: np.ndarray, stride: int) -> tuple[np.ndarray, list[np.ndarray]]:
    """Transposed convolution as stamping: every input pixel adds (its value × kernel) at stride-spaced
    places in the output; overlaps add. (H, W), (k, k) -> (output, the running output after each stamp)."""
    k = weights.shape[0]
    h, w = image.shape
    out = np.zeros((transposed_out(h, k, stride), transposed_out(w, k, stride)))
    steps = []
    for i in range(h):
        for j in range(w):
            out[i * stride:i * stride + k, j * stride:j * stride + k] += image[i, j] * weights
            steps.append(out.copy())
    return out, steps


def stamp_input(source: str, images: torch.Tensor) -> np.ndarray:
    """What is stamped: 4 × 4 ones ('ones', the output counts the stamps) or your image at 6 × 6 ('image')."""
    return np.ones((4, 4)) if source == "ones" else grey(images, 6)


def stamp_figure(image: np.ndarray, weights: np.ndarray, stride: int, height: int = 420) -> go.Figure:
    """Input | kernel | output, one frame per stamp: a client-side player."""
    out, steps = stamp(image, weights, stride)
    k, (h, w) = weights.shape[0], image.shape
    fig = make_subplots(rows=1, cols=3, column_widths=[0.3, 0.2, 0.5], horizontal_spacing=0.05,
                        subplot_titles=(f"Input {h}×{w}", f"Kernel {k}×{k}", f"Output {out.shape[0]}×{out.shape[1]}"))
    fig.add_trace(go.Heatmap(z=image, colorscale="gray", showscale=False, texttemplate="%{z:.2~g}" if h <= 7 else None), 1, 1)
    fig.add_trace(go.Scatter(**rect(-.5, -.5, 1, 1), mode="lines", line=dict(color=OKABE_ITO[3], width=3)), 1, 1)
    fig.add_trace(go.Heatmap(z=weights, colorscale=SEQUENTIAL, showscale=False, texttemplate="%{z:.2g}"), 1, 2)
    top = float(np.abs(out).max()) or 1.0
    fig.add_trace(go.Heatmap(z=steps[-1], colorscale=SEQUENTIAL, zmin=0, zmax=top, showscale=False,
                             texttemplate="%{z:.2~g}" if out.shape[0] <= 10 else None), 1, 3)
    fig.add_trace(go.Scatter(**rect(-.5, -.5, k, k), mode="lines", line=dict(color=OKABE_ITO[3], width=3)), 1, 3)
    frames = [{1: rect(j - .5, i - .5, 1, 1), 3: {"z": steps[n]}, 4: rect(j * stride - .5, i * stride - .5, k, k)}
              for n, (i, j) in enumerate((i, j) for i in range(h) for j in range(w))]
    square_cells(fig, 1, 3)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, autorange="reversed")
    fig.update_layout(height=height, showlegend=False, margin=dict(l=10, r=10, t=30, b=10))
    return animate(fig, frames, [f"{n + 1}" for n in range(len(frames))], frame_ms=250, prefix="stamp ", start=0)


def stamp_caption(image: np.ndarray, k: int, stride: int) -> str:
    return (f"Each of the {image.size} input pixels adds (its value × the {k}×{k} kernel of ones) into the output "
            f"at {stride}-px steps; overlaps add up. Output side ({image.shape[0]} − 1)·{stride} + {k} = "
            f"{transposed_out(image.shape[0], k, stride)}.")


# ---------------------------------------------------------------- the checkerboard and its fix
def overlap_counts(n: int, k: int, stride: int) -> np.ndarray:
    """How many stamps land on each output pixel of a stride-s transposed conv of an n × n input with
    a k × k kernel: uneven (a checkerboard) when k is not a multiple of s (Odena et al. 2016)."""
    return stamp(np.ones((n, n)), np.ones((k, k)), stride)[0]


def resize_conv_counts(n: int, k: int, stride: int) -> np.ndarray:
    """The same count for the fix: nearest-neighbour resize by s, then a k × k conv ('same' size)."""
    up = np.kron(np.ones((n, n)), np.ones((stride, stride)))
    return F.conv2d(torch.from_numpy(up)[None, None], torch.ones(1, 1, k, k, dtype=torch.float64),
                    padding="same")[0, 0].numpy()


def interior_values(counts: np.ndarray, k: int, stride: int, method: str = "transposed") -> list[int]:
    """The distinct stamp counts of the pixels every window that could reach them does reach (no border
    cut any off). Transposed conv of an n-wide input: output pixel p gets the stamps of inputs i with
    i·s ≤ p < i·s + k, all of them present for k − 1 ≤ p ≤ n·s − 1. Resize then a 'same' k × k conv:
    the pixels whose window lies inside the resized image, (k − 1)//2 from the top and left and
    k − 1 − (k − 1)//2 from the bottom and right. Both ranges hold n·s − k + 1 ≥ 1 pixels a side
    (n = COUNT_SIDE = 6 ≥ k), so the interior is never empty on this tab."""
    if method == "transposed":
        n = (counts.shape[0] - k) // stride + 1
        inner = counts[k - 1:n * stride, k - 1:n * stride]
    else:
        lo = (k - 1) // 2
        hi = counts.shape[0] - (k - 1 - lo)
        inner = counts[lo:hi, lo:hi]
    return sorted({int(round(v)) for v in inner.ravel()})


def upsample(image: np.ndarray, k: int, stride: int, method: str) -> np.ndarray:
    """Upsample (H, W) by `stride` with a k × k box kernel scaled to keep the mean brightness:
    'transposed' (stride-s transposed conv) or 'resize' (nearest resize, then the conv)."""
    x = torch.from_numpy(image)[None, None]
    if method == "transposed":
        w = torch.full((1, 1, k, k), stride**2 / k**2, dtype=torch.float64)
        return F.conv_transpose2d(x, w, stride=stride)[0, 0].numpy()
    up = F.interpolate(x, scale_factor=stride, mode="nearest")
    return F.conv2d(up, torch.full((1, 1, k, k), 1 / k**2, dtype=torch.float64), padding="same")[0, 0].numpy()


def grey_pair_figure(left: np.ndarray, right: np.ndarray, titles: tuple[str, str], height: int = 300,
                     text: bool = False) -> go.Figure:
    """Two arrays side by side on one shared grey scale (for upsampled images and stamp counts)."""
    fig = make_subplots(rows=1, cols=2, subplot_titles=titles, horizontal_spacing=0.04)
    lo, hi = min(left.min(), right.min()), max(left.max(), right.max())
    for col, z in enumerate((left, right), start=1):
        fig.add_trace(go.Heatmap(z=z, colorscale="gray", zmin=lo, zmax=hi, showscale=False,
                                 texttemplate="%{z:.0f}" if text else None,
                                 hovertemplate="%{z:.3f}<extra></extra>"), 1, col)
    square_cells(fig, 1, 2)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, autorange="reversed")
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=30, b=10))
    return fig


def checkerboard_figure(k: int, stride: int) -> go.Figure:
    """Stamps per pixel: the transposed conv against resize-then-conv, on a COUNT_SIDE × COUNT_SIDE input."""
    return grey_pair_figure(overlap_counts(COUNT_SIDE, k, stride), resize_conv_counts(COUNT_SIDE, k, stride),
                            ("Transposed conv: stamps per pixel", "Resize, then conv"), text=True)


def checkerboard_caption(k: int, stride: int) -> str:
    uneven = interior_values(overlap_counts(COUNT_SIDE, k, stride), k, stride)
    even = interior_values(resize_conv_counts(COUNT_SIDE, k, stride), k, stride, "resize")
    return (f"Away from the borders, a stride-{stride} transposed conv with a {k}×{k} kernel gives pixels "
            f"{', '.join(map(str, uneven))} stamps" + (" — uneven, the checkerboard" if len(uneven) > 1 else " — even")
            + f"; nearest resize then a {k}×{k} conv gives {', '.join(map(str, even))}.")


def upsample_figure(image: np.ndarray, k: int, stride: int) -> go.Figure:
    return grey_pair_figure(upsample(image, k, stride, "transposed"), upsample(image, k, stride, "resize"),
                            ("Upsampled by a transposed conv", "Resized, then convolved"))


def upsample_caption(image: np.ndarray, k: int, stride: int) -> str:
    uneven = len(interior_values(overlap_counts(COUNT_SIDE, k, stride), k, stride)) > 1
    return (f"The image at {image.shape[0]}×{image.shape[1]} upsampled ×{stride} with the same box kernel both ways; "
            + ("the transposed conv paints the stamp pattern over it." if uneven else
               "with this kernel and stride both are smooth."))


# ---------------------------------------------------------------- adjoint, not inverse
def _output_padding(x: torch.Tensor, cx: torch.Tensor, k: int, stride: int) -> tuple[int, int]:
    """The rows/columns the strided conv dropped, so that convᵀ returns x's exact shape."""
    return tuple(int(n - transposed_out(m, k, stride)) for n, m in zip(x.shape[-2:], cx.shape[-2:]))


def adjoint_check(image: np.ndarray, k: int, stride: int, seed: int = 0) -> dict[str, float]:
    """⟨conv(x), y⟩ against ⟨x, convᵀ(y)⟩ for a random kernel w and a random y of conv(x)'s shape
    (equal: convᵀ is the adjoint, i.e. the gradient, of conv), and how far convᵀ(conv(x)) is from x
    (far: it is not the inverse)."""
    g = torch.Generator().manual_seed(seed)
    x = torch.from_numpy(image)[None, None]
    w = torch.randn(1, 1, k, k, generator=g, dtype=torch.float64)
    cx = F.conv2d(x, w, stride=stride)
    y = torch.randn(cx.shape, generator=g, dtype=torch.float64)
    back = F.conv_transpose2d(y, w, stride=stride, output_padding=_output_padding(x, cx, k, stride))
    round_trip = F.conv_transpose2d(cx, w, stride=stride, output_padding=_output_padding(x, cx, k, stride))
    return {"conv_dot_y": float((cx * y).sum()), "x_dot_convT": float((x * back).sum()),
            "inverse_error": relative_change(image, round_trip[0, 0].numpy())}


def adjoint_text(check: dict[str, float]) -> str:
    """The paragraph under the pictures: both inner products, and how far the round trip misses."""
    return (f"**Adjoint, not inverse.** ⟨conv(x), y⟩ = {check['conv_dot_y']:.6f} and ⟨x, convᵀ(y)⟩ = "
            f"{check['x_dot_convT']:.6f} for a random kernel and random y: the transposed conv is the adjoint "
            f"(the backward pass) of the conv. But convᵀ(conv(x)) misses x by {check['inverse_error']:.0%} "
            "(relative L2): it does not undo the conv.")
