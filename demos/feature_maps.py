"""What a trained CNN sees (after CNN Explainer, Wang et al. 2020, on the gallery's own models): the
activation maps of every layer of the digit CNN and EfficientNet-Lite0, each layer's receptive field
(r_l = r_{l−1} + d_l(k_l − 1)·j_{l−1}, j_l = j_{l−1}·s_l), the strongest channels and where they peak,
the first layer's learned filters, and one output channel as the sum of its per-input-channel
convolutions. Shared models are only read: maps come from running their layers in order (no hooks,
no mode flips, no gradients on their parameters). The arithmetic of convolution itself is
`demos.convolution`.
"""
from __future__ import annotations

import base64
import io
import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import plotly.graph_objects as go
import torch
import torch.nn.functional as F
from PIL import Image
from plotly.subplots import make_subplots
from torch import nn

from demos.convolution import conv_out, square_cells
from demos.plots import DIVERGING, OKABE_ITO, SEQUENTIAL
from models.efficientnet_lite0 import EfficientNetLite0
from models.mnist_cnn import MNIST_MEAN, MNIST_STD, MnistCnn


# ---------------------------------------------------------------- what a trained network sees
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


def receptive_fields(specs: Sequence[tuple[int, int, int, int]]) -> list[tuple[int, int, float]]:
    """(rf, jump, start) after each layer given (k, stride, dilation, pad_before):
    rf += d(k−1)·jump; start += (d(k−1)/2 − pad)·jump; jump *= stride (Araujo et al. 2019)."""
    rf, jump, start, out = 1, 1, 0.0, []
    for k, s, d, pad in specs:
        span = d * (k - 1)
        rf, start, jump = rf + span * jump, start + (span / 2 - pad) * jump, jump * s
        out.append((rf, jump, start))
    return out


def _same_pads(n: int, k: int, s: int) -> tuple[int, int]:
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
        x, counts = (images - MNIST_MEAN) / MNIST_STD, {"conv": 0, "pool": 0}
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
        raw.append(("stem", "3×3 conv, stride 2, 32 filters, + BN + ReLU6", stem[0], n, 3, 2, 1, _same_pads(n, 3, 2)))
        blocks = model.block_outputs(images, tuple(range(len(model._blocks))))
        prev = stem
        for i, block in enumerate(model._blocks):
            dw = block._depthwise_conv
            k, s, n = dw.kernel_size[0], dw.stride[0], prev.shape[-1]
            expand = "1×1 expand, " if hasattr(block, "_expand_conv") else ""
            raw.append((f"block {i}", f"MBConv: {expand}{k}×{k} depthwise stride {s}, 1×1 project to "
                        f"{block._project_conv.out_channels}" + (" + skip" if block.skip else ""),
                        blocks[i][0], n, k, s, 1, _same_pads(n, k, s)))
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


def top_classes(logits: torch.Tensor, names: Sequence[str], k: int = 5) -> list[tuple[str, float]]:
    """The k most probable (class name, softmax probability) from logits (1, classes)."""
    probs = logits[0].softmax(-1)
    values, indices = probs.topk(min(k, len(names)))
    return [(names[i], float(v)) for v, i in zip(values, indices)]


def top_channels(maps: torch.Tensor, n: int) -> list[int]:
    """The n channels with the largest mean activation, strongest first."""
    return maps.flatten(1).mean(1).argsort(descending=True)[:n].tolist()


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


@torch.no_grad()
def channel_sum(model: nn.Module, images: torch.Tensor, out_channel: int) -> dict[str, object]:
    """One output channel of a real multi-channel conv, split into its per-input-channel parts:
    out_o = Σ_c x_c ⋆ w[o, c] (mnist_cnn: conv 2, 32 input maps; EfficientNet: the stem, R G B).
    Returns the inputs (C, H, W), kernels (C, k, k), parts (C, H', W'), the layer's own output, and
    the size (L2) of the largest part relative to the total."""
    if isinstance(model, MnistCnn):
        conv = model.features[1][0]
        x = model.features[0]((images - MNIST_MEAN) / MNIST_STD)[0]  # conv 1's maps: the input of conv 2
        padded, stride = F.pad(x, [1, 1, 1, 1]), 1
    else:
        conv = model._conv_stem
        x = model.normalize(images)[0]
        pads = _same_pads(x.shape[-1], 3, 2)
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


def shape_walk(layers: Sequence[Layer]) -> list[dict[str, object]]:
    """Every layer's output side from the formula (p = zeros before + after) next to the measured one."""
    rows = []
    for layer in layers:
        side = conv_out(layer.n_in, layer.kernel, layer.stride, sum(layer.pad), layer.dilation)
        rows.append({"layer": layer.name, "operation": layer.op, "n": layer.n_in, "k": layer.kernel,
                     "s": layer.stride, "padding (before+after)": f"{layer.pad[0]}+{layer.pad[1]}",
                     "d": layer.dilation,
                     "formula": f"⌊({layer.n_in} + {sum(layer.pad)} − {layer.dilation}·({layer.kernel} − 1) − 1)"
                                f" / {layer.stride}⌋ + 1 = {side}",
                     "measured": int(layer.maps.shape[-1]), "receptive field": layer.rf})
    return rows
