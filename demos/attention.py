"""Attention: a real transformer's heads (MiniLM-L6), attention rollout (Abnar & Zuidema 2020), what
each head does, a seq2seq alignment, and scaled dot-product attention step by step (Vaswani et al.
2017)."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

MAX_TOKENS = 128  # shown per text (the model itself accepts 512 positions)
MASKS = ("none", "causal", "padding")
PATTERNS = {"previous": "previous token", "next": "next token", "self": "itself",
            "cls": "[CLS]", "sep": "[SEP]", "same_word": "other pieces of the same word"}


@dataclass
class Attention:
    tokens: list[str]  # wordpieces, [CLS] ... [SEP]
    weights: np.ndarray  # (layers, heads, T, T); row i = how token i distributes its attention
    truncated: bool  # the text had more than MAX_TOKENS tokens


@torch.no_grad()
def attention_maps(model, tokenizer, text: str, max_tokens: int = MAX_TOKENS) -> Attention:
    """Per-layer, per-head attention of a BERT-style model for `text` (needs eager attention)."""
    full = tokenizer(text, add_special_tokens=True)["input_ids"]
    enc = tokenizer(text, return_tensors="pt", truncation=True, max_length=max_tokens)
    out = model(**enc, output_attentions=True)
    weights = torch.stack(out.attentions)[:, 0].numpy()  # (L, H, T, T)
    return Attention(tokenizer.convert_ids_to_tokens(enc["input_ids"][0]), weights, len(full) > max_tokens)


@torch.no_grad()
def head_qkv(model, tokenizer, text: str, layer: int, head: int,
             max_tokens: int = MAX_TOKENS) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Q, K, V (T, d_head) of one head, computed here from the layer's input hidden states and its
    projection weights: an independent route to the same attention (tests compare the two)."""
    enc = tokenizer(text, return_tensors="pt", truncation=True, max_length=max_tokens)
    hidden = model(**enc, output_hidden_states=True).hidden_states[layer][0]  # input to `layer`
    attn = model.encoder.layer[layer].attention.self
    d = attn.attention_head_size
    cut = slice(head * d, (head + 1) * d)
    return tuple(proj(hidden)[:, cut] for proj in (attn.query, attn.key, attn.value))


def attention_rollout(weights: np.ndarray) -> np.ndarray:
    """Rollout: average the heads, add the residual path (0.5 A + 0.5 I), renormalise rows, and
    multiply through the layers. weights: (L, H, T, T) -> (T, T), rows sum to 1."""
    t = weights.shape[-1]
    rollout = np.eye(t)
    for layer in weights:
        a = 0.5 * layer.mean(axis=0) + 0.5 * np.eye(t)
        rollout = (a / a.sum(axis=-1, keepdims=True)) @ rollout
    return rollout


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


def strip_special(attention: Attention) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Drop [CLS]/[SEP] rows and columns and renormalise each remaining row (for display). Returns
    (tokens, weights (L, H, T', T'), the share of each head's attention that pointed at the dropped
    tokens, averaged over the kept rows (L, H)). Raises ValueError when no ordinary token is left."""
    keep = [i for i, tok in enumerate(attention.tokens) if tok not in ("[CLS]", "[SEP]")]
    if not keep:
        raise ValueError("the text has no ordinary tokens, only [CLS] and [SEP]")
    rows = attention.weights[..., keep, :]  # (L, H, T', T)
    w = rows[..., keep]
    kept_share = w.sum(-1)  # (L, H, T'): what stays after dropping the special columns
    return ([attention.tokens[i] for i in keep], w / np.clip(kept_share[..., None], 1e-12, None),
            1 - kept_share.mean(-1))


def head_roles(roles: dict[str, np.ndarray], sink: float = 0.5, local: float = 0.3) -> dict[str, list[int]]:
    """Count heads per layer by what they do on this text: "cls"/"sep" sinks (more than `sink` of a
    head's attention on that token) and "neighbour" heads (more than `local` on the previous or the
    next token). Each list has one count per layer."""
    neighbour = np.maximum(roles["previous"], roles["next"]) > local
    return {"cls": (roles["cls"] > sink).sum(1).tolist(), "sep": (roles["sep"] > sink).sum(1).tolist(),
            "neighbour": neighbour.sum(1).tolist()}


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


@torch.no_grad()
def translate(model, text: str) -> tuple[str, list[str], np.ndarray]:
    """Greedy seq2seq decoding of human-written dates -> (ISO output, input characters, alignment
    weights (output characters + the end step, input positions))."""
    from models import dates

    src = torch.tensor([dates.encode_input(text)])
    ids, weights = model.greedy(src, dates.OUT_LEN + 1)
    out = dates.decode_output(ids[0].tolist())[: dates.OUT_LEN].rstrip()  # no EOS in time: cut
    return out, dates.input_tokens(text), weights[0, : len(out) + 1].numpy()


@torch.no_grad()
def exact_match(model, pairs: list[tuple[str, str]]) -> list[bool]:
    """Whether greedy decoding of each human-written input gives exactly its ISO dates."""
    from models import dates

    model.eval()
    src, _ = dates.encode_pairs(pairs)
    ids, _ = model.greedy(src, dates.OUT_LEN + 1)
    return [dates.decode_output(row.tolist()) == iso for row, (_, iso) in zip(ids, pairs)]


def accuracy_by_length(names: tuple[str, str] = ("seq2seq_dates", "seq2seq_dates_noattn"), n: int = 2000,
                       seed: int = 1, bins: int = 5, on_progress=None) -> dict:
    """Exact-match accuracy of the two registered seq2seq models (with, without attention) on `n`
    fresh random dates, by input length (equal-count length bins): the fixed-context model fades as
    inputs grow."""
    from models import dates, load_pretrained

    pairs = dates.random_pairs(n, seed)
    lengths = np.array([len(h) for h, _ in pairs])
    edges = np.quantile(lengths, np.linspace(0, 1, bins + 1)).round().astype(int)
    which = np.clip(np.searchsorted(edges[1:-1], lengths, side="right"), 0, bins - 1)
    out = {"bins": [f"{edges[i]}–{edges[i + 1]} chars" for i in range(bins)]}
    for k, (label, name) in enumerate(zip(("with attention", "without"), names)):
        hits = np.array(exact_match(load_pretrained(name), pairs))
        out[label] = [float(hits[which == b].mean()) for b in range(bins)]
        if on_progress is not None:
            on_progress((k + 1) / len(names))
    return out


def head_roles_sentence(counts: dict[str, list[int]]) -> str:
    """The All-heads caption, from `head_roles` counts measured on the text shown."""
    layers = len(counts["cls"])
    deep_cls, deep_sep = sum(counts["cls"][1:]), sum(counts["sep"][1:])
    sink = ("[CLS]" if deep_cls > deep_sep else "[SEP]") if deep_cls != deep_sep else "[CLS] and [SEP] alike"
    return (f"On this text: in layer 1, {counts['neighbour'][0]} of 12 heads put more than 30 % of their attention "
            f"on the previous or next token; in layers 2–{layers}, {deep_cls} heads put more than half of it on "
            f"[CLS] and {deep_sep} on [SEP] (the sink here: {sink}). A head that parks its attention on a special "
            "token is often a way of doing nothing.")


def head_grid(weights: np.ndarray):
    """All heads as one picture: a (layers × heads) grid of attention maps with layer and head
    numbers on the axes. weights: (L, H, T, T)."""
    import plotly.graph_objects as go

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
