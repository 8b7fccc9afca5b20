"""MiniLM's input-embedding table (30,522 rows × 384): a token id picks a row, which is exactly a
one-hot vector times the table. Nearest neighbours and analogies (Mikolov et al. 2013, "Linguistic
Regularities in Continuous Space Word Representations") are searched by cosine in the full 384-D space,
over whole-word rows, with the input words excluded and the rank of the expected answer reported."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from demos.plots import OKABE_ITO, layout
from demos.text import chart_text, quote

K_RANGE = (3, 25)  # neighbours shown


def _n(n: int) -> str:
    return f"{n:,}"



def embedding_matrix(model) -> np.ndarray:
    """(V, D) float32 copy of MiniLM's input embeddings (word pieces only, before positions are added)."""
    return model.embeddings.word_embeddings.weight.detach().numpy().astype(np.float32, copy=True)


def unit_rows(matrix: np.ndarray) -> np.ndarray:
    return matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)


def searchable(vocab: dict[str, int]) -> np.ndarray:
    """(V,) bool: rows that are whole words of letters (no "##" pieces, [unused], specials, digits)."""
    mask = np.zeros(len(vocab), dtype=bool)
    for token, i in vocab.items():
        mask[i] = token.isalpha()
    return mask


def id_to_tokens(vocab: dict[str, int]) -> list[str]:
    """Token text by id."""
    out = [""] * len(vocab)
    for token, i in vocab.items():
        out[i] = token
    return out


def one_hot_lookup(matrix: np.ndarray, token_id: int) -> tuple[np.ndarray, np.ndarray]:
    """(one-hot (V,), one-hot @ matrix (D,)): the product an embedding layer never computes, because it
    equals row `token_id`."""
    one_hot = np.zeros(len(matrix), dtype=np.float32)
    one_hot[token_id] = 1.0
    return one_hot, one_hot @ matrix


@dataclass(frozen=True)
class Search:
    query: str  # what was searched, in words
    tokens: tuple[str, ...]  # best first
    scores: tuple[float, ...]  # cosine similarity to the query vector
    expected: str = ""  # the answer an analogy expects ("" for a neighbour search)
    rank: int | None = None  # 1-based rank of `expected` among searchable rows (None: not searchable)


def nearest(unit: np.ndarray, vector: np.ndarray, mask: np.ndarray, exclude: list[int], k: int,
            id_to_token: list[str]) -> tuple[list[str], list[float], np.ndarray]:
    """The k searchable rows of highest cosine with `vector` (excluded ids never count), and all scores."""
    scores = unit @ (vector / max(float(np.linalg.norm(vector)), 1e-12))
    scores = np.where(mask, scores, -np.inf)
    scores[exclude] = -np.inf
    top = np.argpartition(-scores, k)[:k]
    top = top[np.argsort(-scores[top], kind="stable")]
    return [id_to_token[i] for i in top], [float(scores[i]) for i in top], scores


def neighbours(unit: np.ndarray, vocab: dict[str, int], word: str, k: int, mask: np.ndarray,
               id_to_token: list[str]) -> Search:
    tokens, scores, _ = nearest(unit, unit[vocab[word]], mask, [vocab[word]], k, id_to_token)
    return Search(f"neighbours of “{word}”", tuple(tokens), tuple(scores))


def analogy(unit: np.ndarray, vocab: dict[str, int], a: str, b: str, c: str, expected: str, k: int,
            mask: np.ndarray, id_to_token: list[str]) -> Search:
    """a : b :: c : ? as the row closest to b − a + c (unit rows, Mikolov's 3CosAdd), a, b and c excluded."""
    ids = [vocab[a], vocab[b], vocab[c]]
    tokens, scores, all_scores = nearest(unit, unit[ids[1]] - unit[ids[0]] + unit[ids[2]], mask, ids, k, id_to_token)
    rank = None
    if expected in vocab and np.isfinite(all_scores[vocab[expected]]):
        rank = int((all_scores > all_scores[vocab[expected]]).sum()) + 1
    return Search(f"{a} : {b} :: {c} : ?", tuple(tokens), tuple(scores), expected, rank)


def search_figure(search: Search, height: int = 360) -> go.Figure:
    colours = [OKABE_ITO[3] if t == search.expected else OKABE_ITO[0] for t in search.tokens]
    fig = go.Figure(go.Bar(x=list(search.scores)[::-1], y=[chart_text(t) for t in search.tokens][::-1],
                           orientation="h", marker_color=colours[::-1],
                           hovertemplate="%{y}: cosine %{x:.3f}<extra></extra>"))
    fig.update_layout(xaxis_title="cosine similarity in the full 384-D space")
    return layout(fig, chart_text(search.query), height)


def search_caption(search: Search) -> str:
    top = f"“{quote(search.tokens[0])}” (cosine {search.scores[0]:.3f})"
    if not search.expected:
        return f"Closest whole-word row to the query's: {top}; the word itself is left out."
    where = ("is not a searchable whole word" if search.rank is None else f"ranks {_n(search.rank)} of "
             f"the vocabulary's whole words")
    return (f"b − a + c lands nearest to {top}, the three input words left out; the expected "
            f"“{quote(search.expected)}” {where}.")


def lookup_figure(row: np.ndarray, token: str, height: int = 240) -> go.Figure:
    fig = go.Figure(go.Bar(x=np.arange(len(row)), y=row, marker_color=OKABE_ITO[0],
                           hovertemplate="dimension %{x}: %{y:.4f}<extra></extra>"))
    fig.update_layout(xaxis_title="dimension (of 384)", yaxis_title="value", bargap=0)
    return layout(fig, f"one-hot(“{chart_text(token)}”) × E: the {len(row)} numbers of its row", height)


def lookup_caption(matrix: np.ndarray, token: str, token_id: int, other: str, other_id: int) -> str:
    one_hot, row = one_hot_lookup(matrix, token_id)
    diff = float(np.abs(row - matrix[token_id]).max())
    unit = unit_rows(matrix[[token_id, other_id]])
    return (f"“{quote(token)}” is id {_n(token_id)}: a one-hot vector of {_n(len(one_hot))} numbers (one 1) "
            f"times the {_n(len(matrix))} × {matrix.shape[1]} table gives row {_n(token_id)} exactly (largest "
            f"difference {diff:g}). Two different one-hot vectors always have cosine 0; the dense rows of "
            f"“{quote(token)}” and “{quote(other)}” have cosine {float(unit[0] @ unit[1]):.3f}.")
