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


def strip_special(attention: Attention) -> tuple[list[str], np.ndarray]:
    """Drop [CLS]/[SEP] rows and columns, renormalising rows (for display only)."""
    keep = [i for i, tok in enumerate(attention.tokens) if tok not in ("[CLS]", "[SEP]")]
    w = attention.weights[..., keep, :][..., keep]
    return [attention.tokens[i] for i in keep], w / np.clip(w.sum(-1, keepdims=True), 1e-12, None)


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


def accuracy_by_length(models: dict, n: int = 2000, seed: int = 1, bins: int = 5) -> dict:
    """Exact-match accuracy of each seq2seq model on `n` fresh random dates, by input length
    (equal-count length bins): the fixed-context model should fade as inputs grow."""
    from models import dates

    pairs = dates.random_pairs(n, seed)
    lengths = np.array([len(h) for h, _ in pairs])
    edges = np.quantile(lengths, np.linspace(0, 1, bins + 1)).round().astype(int)
    which = np.clip(np.searchsorted(edges[1:-1], lengths, side="right"), 0, bins - 1)
    out = {"bins": [f"{edges[i]}–{edges[i + 1]} chars" for i in range(bins)]}
    for name, model in models.items():
        hits = np.array(exact_match(model, pairs))
        out[name] = [float(hits[which == b].mean()) for b in range(bins)]
    return out
