"""Receptive fields: the patch of input pixels one unit can see, by the recurrence
r_l = r_{l−1} + d_l(k_l − 1)·j_{l−1}, j_l = j_{l−1}·s_l (Araujo et al. 2019), its growth through a real
network, and the patch behind a channel's strongest unit drawn on the image.
"""
from __future__ import annotations

import base64
import io
from typing import TYPE_CHECKING, Sequence

import numpy as np
import plotly.graph_objects as go
from PIL import Image

from demos import plots
from demos.plots import OKABE_ITO

if TYPE_CHECKING:
    from demos.convolutions.feature_maps import Layer


def receptive_fields(specs: Sequence[tuple[int, int, int, int]]) -> list[tuple[int, int, float]]:
    """(rf, jump, start) after each layer given (k, stride, dilation, pad_before):
    rf += d(k−1)·jump; start += (d(k−1)/2 − pad)·jump; jump *= stride (Araujo et al. 2019)."""
    rf, jump, start, out = 1, 1, 0.0, []
    for k, s, d, pad in specs:
        span = d * (k - 1)
        rf, start, jump = rf + span * jump, start + (span / 2 - pad) * jump, jump * s
        out.append((rf, jump, start))
    return out


# ---------------------------------------------------------------- where one channel peaks
def peak(layer: Layer, channel: int) -> tuple[int, int, tuple[float, float, float, float]]:
    """Where a channel responds most: (row, col, its receptive field box (x0, y0, x1, y1) in input px)."""
    m = layer.maps[channel]
    r, c = divmod(int(m.argmax()), m.shape[1])
    half = (layer.rf - 1) / 2
    cy, cx = layer.start + r * layer.jump, layer.start + c * layer.jump
    return r, c, (cx - half - .5, cy - half - .5, cx + half + .5, cy + half + .5)


def receptive_field_figure(image: np.ndarray, box: tuple[float, float, float, float], title: str,
                           height: int = 320) -> go.Figure:
    """The input image (uint8, (H, W) or (H, W, 3)) with one unit's receptive field drawn on it."""
    rgb = np.repeat(image[..., None], 3, axis=2) if image.ndim == 2 else image
    h, w = rgb.shape[:2]
    x0, y0, x1, y1 = box
    png = io.BytesIO()
    Image.fromarray(rgb.astype(np.uint8)).save(png, "PNG")  # a PNG source: 10x lighter to send than z values
    fig = go.Figure(go.Image(source="data:image/png;base64," + base64.b64encode(png.getvalue()).decode(),
                             hovertemplate="x %{x}, y %{y}<extra></extra>"))
    fig.add_shape(type="rect", x0=max(x0, -.5), y0=max(y0, -.5), x1=min(x1, w - .5), y1=min(y1, h - .5),
                  line=dict(color=OKABE_ITO[1], width=3))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor="x")
    fig.update_layout(height=height, title=title, margin=dict(l=10, r=10, t=40, b=10))
    return fig


def peak_caption(layer: Layer, channel: int, rank: int, row: int, col: int) -> str:
    return (f"Channel {channel} (rank {rank}) responds most at row {row}, column {col} of its map; the orange "
            f"box is the {layer.rf}×{layer.rf}-px input patch that unit can see (clipped to the image).")


# ---------------------------------------------------------------- growth with depth
def growth_figure(layers: Sequence[Layer], side: int) -> go.Figure:
    """Each layer's receptive field against the image side (px)."""
    return plots.line_chart([layer.name for layer in layers], {"receptive field (px)": [layer.rf for layer in layers],
                            "image side (px)": [side] * len(layers)}, "Receptive field per layer", "", "pixels")


def growth_caption(layers: Sequence[Layer], side: int) -> str:
    return (f"The receptive field grows from {layers[0].rf} px to {layers[-1].rf} px (the image is "
            f"{side} px): each k×k layer adds (k − 1)·jump, each stride multiplies the jump.")
