"""The sliding dot product (LeCun et al. 1989), written out one window at a time and checked against
F.conv2d; the output-size formula with the visitor's numbers; the hero player that shows every window.

Deep learning's "convolution" is cross-correlation (no kernel flip) on the zero-padded input xp:
    out[i, j] = Σ_c Σ_u Σ_v xp[c, s·i + d·u, s·j + d·v] · w[c, u, v]
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import plotly.graph_objects as go
import torch
import torch.nn.functional as F

from demos.plots import DIVERGING, OKABE_ITO
from demos.replay import animate
from demos.text import signed

STRIDE_RANGE, PADDING_RANGE, DILATION_RANGE = (1, 4), (0, 3), (1, 3)
MAX_FRAMES = 150  # window positions the player visits at most (evenly spread over all of them)


# ---------------------------------------------------------------- the formula and the sliding dot product
def conv_out(n: int, k: int, stride: int = 1, pad_total: int = 0, dilation: int = 1) -> int:
    """Output side of a convolution or pooling: ⌊(n + p_total − d(k−1) − 1)/s⌋ + 1 (p_total = 2p for
    symmetric padding); 0 or less means the kernel's span does not fit the padded input."""
    return (n + pad_total - dilation * (k - 1) - 1) // stride + 1


def output_sides(shape: Sequence[int], k: int, stride: int, padding: int, dilation: int) -> list[int]:
    """`conv_out` along each axis of `shape` (symmetric padding p)."""
    return [conv_out(n, k, stride, 2 * padding, dilation) for n in shape]


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


def output_side_text(image: np.ndarray, weights: np.ndarray, stride: int, padding: int, dilation: int) -> str:
    """Above the hero: the formula with these numbers (per axis for a non-square input), and F.conv2d's
    own shape and agreement with the hand-written `convolve`."""
    k = weights.shape[0]
    shape, diff = torch_check(image, weights, stride, padding, dilation)
    formula = (formula_text(image.shape[0], k, stride, padding, dilation) if image.shape[0] == image.shape[1] else
               " and ".join(f"{axis} {formula_text(n, k, stride, padding, dilation)}"
                            for axis, n in zip(("rows", "columns"), image.shape)))
    return f"**Output side** {formula} · `F.conv2d`: shape {shape}, same values (max |Δ| {diff:.0e})"


def span_note(shape: Sequence[int], k: int, padding: int, dilation: int) -> str:
    """The warning when the kernel's span does not fit the padded input."""
    return (f"The kernel spans {dilation * (k - 1) + 1} px but the padded input is only "
            f"{shape[0] + 2 * padding} × {shape[1] + 2 * padding}: add padding or use a smaller "
            "kernel or dilation.")


# ---------------------------------------------------------------- the hero: every window position
def rect(x0: float, y0: float, side_x: float, side_y: float) -> dict:
    """A closed rectangle outline as Scatter x and y lists."""
    x0, y0 = float(x0), float(y0)
    return {"x": [x0, x0 + side_x, x0 + side_x, x0, x0], "y": [y0, y0, y0 + side_y, y0 + side_y, y0]}


def square_cells(fig: go.Figure, rows: int, cols: int) -> None:
    """Square pixels in every subplot of a make_subplots grid (each y axis anchored to its x axis)."""
    for row in range(1, rows + 1):
        for col in range(1, cols + 1):
            i = (row - 1) * cols + col
            fig.update_yaxes(scaleanchor="x" if i == 1 else f"x{i}", row=row, col=col)


def _term(v: float, fmt: str = ".2f") -> str:
    """A number in a written-out sum: a negative one in parentheses, "(−0.25)"."""
    text = signed(v, fmt)
    return f"({text})" if text.startswith("−") else text


def dot_product_text(products: np.ndarray, window: np.ndarray, weights: np.ndarray, r: int, c: int) -> str:
    """What the current window computes, written out (all terms up to 3 × 3, a summary beyond)."""
    total = float(products.sum())
    if products.size <= 9:
        terms = " + ".join(f"{_term(x, '.3g')}·{_term(w, '.3g')}" for x, w in zip(window.ravel(), weights.ravel()))
        return f"out[{r}, {c}] = {terms} = {_term(total, '.3f')}"
    big = np.unravel_index(np.abs(products).argmax(), products.shape)
    return (f"out[{r}, {c}] = sum of {products.size} products = {_term(total, '.3f')}   (largest: "
            f"{_term(window[big], '.3g')}·{_term(weights[big], '.3g')} at kernel row {big[0]}, column {big[1]})")


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

    def signed_scale(bound: float) -> dict:
        return dict(colorscale=DIVERGING, zmid=0, zmin=-(bound or 1.0), zmax=bound or 1.0)
    bound = float(np.abs(weights).max())
    panel(xp, 0, 1, "input", dict(colorscale="gray"), "%{z:.3~g}" if hp <= 10 and wp <= 10 else None)  # 0
    panel(weights, x_kernel, zoom, "weight", signed_scale(bound), "%{z:.2~g}")  # 1
    panel(np.zeros((k, k)), x_prod, zoom, "x·w", signed_scale(float(np.abs(xp).max()) * bound), "%{z:.2f}")  # 2: animated
    panel(out, x_out, oz, "output", signed_scale(float(np.abs(out).max())),
          "%{z:.3~g}" if oz > 1 or max(oh, ow) <= 10 else None)  # 3
    fig.add_trace(go.Scatter(**rect(padding - .5, padding - .5, image.shape[1], image.shape[0]), mode="lines",
                             line=dict(color=OKABE_ITO[1], dash="dot", width=1.5), hoverinfo="skip"))  # 4

    dots = dilation > 1  # with gaps between the pixels it reads, mark them (else the outline says it all)

    def marks(r: int, c: int) -> dict:
        """Window outline, the pixels it reads, and the output cell (None breaks the line)."""
        window, cell = rect(stride * c - .5, stride * r - .5, span, span), rect(x_out + c * oz - .5, r * oz - .5, oz, oz)
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


def slide_caption(shape: Sequence[int], k: int, stride: int, padding: int, dilation: int, shown: int,
                  picture: str | None) -> str:
    """Under the hero: what the window reads and writes, how many positions (and how many the player
    shows), and the padding that keeps the size. `picture`: the picked image's name, None for a typed grid."""
    sides = output_sides(shape, k, stride, padding, dilation)
    positions = sides[0] * sides[1]
    same = same_padding(k, dilation)
    source = "typed grid" if picture is None else f"{shape[0]}×{shape[1]} grey version of the {picture}"
    return (f"Press ▶ Play or drag the slider: the red window reads {k}×{k} pixels"
            f"{f' {dilation} px apart' if dilation > 1 else ''} of the {source}, "
            f"multiplies them by the kernel and writes their sum into one output cell, moving {stride} px at a time "
            f"({positions} positions" + (f"; the player shows {shown} of them, evenly spread"
                                         if shown < positions else "") + "). "
            + (f"Padding p = {same} would keep the size at stride 1." if same is not None else
               "An even kernel span cannot keep the size with symmetric padding."))
