"""One head of a real transformer: MiniLM-L6's (6 layers × 12 heads) attention weights on a text, row
i being how token i spreads its attention over the tokens; labelled by position so a repeated word
keeps its own row. Hiding [CLS]/[SEP] renormalises each remaining row and says how much was hidden."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
import torch

from demos import plots
from demos.text import quote

MAX_TOKENS = 128  # shown per text (the model itself accepts 512 positions)
MAX_CHARS = 1500  # the text box: about 3× what 128 tokens need; keeps every permalink a URL servers accept
SPECIAL = ("[CLS]", "[SEP]")
EXAMPLES = {"coreference": "The animal didn't cross the street because it was too tired.",
            "repetition": "The cat sat on the mat. The cat sat on the mat again.",
            "subwords": "Unbelievably, the transformer tokenizer fragments uncommon wordpieces.",
            "custom": ""}
# The head each example opens on (layer, head counted from 1): the one of MiniLM's 72 that shows the
# example's pattern most (`showcase_score`'s argmax, checked against the model by a test). Keeping the
# current head made "repetition" open on a head whose rows all sank into [CLS].
EXAMPLE_HEADS = {"coreference": (4, 2), "repetition": (3, 10), "subwords": (1, 3)}
# an example fills the text and moves layer and head to its showcase head
PRESETS = {name: ({"text": text, "layer": EXAMPLE_HEADS[name][0], "head": EXAMPLE_HEADS[name][1]} if text else {})
           for name, text in EXAMPLES.items()}
SHOWCASE = {"coreference": "“it” attending to “animal”",
            "repetition": "each repeated word attending to its earlier occurrences",
            "subwords": "each ## wordpiece attending to the piece before it"}


def example_text(name: str) -> str:
    """The text an example fills in (the first example's for "custom")."""
    return EXAMPLES.get(name) or EXAMPLES["coreference"]


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


def strip_special(attention: Attention) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Drop [CLS]/[SEP] rows and columns and renormalise each remaining row (for display). Returns
    (tokens, weights (L, H, T', T'), the share of each head's attention that pointed at the dropped
    tokens, averaged over the kept rows (L, H)). Raises ValueError when no ordinary token is left."""
    keep = [i for i, tok in enumerate(attention.tokens) if tok not in SPECIAL]
    if not keep:
        raise ValueError("the text has no ordinary tokens, only [CLS] and [SEP]")
    rows = attention.weights[..., keep, :]  # (L, H, T', T)
    w = rows[..., keep]
    kept_share = w.sum(-1)  # (L, H, T'): what stays after dropping the special columns
    return ([attention.tokens[i] for i in keep], w / np.clip(kept_share[..., None], 1e-12, None),
            1 - kept_share.mean(-1))


@dataclass
class Shown:
    """The attention as the page shows it: every layer and head, with [CLS]/[SEP] hidden (rows
    renormalised) when asked and possible."""
    tokens: list[str]
    weights: np.ndarray  # (L, H, T, T)
    hidden_share: np.ndarray | None  # (L, H) share of each head's attention the hidden tokens held
    note: str | None  # why the special tokens stay shown although hiding was asked for


def shown(attention: Attention, hide: bool) -> Shown:
    if hide:
        try:
            return Shown(*strip_special(attention), None)
        except ValueError as err:
            return Shown(attention.tokens, attention.weights, None, f"Nothing to hide: {err}. Showing them.")
    return Shown(attention.tokens, attention.weights, None, None)


def showcase_score(a: "Attention", example: str) -> np.ndarray:
    """(layers, heads): how strongly each head shows the example's pattern, the mean attention weight
    on the pairs (row → column) that make it: coreference, “it” → “animal”; repetition, a token of the
    second sentence → the same token earlier; subwords, a ## piece → the piece before it."""
    t = a.tokens
    if example == "coreference":
        pairs = [(t.index("it"), t.index("animal"))]
    elif example == "repetition":
        pairs = [(i, j) for i in range(len(t)) for j in range(i) if t[i] == t[j] and t[i] not in SPECIAL]
    elif example == "subwords":
        pairs = [(i, i - 1) for i in range(1, len(t)) if t[i].startswith("##")]
    else:
        raise ValueError(f"no pattern for {example!r}")
    rows, cols = zip(*pairs)
    return a.weights[:, :, list(rows), list(cols)].mean(-1)


def strongest_link(tokens: list[str], weights: np.ndarray) -> tuple[int, int] | None:
    """(row, column) of the largest weight between two different ordinary tokens, or None."""
    plain = np.array([t not in SPECIAL for t in tokens])
    links = np.where(plain[:, None] & plain[None, :] & ~np.eye(len(weights), dtype=bool), weights, -1.0)
    if links.max() < 0:
        return None
    i, j = np.unravel_index(np.argmax(links), weights.shape)
    return int(i), int(j)


def labels(tokens: list[str]) -> list[str]:
    """Axis labels by position, so a repeated word keeps its own row and column."""
    return [f"{k}:{t}" for k, t in enumerate(tokens)]


def head_figure(view: Shown, layer: int, head: int, height: int = 520) -> go.Figure:
    """One head (layer and head counted from 1, as on the page)."""
    names = labels(view.tokens)
    return plots.heatmap(view.weights[layer - 1, head - 1], f"Layer {layer}, head {head}", x=names, y=names,
                         square=False, height=height, colorbar_title="weight")


def showcase_note(a: "Attention", text: str, preset: str, layer: int, head: int) -> str:
    """' Of MiniLM's 72 heads, this one shows <pattern> most: 64 % on average.' when the page shows an
    example's text on the head that shows its pattern most; '' otherwise (another head, or edited text)."""
    if preset not in SHOWCASE or text != EXAMPLES[preset]:
        return ""
    score = showcase_score(a, preset)
    best = np.unravel_index(np.argmax(score), score.shape)
    if (layer - 1, head - 1) != best:
        return ""
    return (f" Of MiniLM's {score.size} heads, this one shows {SHOWCASE[preset]} most: "
            f"{score[best]:.0%} of the attention on average.")


def head_caption(view: Shown, layer: int, head: int) -> str:
    w = view.weights[layer - 1, head - 1]
    link = strongest_link(view.tokens, w)
    strongest = (f" Strongest link between two words: “{quote(view.tokens[link[0]])}” → “{quote(view.tokens[link[1]])}” "
                 f"({w[link]:.0%})." if link else "")
    hidden = (f" [CLS]/[SEP] hidden: rows renormalised over the rest (they held "
              f"{view.hidden_share[layer - 1, head - 1]:.0%} of this head's attention)."
              if view.hidden_share is not None else "")
    return f"Rows attend to columns and each row sums to 1.{strongest}{hidden}"


TRUNCATED_NOTE = (f"The text is longer than {MAX_TOKENS} tokens; only the first {MAX_TOKENS} are shown "
                  "(MiniLM itself accepts 512).")
