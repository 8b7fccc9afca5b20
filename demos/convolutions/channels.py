"""Channels: a filter spans every input channel, so one output channel of a real layer is the sum over
input channels of (input channel ⋆ its own k × k kernel), out_o = Σ_c x_c ⋆ w[o, c] (+ bias), shown on
the digit CNN's second conv (32 input maps) and EfficientNet's stem (R, G, B). Models are only read.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import torch
import torch.nn.functional as F
from plotly.subplots import make_subplots
from torch import nn

from demos.convolutions.feature_maps import same_pads
from demos.convolutions.sliding import square_cells
from demos.plots import DIVERGING
from models.mnist_cnn import MnistCnn, normalise

CHANNEL_RANGE = (0, 31)  # output channels of both layers shown (32 each)


@torch.no_grad()
def channel_sum(model: nn.Module, images: torch.Tensor, out_channel: int) -> dict[str, object]:
    """One output channel of a real multi-channel conv, split into its per-input-channel parts:
    out_o = Σ_c x_c ⋆ w[o, c] (mnist_cnn: conv 2, 32 input maps; EfficientNet: the stem, R G B).
    Returns the inputs (C, H, W), kernels (C, k, k), parts (C, H', W'), the layer's own output, and
    the size (L2) of the largest part relative to the total."""
    if isinstance(model, MnistCnn):
        conv = model.features[1][0]
        x = model.features[0](normalise(images))[0]  # conv 1's maps: the input of conv 2
        padded, stride = F.pad(x, [1, 1, 1, 1]), 1
    else:
        conv = model._conv_stem
        x = model.normalize(images)[0]
        pads = same_pads(x.shape[-1], 3, 2)
        padded, stride = F.pad(x, [pads[0], pads[1], pads[0], pads[1]]), 2
    w = conv.weight[out_channel]  # (C_in, k, k)
    parts = torch.stack([F.conv2d(padded[c][None, None], w[c][None, None], stride=stride)[0, 0]
                         for c in range(w.shape[0])])
    layer_out = conv(x[None])[0, out_channel]
    share = parts.flatten(1).norm(dim=1).max() / parts.sum(0).norm().clamp_min(1e-12)  # largest part vs the total
    return {"inputs": x.detach(), "kernels": w.detach(), "parts": parts.detach(), "layer_output": layer_out.detach(),
            "largest_share": float(share)}


def channel_figure(parts: dict[str, object], shown: int = 5, height: int = 400) -> go.Figure:
    """Rows: input channel, its kernel, its part (input ⋆ kernel); columns: the `shown` largest parts,
    the rest summed, and the total (= the layer's output channel)."""
    inputs, kernels, contrib = (parts[k].numpy() for k in ("inputs", "kernels", "parts"))
    order = np.argsort(-np.linalg.norm(contrib.reshape(len(contrib), -1), axis=1))[:shown]
    rest = [c for c in range(len(contrib)) if c not in set(order.tolist())]
    titles = [f"channel {c}" for c in order] + ([f"other {len(rest)}"] if rest else []) + ["sum"]
    fig = make_subplots(rows=3, cols=len(titles), column_titles=titles, row_titles=["input", "kernel", "part"],
                        horizontal_spacing=0.02, vertical_spacing=0.04)
    bound = float(np.abs(contrib.sum(0)).max()) or 1.0
    signed = dict(colorscale=DIVERGING, zmid=0, zmin=-bound, zmax=bound, showscale=False)
    kb = float(np.abs(kernels).max()) or 1.0
    for col, c in enumerate(order, start=1):
        fig.add_trace(go.Heatmap(z=inputs[c], colorscale="gray", showscale=False), 1, col)
        fig.add_trace(go.Heatmap(z=kernels[c], colorscale=DIVERGING, zmid=0, zmin=-kb, zmax=kb, showscale=False), 2, col)
        fig.add_trace(go.Heatmap(z=contrib[c], **signed), 3, col)
    if rest:
        fig.add_trace(go.Heatmap(z=contrib[rest].sum(0), **signed), 3, len(titles) - 1)
    fig.add_trace(go.Heatmap(z=contrib.sum(0), **signed), 3, len(titles))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, autorange="reversed")
    square_cells(fig, 3, len(titles))
    fig.update_layout(height=height, margin=dict(l=10, r=30, t=30, b=10))
    return fig


def channel_caption(parts: dict[str, object], channel: int, digits: bool) -> str:
    """Under the parts: the sum rebuilds the layer's output (to what error), and the largest part's share."""
    err = float((parts["parts"].sum(0) - parts["layer_output"]).abs().max())
    n_in, k = parts["parts"].shape[0], parts["kernels"].shape[-1]
    return (f"Output channel {channel} of the {'second conv of the digit CNN' if digits else 'EfficientNet stem'} "
            f"is the sum over its {n_in} input channels of (input channel ⋆ its own {k}×{k} kernel); that sum "
            f"equals the layer's own output to {err:.0e}. The largest single part is "
            f"{parts['largest_share']:.0%} of the total's size (L2).")
