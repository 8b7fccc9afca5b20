"""Attention rollout (Abnar & Zuidema 2020): average each layer's heads, add the residual path
(0.5 A + 0.5 I), renormalise rows and multiply through the layers — a rough guide to which inputs
reach each position, not an explanation."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from demos import plots


def attention_rollout(weights: np.ndarray) -> np.ndarray:
    """Rollout: average the heads, add the residual path (0.5 A + 0.5 I), renormalise rows, and
    multiply through the layers. weights: (L, H, T, T) -> (T, T), rows sum to 1."""
    t = weights.shape[-1]
    rollout = np.eye(t)
    for layer in weights:
        a = 0.5 * layer.mean(axis=0) + 0.5 * np.eye(t)
        rollout = (a / a.sum(axis=-1, keepdims=True)) @ rollout
    return rollout


def rollout_figure(rollout: np.ndarray, tokens: list[str], layers: int) -> go.Figure:
    names = [f"{k}:{t}" for k, t in enumerate(tokens)]
    return plots.heatmap(rollout, f"Attention rollout through all {layers} layers", x=names, y=names, height=520,
                         square=False)


def rollout_caption(rollout: np.ndarray) -> str:
    return ("Rollout multiplies the layers' head-averaged attention (plus the residual path): a rough guide "
            f"to which inputs reach each position. Rows sum to {rollout.sum(1).mean():.2f}.")
