"""What a trained CNN sees (after CNN Explainer, Wang et al. 2020, on the gallery's own models): the
activation maps of every layer of the digit CNN and EfficientNet-Lite0, the strongest channels, one
channel's map, and the network's answer. Shared models are only read: maps come from running their
layers in order (no hooks, no mode flips, no gradients on their parameters).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import plotly.graph_objects as go
import torch
import torch.nn.functional as F
from torch import nn

from demos import plots
from demos.convolutions.receptive_fields import receptive_fields
from demos.plots import DIVERGING, SEQUENTIAL
from models.efficientnet_lite0 import EfficientNetLite0
from models.mnist_cnn import MnistCnn, normalise


# ---------------------------------------------------------------- every layer's maps
@dataclass(frozen=True)
class Layer:
    name: str  # e.g. "conv 2", "block 7"
    op: str  # what it does, e.g. "3×3 conv, stride 1, + BN + ReLU"
    maps: torch.Tensor  # (C, H, W) its output for the image
    n_in: int  # input side, pixels of the previous map
    kernel: int  # the one spatial kernel of the layer (depthwise kernel of an MBConv block)
    stride: int
    dilation: int
    pad: tuple[int, int]  # zeros added before and after (TF 'SAME' is asymmetric)
    rf: int  # receptive field side in input pixels
    jump: int  # input pixels between neighbouring units (product of strides so far)
    start: float  # input coordinate of unit (0, 0)'s centre


def same_pads(n: int, k: int, s: int) -> tuple[int, int]:
    """Zeros (before, after) TensorFlow's 'SAME' adds to an n-px side for a k-px kernel at stride s."""
    total = max((math.ceil(n / s) - 1) * s + k - n, 0)
    return total // 2, total - total // 2


def _pair(v) -> int:
    return v[0] if isinstance(v, tuple) else int(v)


@torch.no_grad()
def network_layers(model: nn.Module, images: torch.Tensor) -> tuple[list[Layer], torch.Tensor]:
    """Every layer's feature maps for one image (1, C, H, W) in [0, 1], and the logits (1, classes).
    mnist_cnn: its `features` run child by child; EfficientNet-Lite0: stem, `block_outputs`, head."""
    raw: list[tuple[str, str, torch.Tensor, int, int, int, int, tuple[int, int]]] = []
    if isinstance(model, MnistCnn):
        x, counts = normalise(images), {"conv": 0, "pool": 0}
        for child in model.features:
            n, x = x.shape[-1], child(x)
            op = child[0] if isinstance(child, nn.Sequential) else child
            kind = "conv" if isinstance(op, nn.Conv2d) else "pool"
            counts[kind] += 1
            k, s, d, p = _pair(op.kernel_size), _pair(op.stride), _pair(op.dilation), _pair(op.padding)
            desc = f"{k}×{k} conv, {op.out_channels} filters, + BN + ReLU" if kind == "conv" else f"{k}×{k} max pool, stride {s}"
            raw.append((f"{kind} {counts[kind]}", desc, x[0], n, k, s, d, (p, p)))
        logits = model.classifier(x)
    elif isinstance(model, EfficientNetLite0):
        stem = F.relu6(model._bn0(model._conv_stem(model.normalize(images))))  # (1, 32, H/2, W/2)
        n = images.shape[-1]
        raw.append(("stem", "3×3 conv, stride 2, 32 filters, + BN + ReLU6", stem[0], n, 3, 2, 1, same_pads(n, 3, 2)))
        blocks = model.block_outputs(images, tuple(range(len(model._blocks))))
        prev = stem
        for i, block in enumerate(model._blocks):
            dw = block._depthwise_conv
            k, s, n = dw.kernel_size[0], dw.stride[0], prev.shape[-1]
            expand = "1×1 expand, " if hasattr(block, "_expand_conv") else ""
            raw.append((f"block {i}", f"MBConv: {expand}{k}×{k} depthwise stride {s}, 1×1 project to "
                        f"{block._project_conv.out_channels}" + (" + skip" if block.skip else ""),
                        blocks[i][0], n, k, s, 1, same_pads(n, k, s)))
            prev = blocks[i]
        head = F.relu6(model._bn1(model._conv_head(prev)))  # (1, 1280, H/32, W/32)
        raw.append(("head", "1×1 conv to 1280 channels, + BN + ReLU6", head[0], prev.shape[-1], 1, 1, 1, (0, 0)))
        logits = model._fc(head.mean(dim=(2, 3)))
    else:
        raise TypeError(f"no feature taps for {type(model).__name__}")
    fields = receptive_fields([(k, s, d, pad[0]) for *_, k, s, d, pad in raw])
    layers = [Layer(name, op, maps, n, k, s, d, pad, rf, jump, start)
              for (name, op, maps, n, k, s, d, pad), (rf, jump, start) in zip(raw, fields)]
    return layers, logits


def layer_named(layers: Sequence[Layer], name: str) -> Layer:
    """The tapped layer called `name`."""
    return next(layer for layer in layers if layer.name == name)


# ---------------------------------------------------------------- the strongest channels
def top_channels(maps: torch.Tensor, n: int) -> list[int]:
    """The n channels with the largest mean activation, strongest first."""
    return maps.flatten(1).mean(1).argsort(descending=True)[:n].tolist()


def channel_at_rank(order: Sequence[int], rank: int) -> int:
    """The channel at 1-based `rank` of `order` (the last one when the layer has fewer)."""
    return order[min(rank, len(order)) - 1]


def mosaic(maps: torch.Tensor, channels: Sequence[int], cols: int) -> tuple[np.ndarray, np.ndarray]:
    """Maps (C, H, W) of `channels` tiled in a grid with one-cell NaN gaps: (values, channel of each cell)."""
    h, w = maps.shape[-2:]
    rows = math.ceil(len(channels) / cols)
    values = np.full((rows * (h + 1) - 1, cols * (w + 1) - 1), np.nan)
    ids = np.full(values.shape, -1)
    for n, ch in enumerate(channels):
        r, c = divmod(n, cols)
        values[r * (h + 1):r * (h + 1) + h, c * (w + 1):c * (w + 1) + w] = maps[ch].numpy()
        ids[r * (h + 1):r * (h + 1) + h, c * (w + 1):c * (w + 1) + w] = ch
    return values, ids


def mosaic_figure(layer: Layer, channels: Sequence[int], height: int = 420) -> go.Figure:
    """The chosen maps of one layer as one heatmap (one colour scale for all: comparable strengths)."""
    cols = math.ceil(math.sqrt(len(channels) * 1.6))
    values, ids = mosaic(layer.maps, channels, cols)
    signed = float(np.nanmin(values)) < 0
    bound = float(np.nanmax(np.abs(values))) or 1.0
    scale = dict(colorscale=DIVERGING, zmid=0, zmin=-bound, zmax=bound) if signed else dict(colorscale=SEQUENTIAL, zmin=0, zmax=bound)
    fig = go.Figure(go.Heatmap(z=values, customdata=ids, hoverongaps=False, **scale,
                               hovertemplate="channel %{customdata}: %{z:.3f}<extra></extra>"))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, autorange="reversed", scaleanchor="x")
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=40, b=10),
                      title=f"{layer.name}: {len(channels)} of {layer.maps.shape[0]} maps "
                            f"({layer.maps.shape[1]}×{layer.maps.shape[2]}), strongest first")
    return fig


def mosaic_caption(layer: Layer, order: Sequence[int]) -> str:
    """Under the maps: their number and size, what one unit sees, the strongest and the silent maps."""
    silent = int((layer.maps.flatten(1).abs().amax(1) == 0).sum())
    return (f"{layer.name} ({layer.op}): {layer.maps.shape[0]} maps of {layer.maps.shape[1]}×{layer.maps.shape[2]}; "
            f"each unit sees a {layer.rf}×{layer.rf}-px patch, neighbours {layer.jump} px apart. Strongest on average: "
            f"channel {order[0]}; {silent} maps are all zero for this image.")


def channel_figure(layer: Layer, channel: int) -> go.Figure:
    """One channel's map on its own (signed colours when it has negative values)."""
    return plots.heatmap(layer.maps[channel].numpy(), f"{layer.name}, channel {channel}",
                         diverging=bool(layer.maps[channel].min() < 0), height=320)


def channel_caption(layer: Layer, channel: int) -> str:
    return (f"Channel {channel}: from {float(layer.maps[channel].min()):.2f} to "
            f"{float(layer.maps[channel].max()):.2f}.")


# ---------------------------------------------------------------- the answer
def top_classes(logits: torch.Tensor, names: Sequence[str], k: int = 5) -> list[tuple[str, float]]:
    """The k most probable (class name, softmax probability) from logits (1, classes)."""
    probs = logits[0].softmax(-1)
    values, indices = probs.topk(min(k, len(names)))
    return [(names[i], float(v)) for v, i in zip(values, indices)]


def predicted_label(logits: torch.Tensor, names: Sequence[str]) -> str:
    """The class the logits (1, classes) choose."""
    return names[int(logits.argmax())]


def answer_figure(top5: Sequence[tuple[str, float]], truth: str | None) -> go.Figure:
    return plots.topk_bars([n for n, _ in top5], [p for _, p in top5], highlight=truth)


def answer_caption(model_title: str, top5: Sequence[tuple[str, float]], truth: str | None) -> str:
    return (f"{model_title} says “{top5[0][0]}” ({top5[0][1]:.0%})"
            + (f"; the true label is {truth}." if truth else "."))
