"""What each head does on this text: the average attention a token pays to its previous or next
token, itself, [CLS], [SEP] or the other pieces of its own word; heads counted as sinks (most of their
attention parked on a special token, often a way of doing nothing) or neighbour heads."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from demos import plots

PATTERNS = {"previous": "previous token", "next": "next token", "self": "itself",
            "cls": "[CLS]", "sep": "[SEP]", "same_word": "other pieces of the same word"}


def head_patterns(weights: np.ndarray, tokens: list[str]) -> dict[str, np.ndarray]:
    """For every head, the average attention a token pays to each pattern in PATTERNS: (L, H) each."""
    t = len(tokens)
    idx = np.arange(t)
    word = np.cumsum([not tok.startswith("##") for tok in tokens])  # word id of every piece
    same_word = (word[:, None] == word[None, :]) & ~np.eye(t, dtype=bool)
    sep = [i for i, tok in enumerate(tokens) if tok == "[SEP]"]
    return {
        "previous": weights[..., idx[1:], idx[1:] - 1].mean(-1),
        "next": weights[..., idx[:-1], idx[:-1] + 1].mean(-1),
        "self": weights[..., idx, idx].mean(-1),
        "cls": weights[..., :, 0].mean(-1),
        "sep": weights[..., :, sep].sum(-1).mean(-1) if sep else np.zeros(weights.shape[:2]),
        "same_word": (weights * same_word).sum(-1).mean(-1),
    }


def head_roles(roles: dict[str, np.ndarray], sink: float = 0.5, local: float = 0.3) -> dict[str, list[int]]:
    """Count heads per layer by what they do on this text: "cls"/"sep" sinks (more than `sink` of a
    head's attention on that token) and "neighbour" heads (more than `local` on the previous or the
    next token). Each list has one count per layer."""
    neighbour = np.maximum(roles["previous"], roles["next"]) > local
    return {"cls": (roles["cls"] > sink).sum(1).tolist(), "sep": (roles["sep"] > sink).sum(1).tolist(),
            "neighbour": neighbour.sum(1).tolist()}


# ---------------------------------------------------------------- "All heads"
def head_grid(weights: np.ndarray) -> go.Figure:
    """All heads as one picture: a (layers × heads) grid of attention maps with layer and head
    numbers on the axes. weights: (L, H, T, T)."""
    layers, heads, t, _ = weights.shape
    grid = np.block([[np.pad(weights[l, h], 1, constant_values=np.nan) for h in range(heads)] for l in range(layers)])
    centre = (t + 2) / 2 - 0.5
    fig = go.Figure(go.Heatmap(z=grid, colorscale="Viridis", colorbar=dict(title="weight"), hoverongaps=False,
                               hovertemplate="row %{y}, column %{x}: %{z:.2f}<extra></extra>"))
    fig.update_xaxes(tickvals=[centre + h * (t + 2) for h in range(heads)], ticktext=[f"H{h + 1}" for h in range(heads)],
                     side="top", showgrid=False)
    fig.update_yaxes(tickvals=[centre + l * (t + 2) for l in range(layers)], ticktext=[f"L{l + 1}" for l in range(layers)],
                     autorange="reversed", showgrid=False, scaleanchor="x")
    fig.update_layout(title=f"All {layers * heads} heads: rows = layers, columns = heads", height=560,
                      margin=dict(l=10, r=10, t=70, b=10))
    return fig


def head_roles_caption(counts: dict[str, list[int]]) -> str:
    """The All-heads caption, from `head_roles` counts measured on the text shown."""
    layers = len(counts["cls"])
    deep_cls, deep_sep = sum(counts["cls"][1:]), sum(counts["sep"][1:])
    sink = ("[CLS]" if deep_cls > deep_sep else "[SEP]") if deep_cls != deep_sep else "[CLS] and [SEP] alike"
    return (f"On this text: in layer 1, {counts['neighbour'][0]} of 12 heads put more than 30 % of their attention "
            f"on the previous or next token; in layers 2–{layers}, {deep_cls} heads put more than half of it on "
            f"[CLS] and {deep_sep} on [SEP] (the sink here: {sink}). A head that parks its attention on a special "
            "token is often a way of doing nothing.")


# ---------------------------------------------------------------- "Head roles"
def most_pattern_head(roles: dict[str, np.ndarray], role: str) -> tuple[int, int]:
    """(layer, head), counted from 1, of the head that pays the most attention to `role`."""
    layer, head = np.unravel_index(np.argmax(roles[role]), roles[role].shape)
    return int(layer) + 1, int(head) + 1


def role_figure(roles: dict[str, np.ndarray], role: str) -> go.Figure:
    layers, heads = roles[role].shape
    return plots.heatmap(roles[role], f"Average attention to: {PATTERNS[role]}",
                         x=[f"H{h}" for h in range(1, heads + 1)], y=[f"L{l}" for l in range(1, layers + 1)],
                         text_format=".0%", height=380, square=False)


def role_caption(roles: dict[str, np.ndarray], role: str) -> str:
    layer, head = most_pattern_head(roles, role)
    return (f"The most “{PATTERNS[role]}” head is layer {layer}, head {head} "
            f"({roles[role][layer - 1, head - 1]:.0%} of its attention).")
