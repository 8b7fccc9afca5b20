"""Style as numbers: the Gram matrix of a layer's features, G = F Fᵀ / (C H W), channel co-activations
averaged over positions (Gatys, Ecker & Bethge 2015), shown for the style image and for the result."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import torch
from torch import nn

from demos import plots

GRAM_CHANNELS = 24  # channels shown of a Gram matrix (the first ones): a readable 24 × 24 grid


def gram_matrix(features: torch.Tensor) -> torch.Tensor:
    """G = F Fᵀ / (C H W) for features (B, C, H, W) flattened to F (B, C, H W): channel
    co-activations, averaged over positions, so G keeps texture statistics and drops layout."""
    b, c, h, w = features.shape
    f = features.reshape(b, c, h * w)
    return f @ f.transpose(1, 2) / (c * h * w)


def gram_view(model: nn.Module, images: torch.Tensor, block: int, channels: int = GRAM_CHANNELS) -> np.ndarray:
    """The top-left `channels` × `channels` corner of the Gram matrix of `model`'s `block` output.
    images: (1, 3, H, W) in [0, 1]; model: a feature network with `block_outputs` (EfficientNet-Lite0)."""
    with torch.no_grad():
        return gram_matrix(model.block_outputs(images, (block,))[block])[0, :channels, :channels].numpy()


def relative_difference(g: np.ndarray, target: np.ndarray) -> float:
    """Σ|g − target| / Σ|target|: how far a Gram matrix is from the style's."""
    return float(np.abs(g - target).sum() / np.abs(target).sum())


def gram_figure(g: np.ndarray, title: str) -> go.Figure:
    """g: a `gram_view`; its rows and columns are labelled c0, c1, … for the channels it has (block 0
    has 16, later blocks up to GRAM_CHANNELS shown)."""
    channels = [f"c{i}" for i in range(g.shape[0])]
    return plots.heatmap(g, title, x=channels, y=channels, height=340, square=True, colorbar_title="G")


def style_gram_caption(block: int | str, shown: int, total: int) -> str:
    """`shown` of the block's `total` channels are drawn (the first ones)."""
    which = f"all {total} channels" if shown == total else f"its first {shown} of {total} channels"
    return (f"Channel co-activations of the style image at block {block} ({which}; rows and columns are "
            "channels).")


def block_channels(model: nn.Module, block: int) -> int:
    """How many channels `model`'s `block` outputs (a 32-px probe through the network)."""
    with torch.no_grad():
        return int(model.block_outputs(torch.zeros(1, 3, 32, 32), (block,))[block].shape[1])


def result_gram_caption(g: np.ndarray, target: np.ndarray, which: str) -> str:
    """which: "optimised result" or "fast network's result"."""
    return f"The same for the {which}; relative difference {relative_difference(g, target):.0%}."
