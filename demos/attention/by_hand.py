"""Scaled dot-product attention by hand (Vaswani et al. 2017): softmax(Q Kᵀ / √d + M) V with every
intermediate kept, the causal and padding masks, how a multi-head layer splits and merges features,
and the sinusoidal positional encoding."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
import torch

from demos import plots

MASKS = ("none", "causal", "padding")


@dataclass
class Steps:
    scores: torch.Tensor  # Q Kᵀ
    scaled: torch.Tensor  # ÷ √d
    masked: torch.Tensor  # -inf where masked
    weights: torch.Tensor  # softmax over keys
    output: torch.Tensor  # weights · V


def scaled_dot_product(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, mask: str = "none",
                       valid: int | None = None) -> Steps:
    """softmax(Q Kᵀ / √d + M) V, keeping every intermediate. q: (Tq, d), k, v: (Tk, d).
    mask: "causal" hides future keys; "padding" hides keys from position `valid` on."""
    scores = q @ k.T
    scaled = scores / math.sqrt(q.shape[-1])
    allowed = torch.ones_like(scaled, dtype=torch.bool)
    if mask == "causal":
        allowed = torch.ones_like(allowed).tril()
    elif mask == "padding":
        allowed[:, valid if valid is not None else k.shape[0]:] = False
    masked = scaled.masked_fill(~allowed, float("-inf"))
    weights = masked.softmax(dim=-1)
    return Steps(scores, scaled, masked, weights, weights @ v)


def random_qkv(tokens: int, d: int, seed: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Q, K, V (tokens, d) drawn from N(0, 1) under `seed`, rounded to one decimal so they read."""
    return tuple(torch.randn(3, tokens, d, generator=torch.Generator().manual_seed(seed)).round(decimals=1))


def padding_valid(tokens: int) -> int:
    """The padding mask's demo hides the last key."""
    return max(1, tokens - 1)


def split_heads(x: torch.Tensor, heads: int) -> torch.Tensor:
    """(T, d_model) -> (heads, T, d_model / heads): each head gets its own slice of features."""
    t, d = x.shape
    return x.reshape(t, heads, d // heads).transpose(0, 1)


def merge_heads(x: torch.Tensor) -> torch.Tensor:
    """(heads, T, d_head) -> (T, heads * d_head): concatenate the heads' outputs."""
    h, t, d = x.shape
    return x.transpose(0, 1).reshape(t, h * d)


def sinusoidal_encoding(positions: int, d_model: int) -> np.ndarray:
    """PE[p, 2i] = sin(p / 10000^(2i/d)), PE[p, 2i+1] = cos(p / 10000^(2i/d)): (positions, d_model)."""
    p = np.arange(positions)[:, None]
    i = np.arange(0, d_model, 2)[None, :]
    angles = p / np.power(10000.0, i / d_model)
    pe = np.zeros((positions, d_model))
    pe[:, 0::2], pe[:, 1::2] = np.sin(angles), np.cos(angles[:, : d_model // 2])
    return pe


# ---------------------------------------------------------------- figures and captions
def step_figures(steps: Steps) -> list[tuple[go.Figure, str]]:
    """The four matrices in order, each with its caption."""
    t = steps.scores.shape[0]
    out = []
    for name, m in (("1. Q Kᵀ", steps.scores), ("2. ÷ √d", steps.scaled), ("3. add the mask", steps.masked),
                    ("4. softmax", steps.weights)):
        fig = plots.heatmap(m.numpy(), name, text_format=".1f" if t <= 6 else None, height=280,
                            diverging="softmax" not in name)
        out.append((fig, f"Step {name}: a {t}×{t} matrix (rows: queries, columns: keys)."))
    return out


def output_caption(tokens: int, d: int, seed: int) -> str:
    return (f"Output = weights · V ({tokens}×{d}): one head, with Q, K, V drawn from seed {seed}. A multi-head "
            f"layer runs h of these side by side, each on its own projections X·W_Q, X·W_K, X·W_V, then "
            f"concatenates the h outputs and multiplies by W_O.")


def encoding_figure(positions: int = 50, d_model: int = 64) -> go.Figure:
    return plots.heatmap(sinusoidal_encoding(positions, d_model),
                         f"Sinusoidal positional encoding ({positions} × {d_model})", diverging=True, height=300,
                         square=False)


ENCODING_CAPTION = ("Each position gets a unique pattern of sines and cosines of geometric wavelengths; nearby "
                    "positions have similar codes.")
