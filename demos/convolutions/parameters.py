"""Shapes and parameters: a conv layer's weights against a dense layer's with the same input and output
(locality and weight sharing, LeCun et al. 1998), the same kernel as a 1-D, 2-D and 3-D conv, and the
output-size formula walked through every layer of a real network (EfficientNet pads TensorFlow-style).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

import plotly.graph_objects as go
import torch
import torch.nn.functional as F

from demos.convolutions.sliding import conv_out
from demos.plots import OKABE_ITO

if TYPE_CHECKING:
    from demos.convolutions.feature_maps import Layer

FILTERS_RANGE = (1, 256)  # output channels of the counted layer
DIMS = {1: ("a sentence: 300-d embeddings × 50 tokens", (300, 50)),
        2: ("your image", None),
        3: ("a video clip: RGB × 16 frames × 112 × 112", (3, 16, 112, 112))}  # dims -> (example, input shape)
DIMS_CAPTION = ("The same kernel settings as a 1-D, 2-D and 3-D convolution: the kernel slides along 1, 2 or 3 "
                "axes and always spans every input channel; torch's shapes come from the meta device.")


# ---------------------------------------------------------------- conv against dense
def conv_params(c_in: int, c_out: int, k: int, bias: bool = True, dims: int = 2) -> int:
    """A conv layer's weights: c_out · (c_in · k^dims + bias). Padding and stride do not appear."""
    return c_out * (c_in * k**dims + int(bias))


def separable_params(c_in: int, c_out: int, k: int, bias: bool = True) -> int:
    """A depthwise separable layer (MobileNet, Howard et al. 2017; EfficientNet-Lite0's blocks): one
    k × k filter per input channel, c_in · (k² + bias), then c_out 1 × 1 filters mixing the channels,
    c_out · (c_in + bias)."""
    return c_in * (k * k + int(bias)) + c_out * (c_in + int(bias))


def dense_params(n_in: int, n_out: int, bias: bool = True) -> int:
    """A dense layer's weights: n_in · n_out + bias · n_out."""
    return n_in * n_out + int(bias) * n_out


def comparison(image_shape: Sequence[int], c_out: int, k: int, stride: int, padding: int,
               dilation: int) -> dict[str, int]:
    """A conv layer of `c_out` k × k filters on an input (C, H, W), and a dense layer from the same
    input to the same output: the sizes and both parameter counts."""
    c_in, h, w = image_shape
    oh, ow = (conv_out(n, k, stride, 2 * padding, dilation) for n in (h, w))
    return {"c_in": c_in, "h": h, "w": w, "c_out": c_out, "k": k, "oh": oh, "ow": ow,
            "conv": conv_params(c_in, c_out, k), "dense": dense_params(c_in * h * w, c_out * max(oh, 0) * max(ow, 0)),
            "separable": separable_params(c_in, c_out, k)}


def params_figure(conv: int, dense: int, separable: int, height: int = 300) -> go.Figure:
    """Three bars on a log scale: the conv layer's parameters, the depthwise separable layer's with the
    same input and output channels, and the equivalent dense layer's."""
    fig = go.Figure(go.Bar(x=["conv layer", "depthwise separable", "dense layer, same input and output"],
                           y=[conv, separable, dense], marker_color=[OKABE_ITO[0], OKABE_ITO[2], OKABE_ITO[1]],
                           text=[f"{conv:,}", f"{separable:,}", f"{dense:,}"], textposition="auto"))
    fig.update_yaxes(type="log", title="parameters (log scale)")
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=10, b=10))
    return fig


def no_fit_note(counts: dict[str, int]) -> str | None:
    """The warning when the kernel does not fit the image (nothing to count), else None."""
    if min(counts["oh"], counts["ow"]) < 1:
        return f"This kernel does not fit the {counts['h']}×{counts['w']} image: no output to count parameters for."
    return None


def params_caption(counts: dict[str, int]) -> str:
    """Under the bars: both counts and their ratio, for these sizes."""
    c = counts
    return (f"On the {c['c_in']}×{c['h']}×{c['w']} input, {c['c_out']} filters of {c['k']}×{c['k']} make a "
            f"{c['c_out']}×{c['oh']}×{c['ow']} output with {c['conv']:,} parameters; a dense layer from the same "
            f"input to the same output needs {c['dense']:,} ({c['dense'] / c['conv']:,.0f}× more). "
            "Padding changes the output size, never the conv's parameter count. " + separable_sentence(c))


def separable_sentence(c: dict[str, int]) -> str:
    """The depthwise separable count against the plain conv's, with its direction."""
    head = (f"A depthwise separable layer (one {c['k']}×{c['k']} filter per input channel, then {c['c_out']} "
            f"1×1 filters across the channels) needs {c['separable']:,}: ")
    if c["separable"] < c["conv"]:
        return head + f"{c['conv'] / c['separable']:.1f}× fewer than the conv layer."
    return head + (f"no fewer than the conv layer here: with {c['c_in']} input channel{'s' * (c['c_in'] != 1)} there "
                   "is little to separate. The saving grows with the channels (64 in, 64 out, 3×3: 4,800 against 36,928).")


# ---------------------------------------------------------------- 1-D, 2-D, 3-D
def torch_shape(dims: int, shape: Sequence[int], c_out: int, k: int, stride: int, padding: int,
                dilation: int) -> tuple[int, ...]:
    """Output shape torch itself gives for a 1-, 2- or 3-D conv on an input of `shape` (C, *spatial),
    on the meta device (shapes only, no arithmetic)."""
    conv = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}[dims]
    x = torch.empty(1, *shape, device="meta")
    w = torch.empty(c_out, shape[0], *[k] * dims, device="meta")
    return tuple(conv(x, w, stride=stride, padding=padding, dilation=dilation).shape[1:])


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


# ---------------------------------------------------------------- the formula through a real network
def formula_side(layer: Layer) -> int:
    """A tapped layer's output side from the formula, with its own padding (zeros before + after)."""
    return conv_out(layer.n_in, layer.kernel, layer.stride, sum(layer.pad), layer.dilation)


def shape_walk(layers: Sequence[Layer]) -> list[dict[str, object]]:
    """Every layer's output side from the formula (p = zeros before + after) next to the measured one."""
    rows = []
    for layer in layers:
        side = formula_side(layer)
        rows.append({"layer": layer.name, "operation": layer.op, "n": layer.n_in, "k": layer.kernel,
                     "s": layer.stride, "padding (before+after)": f"{layer.pad[0]}+{layer.pad[1]}",
                     "d": layer.dilation,
                     "formula": f"⌊({layer.n_in} + {sum(layer.pad)} − {layer.dilation}·({layer.kernel} − 1) − 1)"
                                f" / {layer.stride}⌋ + 1 = {side}",
                     "measured": int(layer.maps.shape[-1]), "receptive field": layer.rf})
    return rows


def shape_walk_caption(model_title: str, layers: Sequence[Layer]) -> str:
    """Under the walk: at how many layers the formula gives the measured side."""
    ok = sum(formula_side(layer) == int(layer.maps.shape[-1]) for layer in layers)
    return (f"{model_title}: the output-size formula matches the measured side at {ok} of {len(layers)} "
            "layers (EfficientNet pads TensorFlow-style, more zeros after than before at stride 2).")
