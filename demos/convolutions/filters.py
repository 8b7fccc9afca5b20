"""The first layer's learned filters as pictures: edge, colour and blob detectors (Zeiler & Fergus
2014), read from the shared model as a copy (the model is never written to).
"""
from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
import torch
from torch import nn

from demos.convolutions.feature_maps import mosaic
from demos.plots import DIVERGING
from models.mnist_cnn import MnistCnn


def first_filters(model: nn.Module) -> np.ndarray:
    """First-layer filters (C_out, C_in, k, k) as numbers (mnist_cnn conv 1, EfficientNet's stem)."""
    conv = model.features[0][0] if isinstance(model, MnistCnn) else model._conv_stem
    return conv.weight.detach().numpy().copy()


def filters_figure(weights: np.ndarray, height: int = 260) -> go.Figure:
    """Grey filters on a signed scale (1 input channel), or RGB images scaled per filter (3 channels)."""
    c_out, c_in, k, _ = weights.shape
    cols = min(16, c_out)
    rows = math.ceil(c_out / cols)
    if c_in == 1:
        values, _ = mosaic(torch.from_numpy(weights[:, 0]), range(c_out), cols)
        bound = float(np.nanmax(np.abs(values)))
        fig = go.Figure(go.Heatmap(z=values, colorscale=DIVERGING, zmid=0, zmin=-bound, zmax=bound, hoverongaps=False))
        fig.update_yaxes(autorange="reversed")
    else:
        lo = weights.min(axis=(1, 2, 3), keepdims=True)
        hi = weights.max(axis=(1, 2, 3), keepdims=True)
        scaled = (weights - lo) / np.maximum(hi - lo, 1e-12)  # each filter to [0, 1], as is customary
        canvas = np.full((rows * (k + 1) - 1, cols * (k + 1) - 1, 3), 255, dtype=np.uint8)
        for n in range(c_out):
            r, c = divmod(n, cols)
            canvas[r * (k + 1):r * (k + 1) + k, c * (k + 1):c * (k + 1) + k] = \
                (scaled[n].transpose(1, 2, 0) * 255).round().astype(np.uint8)
        fig = go.Figure(go.Image(z=canvas))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor="x")
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=10, b=10))
    return fig


def filters_caption(weights: np.ndarray) -> str:
    """Under the filters: how many, their shape, and how they are coloured."""
    return (f"The {weights.shape[0]} first-layer filters ({weights.shape[1]}×{weights.shape[2]}×{weights.shape[3]}) as "
            "trained" + (": blue negative, red positive." if weights.shape[1] == 1 else ", each scaled to its own range."))
