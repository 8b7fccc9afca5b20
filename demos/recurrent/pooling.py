"""Pooling a padded batch: one word's states from a bidirectional RNN, padded with zero columns,
pooled by dot-product attention and by a mean, with and without the padding mask.
"""
from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
import torch
import torch.nn.functional as F
from plotly.subplots import make_subplots
from torch import nn

from demos import plots
from demos.recurrent.bidirectional import ALPHABET, HIDDEN, birnn, one_hot

PAD_RANGE = (0, 30)
EXAMPLE = "cabbad"  # the word padded in the view


# ---------------------------------------------------------------- attention and mean pooling, masked or not
def attention_pool(h: torch.Tensor, mask: torch.Tensor, q: torch.Tensor, masked: bool
                   ) -> tuple[torch.Tensor, torch.Tensor]:
    """softmax(h q / √d) pooling of (B, T, d) states with a (d,) query: returns (pooled (B, d),
    weights (B, T)). Masked, padded positions get score −∞ (weight 0)."""
    scores = h @ q / math.sqrt(h.shape[-1])
    if masked:
        scores = scores.masked_fill(~mask, float("-inf"))
    w = scores.softmax(-1)
    return (w[..., None] * h).sum(1), w


def mean_pool(h: torch.Tensor, mask: torch.Tensor, masked: bool) -> torch.Tensor:
    """The mean over real positions (masked) or over every column, pads included."""
    if not masked:
        return h.mean(1)
    return (h * mask[..., None]).sum(1) / mask.sum(1, keepdim=True)


def padding_view(pads: int, seed: int = 0) -> dict:
    """EXAMPLE's states from a seeded (untrained) bidirectional RNN, padded with `pads` extra zero
    columns and with 0..PAD_RANGE[1]: attention weights at `pads`, and each pooling's relative change
    ‖p(k) − p(0)‖ / ‖p(0)‖ against the padding k, masked and not."""
    torch.manual_seed(seed)
    rnn = nn.RNN(len(ALPHABET), HIDDEN, batch_first=True, bidirectional=True)
    q = torch.randn(2 * HIDDEN, generator=torch.Generator().manual_seed(seed + 1)) * 3
    ids = torch.tensor([[ALPHABET.index(c) + 1 for c in EXAMPLE]])
    n = len(EXAMPLE)
    change = {f"{kind}, {'masked' if m else 'no mask'}": [] for kind in ("attention", "mean") for m in (True, False)}
    weights, base = {}, {}
    with torch.no_grad():
        for k in range(PAD_RANGE[1] + 1):
            padded = F.pad(ids, (0, k))
            mask = torch.arange(n + k)[None] < n
            h = birnn(rnn, one_hot(padded), torch.tensor([n]))
            for m in (True, False):
                for kind in ("attention", "mean"):
                    pooled, w = attention_pool(h, mask, q, m) if kind == "attention" else (mean_pool(h, mask, m), None)
                    name = f"{kind}, {'masked' if m else 'no mask'}"
                    base.setdefault(name, pooled)
                    change[name].append(float((pooled - base[name]).norm() / base[name].norm()))
                    if k == pads and w is not None:
                        weights[m] = w[0].numpy()
    return {"pads": pads, "change": {k: np.array(v) for k, v in change.items()}, "weights": weights}


# ---------------------------------------------------------------- figure and caption
def padding_figure(view: dict, height: int = 330) -> go.Figure:
    fig = make_subplots(1, 2, subplot_titles=(f"Attention weights, '{EXAMPLE}' + {view['pads']} pads",
                                              "Pooled output's change as padding grows"))
    width = len(view["weights"][True])
    labels = list(EXAMPLE) + ["pad"] * (width - len(EXAMPLE))
    for j, m in enumerate((True, False)):
        fig.add_trace(go.Bar(x=list(range(width)), y=view["weights"][m], name="masked" if m else "no mask",
                             marker_color=plots.OKABE_ITO[0 if m else 3], hovertext=labels), 1, 1)
    dash = {"attention": "solid", "mean": "dash"}
    for name, values in view["change"].items():
        colour = plots.OKABE_ITO[0 if "masked" in name else 3]
        fig.add_trace(go.Scatter(x=list(range(len(values))), y=values, name=name, mode="lines",
                                 line=dict(color=colour, dash=dash[name.split(",")[0]], width=3)), 1, 2)
    fig.add_vline(x=view["pads"], line_dash="dot", line_color="gray", row=1, col=2)
    fig.update_xaxes(title="position", tickvals=list(range(width)), ticktext=labels, row=1, col=1)
    fig.update_xaxes(title="extra padding columns", row=1, col=2)
    fig.update_yaxes(title="‖p(k) − p(0)‖ / ‖p(0)‖", tickformat=".0%", row=1, col=2)
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=40, b=10), barmode="group",
                      legend=dict(orientation="h", y=-0.3))
    return fig


def padding_caption(view: dict) -> str:
    k, c = view["pads"], view["change"]
    w = view["weights"][False]
    on_pads = float(w[len(EXAMPLE):].sum())
    worst = max(c['attention, masked'][k], c['mean, masked'][k])
    return (f"With {k} padding column(s), unmasked attention puts {on_pads:.0%} of its weight on padding, whose "
            f"states are zeros, so its output moves {c['attention, no mask'][k]:.0%} (mean pooling: "
            f"{c['mean, no mask'][k]:.0%}, dividing by {len(EXAMPLE) + k} instead of {len(EXAMPLE)}); "
            f"with the mask both stay "
            f"{'exactly at' if worst == 0 else f'within {worst:.0e} of'} the unpadded word's: the same word must give the same output whatever batch it was padded in.")
