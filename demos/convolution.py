"""Convolution, pooling and transposed convolution written out by hand (each checked against
torch.nn.functional in tests/test_convolution.py), the shape and parameter arithmetic, and shift
equivariance and invariance measured. What the trained networks see is `demos.feature_maps`.

Deep learning's "convolution" is cross-correlation (no kernel flip) on the zero-padded input xp:
    out[i, j] = Σ_c Σ_u Σ_v xp[c, s·i + d·u, s·j + d·v] · w[c, u, v]
A shared model (prediction vs shift) is only read: no hooks, no mode flips, no gradients on its
parameters.
"""
from __future__ import annotations

import math
import re
from typing import Callable, Sequence

import numpy as np
import plotly.graph_objects as go
import torch
import torch.nn.functional as F
from plotly.subplots import make_subplots
from torch import nn

from demos.plots import DIVERGING, OKABE_ITO, SEQUENTIAL
from demos.replay import animate

KERNELS = {"identity": "Identity", "edge": "Edge (Laplacian)", "sobel_x": "Sobel x (vertical edges)",
           "sobel_y": "Sobel y (horizontal edges)", "blur": "Blur (binomial)", "box": "Box blur",
           "sharpen": "Sharpen", "custom": "Custom values…"}  # preset name -> title
KERNEL_RANGE = (1, 7)  # kernel side, pixels
STRIDE_RANGE, PADDING_RANGE, DILATION_RANGE = (1, 4), (0, 3), (1, 3)
MAX_GRID = 12  # largest typed input grid (rows and columns)
MAX_VALUE = 1000.0  # largest magnitude of a typed value
MAX_FRAMES = 150  # window positions the player visits at most (evenly spread over all of them)
SLIDE_SIDE = {"digits": 14, "photos": 16}  # the hero's input side: a 2x-pooled digit, a photo thumbnail
DEFAULT_GRID = "0 0 0 9 9 9\n0 0 0 9 9 9\n0 0 0 9 9 9\n0 0 9 9 9 9\n0 0 9 9 9 9\n0 0 9 9 9 9"
DEFAULT_CUSTOM = "0 -1 0\n-1 5 -1\n0 -1 0"
LUMA = (0.299, 0.587, 0.114)  # ITU-R 601 weights: RGB -> grey


class GridError(ValueError):
    """Typed numbers that cannot be used; the message is written for the person who typed them."""


# ---------------------------------------------------------------- kernels and typed grids
def _binomial(n: int) -> np.ndarray:
    return np.array([math.comb(n - 1, i) for i in range(n)], dtype=float)


def kernel(name: str, size: int) -> np.ndarray:
    """A preset (size, size) kernel. Sobel generalises as binomial smoothing ⊗ binomial derivative
    (size 3: [1, 2, 1] ⊗ [−1, 0, 1]); blur is the normalised binomial; sharpen = 2·identity − blur."""
    identity = np.zeros((size, size))
    identity[size // 2, size // 2] = 1.0
    smooth = _binomial(size)
    blur = np.outer(smooth, smooth) / smooth.sum() ** 2
    if name == "identity":
        return identity
    if name == "box":
        return np.full((size, size), 1.0 / size**2)
    if name == "blur":
        return blur
    if name == "sharpen":
        return 2 * identity - blur
    if name == "edge":
        return size**2 * identity - 1.0  # −1 around, size²−1 in the centre: sums to 0
    if name in ("sobel_x", "sobel_y"):
        deriv = np.convolve(_binomial(size - 1), [-1.0, 1.0]) if size > 1 else np.zeros(1)
        sobel = np.outer(smooth, deriv)
        return sobel if name == "sobel_x" else sobel.T
    raise ValueError(f"unknown kernel {name!r}; choose from {', '.join(KERNELS)}")


def parse_grid(text: str, max_side: int = MAX_GRID, square: bool = False) -> np.ndarray:
    """Rows of numbers (one row per line or separated by ';', values by spaces or commas) -> 2-D
    array. Raises GridError with a message for the person who typed it."""
    rows = [r.strip() for r in re.split(r"[\n;]", text or "") if r.strip()]
    if not rows:
        raise GridError("The grid is empty: type rows of numbers, one row per line.")
    if len(rows) > max_side:
        raise GridError(f"{len(rows)} rows is too many: at most {max_side}.")
    values = []
    for i, row in enumerate(rows, start=1):
        cells = [c for c in re.split(r"[\s,]+", row) if c]
        bad = next((c for c in cells if not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", c, re.ASCII)), None)
        if bad is not None:
            shown = re.sub(r"[^\w.+-]", "?", bad[:12])
            raise GridError(f"Row {i}: `{shown}` is not a number.")
        values.append([float(c) for c in cells])
    widths = sorted({len(r) for r in values})
    if len(widths) > 1:
        raise GridError(f"Rows have different lengths ({', '.join(map(str, widths))} values): "
                        "every row needs the same number of values.")
    a = np.array(values)
    if a.shape[1] > max_side:
        raise GridError(f"{a.shape[1]} columns is too many: at most {max_side}.")
    if not np.isfinite(a).all() or np.abs(a).max() > MAX_VALUE:
        raise GridError(f"Values must lie between −{MAX_VALUE:g} and {MAX_VALUE:g}.")
    if square and a.shape[0] != a.shape[1]:
        raise GridError(f"A kernel must be square; this one is {a.shape[0]} × {a.shape[1]}.")
    return a


def read_grid(text: str, default: str, max_side: int = MAX_GRID, square: bool = False) -> tuple[np.ndarray, str | None]:
    """`parse_grid`, falling back to `default`: (values, the problem with the typed text or None)."""
    try:
        return parse_grid(text, max_side, square), None
    except GridError as err:
        return parse_grid(default, max_side, square), str(err)


def grey(images: torch.Tensor, side: int) -> np.ndarray:
    """(1, C, H, W) in [0, 1] -> (side, side) grey levels (luma, area-averaged): the hero's input."""
    x = images[0]
    g = sum(w * x[c] for c, w in enumerate(LUMA)) if x.shape[0] == 3 else x[0]
    return F.adaptive_avg_pool2d(g[None, None], side)[0, 0].double().numpy()


# ---------------------------------------------------------------- the sliding dot product
def conv_out(n: int, k: int, stride: int = 1, pad_total: int = 0, dilation: int = 1) -> int:
    """Output side of a convolution or pooling: ⌊(n + p_total − d(k−1) − 1)/s⌋ + 1 (p_total = 2p for
    symmetric padding); 0 or less means the kernel's span does not fit the padded input."""
    return (n + pad_total - dilation * (k - 1) - 1) // stride + 1


def transposed_out(n: int, k: int, stride: int = 1, padding: int = 0, dilation: int = 1,
                   output_padding: int = 0) -> int:
    """Output side of a transposed convolution: (n − 1)s − 2p + d(k − 1) + output_padding + 1."""
    return (n - 1) * stride - 2 * padding + dilation * (k - 1) + output_padding + 1


def formula_text(n: int, k: int, stride: int, padding: int, dilation: int) -> str:
    """The output-size formula with the numbers substituted, e.g. ⌊(14 + 2·1 − 1·(3 − 1) − 1)/1⌋ + 1 = 14."""
    return (f"⌊({n} + 2·{padding} − {dilation}·({k} − 1) − 1) / {stride}⌋ + 1 = "
            f"{conv_out(n, k, stride, 2 * padding, dilation)}")


def convolve(images: np.ndarray, weights: np.ndarray, stride: int = 1, padding: int = 0,
             dilation: int = 1) -> np.ndarray:
    """The sliding dot product, one window at a time. images: (C, H, W); weights: (C, k, k) (one
    kernel per input channel, summed) -> (H', W'). Raises ValueError if the kernel does not fit."""
    c, h, w = images.shape
    k = weights.shape[-1]
    oh, ow = conv_out(h, k, stride, 2 * padding, dilation), conv_out(w, k, stride, 2 * padding, dilation)
    if oh < 1 or ow < 1:
        raise ValueError(f"the kernel spans {dilation * (k - 1) + 1} px, more than the padded input "
                         f"({h + 2 * padding} × {w + 2 * padding})")
    xp = np.pad(images, ((0, 0), (padding, padding), (padding, padding)))
    taps = dilation * np.arange(k)
    out = np.empty((oh, ow))
    for i in range(oh):
        for j in range(ow):
            window = xp[:, (stride * i + taps)[:, None], stride * j + taps]  # (C, k, k)
            out[i, j] = np.sum(window * weights)
    return out


def torch_check(image: np.ndarray, weights: np.ndarray, stride: int, padding: int,
                dilation: int) -> tuple[tuple[int, ...], float]:
    """(shape F.conv2d returns, largest |difference| from `convolve`) for one (H, W) image."""
    ref = F.conv2d(torch.from_numpy(image)[None, None], torch.from_numpy(weights)[None, None],
                   stride=stride, padding=padding, dilation=dilation)
    ours = convolve(image[None], weights[None], stride, padding, dilation)
    return tuple(ref.shape), float(np.abs(ref[0, 0].numpy() - ours).max())


def same_padding(k: int, dilation: int = 1) -> int | None:
    """Padding that keeps the size at stride 1: p = d(k − 1)/2 (None when that is not a whole number)."""
    span = dilation * (k - 1)
    return span // 2 if span % 2 == 0 else None


def _rect(x0: float, y0: float, side_x: float, side_y: float) -> dict:
    x0, y0 = float(x0), float(y0)
    return {"x": [x0, x0 + side_x, x0 + side_x, x0, x0], "y": [y0, y0, y0 + side_y, y0 + side_y, y0]}


def square_cells(fig: go.Figure, rows: int, cols: int) -> None:
    """Square pixels in every subplot of a make_subplots grid (each y axis anchored to its x axis)."""
    for row in range(1, rows + 1):
        for col in range(1, cols + 1):
            i = (row - 1) * cols + col
            fig.update_yaxes(scaleanchor="x" if i == 1 else f"x{i}", row=row, col=col)


def _num(v: float, fmt: str = ".2f") -> str:
    text = format(abs(v), fmt)
    return text if v >= 0 or float(text) == 0 else f"(−{text})"


def dot_product_text(products: np.ndarray, window: np.ndarray, weights: np.ndarray, r: int, c: int) -> str:
    """What the current window computes, written out (all terms up to 3 × 3, a summary beyond)."""
    total = float(products.sum())
    if products.size <= 9:
        terms = " + ".join(f"{_num(x, '.3g')}·{_num(w, '.3g')}" for x, w in zip(window.ravel(), weights.ravel()))
        return f"out[{r}, {c}] = {terms} = {_num(total, '.3f')}"
    big = np.unravel_index(np.abs(products).argmax(), products.shape)
    return (f"out[{r}, {c}] = sum of {products.size} products = {_num(total, '.3f')}   (largest: "
            f"{_num(window[big], '.3g')}·{_num(weights[big], '.3g')} at kernel row {big[0]}, column {big[1]})")


def slide_figure(image: np.ndarray, weights: np.ndarray, stride: int, padding: int, dilation: int,
                 height: int = 480) -> go.Figure:
    """The hero: the zero-padded input with the window, the kernel, window ⊙ kernel, and the output,
    position by position, with the dot product written out; a client-side player. One set of axes
    holds all four panels (kernel and products drawn `zoom` times larger), so a frame updates three traces."""
    k, span = weights.shape[0], dilation * (weights.shape[0] - 1) + 1
    out = convolve(image[None], weights[None], stride, padding, dilation)
    (oh, ow), xp, taps = out.shape, np.pad(image, padding), dilation * np.arange(k)
    (hp, wp), gap = xp.shape, 2
    zoom = max(1, round(max(hp, oh) / (2 * k)))  # kernel and products cells, in input cells
    oz = max(1, max(hp, k * zoom) // oh)  # output cells, so that a small output stays readable
    x_kernel = wp + gap
    x_prod = x_kernel + k * zoom + gap
    x_out = x_prod + k * zoom + gap
    bottom = max(hp, oh * oz, k * zoom) + 0.6  # the line with the dot product
    fig = go.Figure()

    def panel(z: np.ndarray, x0: float, cell: int, name: str, colours: dict, text: str | None) -> None:
        fig.add_trace(go.Heatmap(z=z, x0=x0 - .5 + cell / 2, dx=cell, y0=-.5 + cell / 2, dy=cell, showscale=False,
                                 texttemplate=text, hovertemplate=name + " %{z:.3f}<extra></extra>", **colours))

    def signed(bound: float) -> dict:
        return dict(colorscale=DIVERGING, zmid=0, zmin=-(bound or 1.0), zmax=bound or 1.0)
    bound = float(np.abs(weights).max())
    panel(xp, 0, 1, "input", dict(colorscale="gray"), "%{z:.3~g}" if hp <= 10 and wp <= 10 else None)  # 0
    panel(weights, x_kernel, zoom, "weight", signed(bound), "%{z:.2~g}")  # 1
    panel(np.zeros((k, k)), x_prod, zoom, "x·w", signed(float(np.abs(xp).max()) * bound), "%{z:.2f}")  # 2: animated
    panel(out, x_out, oz, "output", signed(float(np.abs(out).max())), "%{z:.3~g}" if oz > 1 or max(oh, ow) <= 10 else None)  # 3
    fig.add_trace(go.Scatter(**_rect(padding - .5, padding - .5, image.shape[1], image.shape[0]), mode="lines",
                             line=dict(color=OKABE_ITO[1], dash="dot", width=1.5), hoverinfo="skip"))  # 4

    dots = dilation > 1  # with gaps between the pixels it reads, mark them (else the outline says it all)

    def marks(r: int, c: int) -> dict:
        """Window outline, the pixels it reads, and the output cell (None breaks the line)."""
        window, cell = _rect(stride * c - .5, stride * r - .5, span, span), _rect(x_out + c * oz - .5, r * oz - .5, oz, oz)
        px = [v for x in np.tile(stride * c + taps, k).tolist() for v in (None, x)] if dots else []
        py = [v for y in np.repeat(stride * r + taps, k).tolist() for v in (None, y)] if dots else []
        return {"x": window["x"] + px + [None] + cell["x"], "y": window["y"] + py + [None] + cell["y"]}
    sizes = [0] * 5 + [0, 6] * (k * k if dots else 0) + [0] * 6
    fig.add_trace(go.Scatter(mode="lines+markers", hoverinfo="skip", line=dict(color=OKABE_ITO[3], width=3),
                             marker=dict(color=OKABE_ITO[3], size=sizes), **marks(0, 0)))  # 5: animated
    fig.add_trace(go.Scatter(x=[(x_out + ow * oz) / 2], y=[bottom], text=[""], mode="text", hoverinfo="skip",
                             textfont=dict(family="monospace", size=12)))  # 6: the sum, animated
    positions = np.unique(np.linspace(0, oh * ow - 1, min(oh * ow, MAX_FRAMES)).round().astype(int))
    frames, labels = [], []
    for p in positions:  # a frame sends only what changes, as plain lists (validated 3x faster than arrays)
        r, c = divmod(int(p), ow)
        window = xp[(stride * r + taps)[:, None], stride * c + taps]
        products = window * weights
        frames.append({2: {"z": products.tolist()}, 5: marks(r, c),
                       6: {"text": [dot_product_text(products, window, weights, r, c)]}})
        labels.append(f"({r}, {c})")
    titles = [(wp / 2, f"Input, zero-padded by {padding}"), (x_kernel + k * zoom / 2, f"Kernel {k}×{k}"),
              (x_prod + k * zoom / 2, "Window ⊙ kernel"), (x_out + ow * oz / 2, f"Output {oh}×{ow}")]
    for x, title in titles:
        fig.add_annotation(x=x - .5, y=-.6, text=title, showarrow=False, yanchor="bottom", font=dict(size=13))
    fig.update_xaxes(visible=False, range=[-1, x_out + ow * oz])
    fig.update_yaxes(visible=False, range=[bottom + .8, -2], scaleanchor="x", constrain="domain")
    fig.update_layout(height=height, showlegend=False, margin=dict(l=5, r=5, t=5, b=5))
    return animate(fig, frames, labels, frame_ms=90, prefix="window at ", start=0)


# ---------------------------------------------------------------- parameters
def conv_params(c_in: int, c_out: int, k: int, bias: bool = True, dims: int = 2) -> int:
    """A conv layer's weights: c_out · (c_in · k^dims + bias). Padding and stride do not appear."""
    return c_out * (c_in * k**dims + int(bias))


def dense_params(n_in: int, n_out: int, bias: bool = True) -> int:
    """A dense layer's weights: n_in · n_out + bias · n_out."""
    return n_in * n_out + int(bias) * n_out


def torch_shape(dims: int, shape: Sequence[int], c_out: int, k: int, stride: int, padding: int,
                dilation: int) -> tuple[int, ...]:
    """Output shape torch itself gives for a 1-, 2- or 3-D conv on an input of `shape` (C, *spatial),
    on the meta device (shapes only, no arithmetic)."""
    conv = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}[dims]
    x = torch.empty(1, *shape, device="meta")
    w = torch.empty(c_out, shape[0], *[k] * dims, device="meta")
    return tuple(conv(x, w, stride=stride, padding=padding, dilation=dilation).shape[1:])


def params_figure(conv: int, dense: int, height: int = 300) -> go.Figure:
    """Two bars on a log scale: the conv layer's parameters and the equivalent dense layer's."""
    fig = go.Figure(go.Bar(x=["conv layer", "dense layer, same input and output"], y=[conv, dense],
                           marker_color=[OKABE_ITO[0], OKABE_ITO[1]], text=[f"{conv:,}", f"{dense:,}"],
                           textposition="auto"))
    fig.update_yaxes(type="log", title="parameters (log scale)")
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=10, b=10))
    return fig


DIMS = {1: ("a sentence: 300-d embeddings × 50 tokens", (300, 50)),
        2: ("your image", None),
        3: ("a video clip: RGB × 16 frames × 112 × 112", (3, 16, 112, 112))}  # dims -> (example, input shape)


def dims_table(image_shape: Sequence[int], k: int, stride: int, padding: int, dilation: int,
               c_out: int) -> list[dict[str, object]]:
    """The same kernel settings as a 1-D, 2-D and 3-D conv: kernel shape, output shape (formula per
    axis, and torch's), parameters. A conv slides along `dims` axes and always spans every channel."""
    rows = []
    for dims, (example, shape) in DIMS.items():
        shape = tuple(image_shape) if shape is None else shape
        sides = [conv_out(n, k, stride, 2 * padding, dilation) for n in shape[1:]]
        fits = min(sides) >= 1
        rows.append({"conv": f"{dims}-D", "input (C, …)": f"{example} {shape}",
                     "kernel": f"{c_out} × {shape[0]} × " + " × ".join([str(k)] * dims),
                     "output (formula)": str((c_out, *sides)) if fits else "kernel does not fit",
                     "output (torch)": str(torch_shape(dims, shape, c_out, k, stride, padding, dilation)) if fits else "error",
                     "parameters": conv_params(shape[0], c_out, k, dims=dims)})
    return rows


# ---------------------------------------------------------------- pooling and shifts
def pool2d(image: np.ndarray, size: int, stride: int, mode: str = "max") -> np.ndarray:
    """Max or average over each size × size window, windows `stride` apart (no padding). (H, W) -> (H', W')."""
    oh, ow = conv_out(image.shape[0], size, stride), conv_out(image.shape[1], size, stride)
    reduce = np.max if mode == "max" else np.mean
    return np.array([[reduce(image[i * stride:i * stride + size, j * stride:j * stride + size])
                      for j in range(ow)] for i in range(oh)])


def shift(images: torch.Tensor, dx: int, dy: int = 0) -> torch.Tensor:
    """Move images (..., H, W) by dx px right and dy px down; what comes in is zero (black)."""
    out = torch.zeros_like(images)
    h, w = images.shape[-2:]
    if abs(dx) >= w or abs(dy) >= h:
        return out
    out[..., max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)] = \
        images[..., max(-dy, 0):h + min(-dy, 0), max(-dx, 0):w + min(-dx, 0)]
    return out


def relative_change(a: np.ndarray, b: np.ndarray) -> float:
    """‖b − a‖ / ‖a‖ (L2)."""
    return float(np.linalg.norm(b - a) / (np.linalg.norm(a) or 1.0))


def _interior(a: np.ndarray, border: int, entered: int) -> np.ndarray:
    """`a` without `border` cells at every edge and the `entered` columns a right shift let in."""
    return a[border:a.shape[0] - border, border:a.shape[1] - border - entered]


def equivariance_error(fmap: np.ndarray, fmap_shifted: np.ndarray, cells: int, border: int) -> float:
    """Largest |conv(shift x) moved back − conv(x)| away from the borders; `cells` is the shift in
    output cells (input shift / stride). 0 means the map moved exactly with the input."""
    back = shift(torch.from_numpy(fmap_shifted), -cells).numpy()
    diff = np.abs(_interior(back - fmap, border, cells))
    return float(diff.max()) if diff.size else float("nan")


def invariance_meter(image: np.ndarray, weights: np.ndarray, stride: int, padding: int, dilation: int,
                     pool: int, pool_stride: int, shifts: Sequence[int]) -> dict[str, list[float]]:
    """How much each stage changes when the input moves right by each shift (relative L2 change):
    the input, the feature map, the feature map moved back (equivariance error away from the borders;
    only where the shift is a multiple of the stride), the max- and average-pooled maps, the global max."""
    x = torch.from_numpy(image)[None, None]
    w = torch.from_numpy(weights)[None, None]

    def stages(img: torch.Tensor) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        fmap = F.conv2d(img, w, stride=stride, padding=padding, dilation=dilation)
        return (fmap[0, 0].numpy(), F.max_pool2d(fmap, pool, pool_stride)[0, 0].numpy(),
                F.avg_pool2d(fmap, pool, pool_stride)[0, 0].numpy())
    fmap, mx, av = stages(x)
    border = math.ceil((dilation * (weights.shape[0] - 1) + 1) / stride)
    curves: dict[str, list[float]] = {k: [] for k in ("input", "feature map", "feature map, moved back",
                                                       "max-pooled", "average-pooled", "global max")}
    for s in shifts:
        moved = shift(x, s)
        f2, m2, a2 = stages(moved)
        cells = s // stride
        back = shift(torch.from_numpy(f2), -cells).numpy()
        curves["input"].append(relative_change(image, moved[0, 0].numpy()))
        curves["feature map"].append(relative_change(fmap, f2))
        curves["feature map, moved back"].append(
            relative_change(_interior(fmap, border, cells), _interior(back, border, cells))
            if s % stride == 0 else math.nan)
        curves["max-pooled"].append(relative_change(mx, m2))
        curves["average-pooled"].append(relative_change(av, a2))
        curves["global max"].append(relative_change(np.array([fmap.max()]), np.array([f2.max()])))
    return curves


def shift_stages(image: np.ndarray, weights: np.ndarray, stride: int, padding: int, dilation: int,
                 pool: int, pool_stride: int, move: int) -> dict[str, object]:
    """The input, its feature map and both pooled maps, before and after a `move`-px shift right,
    with the equivariance error (None unless the shift is a multiple of the stride)."""
    out: dict[str, object] = {}
    w = torch.from_numpy(weights)[None, None]
    for tag, img in (("original", torch.from_numpy(image)[None, None]),
                     ("shifted", shift(torch.from_numpy(image)[None, None], move))):
        fmap = F.conv2d(img, w, stride=stride, padding=padding, dilation=dilation)
        out[tag] = {"input": img[0, 0].numpy(), "feature map": fmap[0, 0].numpy(),
                    "max pool": F.max_pool2d(fmap, pool, pool_stride)[0, 0].numpy(),
                    "average pool": F.avg_pool2d(fmap, pool, pool_stride)[0, 0].numpy()}
    border = math.ceil((dilation * (weights.shape[0] - 1) + 1) / stride)
    out["equivariance_error"] = (equivariance_error(out["original"]["feature map"], out["shifted"]["feature map"],
                                                    move // stride, border) if move % stride == 0 else None)
    return out


def stages_figure(stages: dict[str, object], height: int = 380) -> go.Figure:
    """Two rows (original, shifted) × four stages (input, feature map, max pool, average pool)."""
    names = ("input", "feature map", "max pool", "average pool")
    fig = make_subplots(rows=2, cols=4, row_titles=["original", "shifted"], column_titles=list(names),
                        horizontal_spacing=0.03, vertical_spacing=0.05)
    for col, name in enumerate(names, start=1):
        bound = max(float(np.abs(stages[t][name]).max()) for t in ("original", "shifted")) or 1.0
        scale = dict(colorscale="gray") if name == "input" else dict(colorscale=DIVERGING, zmid=0, zmin=-bound, zmax=bound)
        for row, tag in enumerate(("original", "shifted"), start=1):
            fig.add_trace(go.Heatmap(z=stages[tag][name], showscale=False, **scale,
                                     hovertemplate=name + " %{z:.3f}<extra></extra>"), row, col)
    square_cells(fig, 2, 4)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, autorange="reversed")
    fig.update_layout(height=height, margin=dict(l=10, r=30, t=30, b=10))
    return fig


# ---------------------------------------------------------------- transposed convolution
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


def overlap_counts(n: int, k: int, stride: int) -> np.ndarray:
    """How many stamps land on each output pixel of a stride-s transposed conv of an n × n input with
    a k × k kernel: uneven (a checkerboard) when k is not a multiple of s (Odena et al. 2016)."""
    return stamp(np.ones((n, n)), np.ones((k, k)), stride)[0]


def resize_conv_counts(n: int, k: int, stride: int) -> np.ndarray:
    """The same count for the fix: nearest-neighbour resize by s, then a k × k conv ('same' size)."""
    up = np.kron(np.ones((n, n)), np.ones((stride, stride)))
    return F.conv2d(torch.from_numpy(up)[None, None], torch.ones(1, 1, k, k, dtype=torch.float64),
                    padding="same")[0, 0].numpy()


def upsample(image: np.ndarray, k: int, stride: int, method: str) -> np.ndarray:
    """Upsample (H, W) by `stride` with a k × k box kernel scaled to keep the mean brightness:
    'transposed' (stride-s transposed conv) or 'resize' (nearest resize, then the conv)."""
    x = torch.from_numpy(image)[None, None]
    if method == "transposed":
        w = torch.full((1, 1, k, k), stride**2 / k**2, dtype=torch.float64)
        return F.conv_transpose2d(x, w, stride=stride)[0, 0].numpy()
    up = F.interpolate(x, scale_factor=stride, mode="nearest")
    return F.conv2d(up, torch.full((1, 1, k, k), 1 / k**2, dtype=torch.float64), padding="same")[0, 0].numpy()


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


def _output_padding(x: torch.Tensor, cx: torch.Tensor, k: int, stride: int) -> tuple[int, int]:
    """The rows/columns the strided conv dropped, so that convᵀ returns x's exact shape."""
    return tuple(int(n - transposed_out(m, k, stride)) for n, m in zip(x.shape[-2:], cx.shape[-2:]))


def stamp_figure(image: np.ndarray, weights: np.ndarray, stride: int, height: int = 420) -> go.Figure:
    """Input | kernel | output, one frame per stamp: a client-side player."""
    out, steps = stamp(image, weights, stride)
    k, (h, w) = weights.shape[0], image.shape
    fig = make_subplots(rows=1, cols=3, column_widths=[0.3, 0.2, 0.5], horizontal_spacing=0.05,
                        subplot_titles=(f"Input {h}×{w}", f"Kernel {k}×{k}", f"Output {out.shape[0]}×{out.shape[1]}"))
    fig.add_trace(go.Heatmap(z=image, colorscale="gray", showscale=False, texttemplate="%{z:.2~g}" if h <= 7 else None), 1, 1)
    fig.add_trace(go.Scatter(**_rect(-.5, -.5, 1, 1), mode="lines", line=dict(color=OKABE_ITO[3], width=3)), 1, 1)
    fig.add_trace(go.Heatmap(z=weights, colorscale=SEQUENTIAL, showscale=False, texttemplate="%{z:.2g}"), 1, 2)
    top = float(np.abs(out).max()) or 1.0
    fig.add_trace(go.Heatmap(z=steps[-1], colorscale=SEQUENTIAL, zmin=0, zmax=top, showscale=False,
                             texttemplate="%{z:.2~g}" if out.shape[0] <= 10 else None), 1, 3)
    fig.add_trace(go.Scatter(**_rect(-.5, -.5, k, k), mode="lines", line=dict(color=OKABE_ITO[3], width=3)), 1, 3)
    frames = [{1: _rect(j - .5, i - .5, 1, 1), 3: {"z": steps[n]}, 4: _rect(j * stride - .5, i * stride - .5, k, k)}
              for n, (i, j) in enumerate((i, j) for i in range(h) for j in range(w))]
    square_cells(fig, 1, 3)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, autorange="reversed")
    fig.update_layout(height=height, showlegend=False, margin=dict(l=10, r=10, t=30, b=10))
    return animate(fig, frames, [f"{n + 1}" for n in range(len(frames))], frame_ms=250, prefix="stamp ", start=0)


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


def interior_values(counts: np.ndarray, k: int, stride: int) -> list[int]:
    """The distinct stamp counts away from the borders (where fewer windows reach)."""
    m = max(k, stride)
    inner = counts[m:-m, m:-m] if min(counts.shape) > 2 * m else counts
    return sorted({int(round(v)) for v in inner.ravel()})


@torch.no_grad()
def prediction_vs_shift(model: nn.Module, images: torch.Tensor, labels: torch.Tensor | None, shifts: Sequence[int],
                        batch: int = 100, on_progress: Callable[[float], None] | None = None) -> dict[str, list[float]]:
    """For each horizontal shift of `images` (N, C, H, W): accuracy against `labels` (None: against
    the model's own answers on the unshifted images) and the mean probability given to that label."""
    if labels is None:
        labels = torch.cat([model(images[i:i + batch]).argmax(1) for i in range(0, len(images), batch)])
    acc, prob = [], []
    for i, s in enumerate(shifts):
        hits, p = 0.0, 0.0
        for start in range(0, len(images), batch):
            probs = model(shift(images[start:start + batch], s)).softmax(1)
            y = labels[start:start + batch]
            hits += float((probs.argmax(1) == y).sum())
            p += float(probs.gather(1, y[:, None]).sum())
        acc.append(hits / len(images))
        prob.append(p / len(images))
        if on_progress is not None:
            on_progress((i + 1) / len(shifts))
    return {"accuracy": acc, "probability of the label": prob}
