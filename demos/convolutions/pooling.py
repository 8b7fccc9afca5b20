"""Pooling and shifts: max and average pooling written out (no parameters), and shift equivariance of
the feature map against invariance of the pooled maps, measured (Azulay & Weiss 2019; Zhang 2019,
"Making Convolutional Networks Shift-Invariant Again"): a stride breaks exact equivariance for shifts
that are not multiples of it.
"""
from __future__ import annotations

import math
from typing import Sequence

import numpy as np
import plotly.graph_objects as go
import torch
import torch.nn.functional as F
from plotly.subplots import make_subplots

from demos import plots
from demos.convolutions.sliding import conv_out, square_cells
from demos.plots import DIVERGING

SHIFT_RANGE, POOL_RANGE, POOL_STRIDE_RANGE = (0, 8), (2, 4), (1, 4)
METER_SHIFTS = range(9)  # px right, for the invariance meter (SHIFT_RANGE inclusive)
POOL_SIDE = {"digits": 28, "photos": 64}  # input side of the pooling stages (typed grids keep theirs)


# ---------------------------------------------------------------- pooling and shifting
def pool2d(image: np.ndarray, size: int, stride: int, mode: str = "max") -> np.ndarray:
    """Max or average over each size × size window, windows `stride` apart (no padding). (H, W) -> (H', W')."""
    oh, ow = conv_out(image.shape[0], size, stride), conv_out(image.shape[1], size, stride)
    reduce = np.max if mode == "max" else np.mean
    return np.array([[reduce(image[i * stride:i * stride + size, j * stride:j * stride + size])
                      for j in range(ow)] for i in range(oh)])


def pool_fits(shape: Sequence[int], k: int, stride: int, padding: int, dilation: int, pool: int) -> bool:
    """Whether the feature map of an input of `shape` is at least one pooling window on each side."""
    return min(conv_out(n, k, stride, 2 * padding, dilation) for n in shape) >= pool


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


# ---------------------------------------------------------------- equivariance and invariance
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
        inner = _interior(fmap, border, cells)
        curves["feature map, moved back"].append(  # NaN: not whole cells, or no cell far enough from the borders
            relative_change(inner, _interior(back, border, cells)) if s % stride == 0 and inner.size else math.nan)
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


def stages_caption(stages: dict[str, object], meter: dict[str, list[float]], move: int, stride: int) -> str:
    """Under the stages: whether the map moved by whole cells, and how much each pooled map changed."""
    err = stages["equivariance_error"]
    if err is None:
        head = (f"A {move}-px shift is not a multiple of the stride {stride}, so the feature map cannot move "
                "by whole cells: striding breaks exact equivariance")
    elif math.isnan(err):  # e.g. k = 7, dilation 3 on 28 px: every output cell sees a border
        head = (f"Shifted {move} px: with this kernel size and dilation no cell of the feature map lies far enough "
                "from the borders to compare, so whether it moved by whole cells cannot be checked here")
    else:
        scale = float(np.abs(stages["original"]["feature map"]).max()) or 1.0
        head = (f"Shifted {move} px: the feature map moved by exactly {move // stride} cell(s) (largest difference "
                f"away from the borders {err:.1e})" if err <= 1e-9 * scale else
                f"Shifted {move} px: the feature map moved by {move // stride} cell(s), but away from the borders it "
                f"still differs by up to {err:.1e}")
    return (head + f"; the max-pooled map changed by {meter['max-pooled'][move]:.0%}, the average-pooled map by "
                   f"{meter['average-pooled'][move]:.0%} (relative L2).")


def meter_figure(meter: dict[str, list[float]]) -> go.Figure:
    return plots.line_chart(list(METER_SHIFTS), meter, "How much each stage changes when the input moves",
                            "shift right (px)", "relative change (L2)")


def meter_caption(meter: dict[str, list[float]], move: int) -> str:
    return (f"At {move} px the input changed by {meter['input'][move]:.0%} and the feature map by "
            f"{meter['feature map'][move]:.0%}; the global maximum changed by {meter['global max'][move]:.0%}. "
            + ("'Moved back' is missing everywhere: no cell of the feature map lies far enough from the borders to "
               "compare at this kernel size and dilation." if math.isnan(meter["feature map, moved back"][0]) else
               "'Moved back' is missing where the shift is not a multiple of the stride."))
