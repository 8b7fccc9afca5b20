"""The word-embeddings page's lesson answers (`## Lesson` in pages/14_word_embeddings.md, format:
ui/lesson_data.py): a beat's URL parameters (missing ones take the page's defaults, read here the way
pages/14_word_embeddings.py reads them) -> the hero's four rows of tokens."""
from __future__ import annotations

import functools
from typing import Mapping

from demos.word_embeddings import bpe, tokens
from models.registry import load_pretrained

DEFAULTS = {"preset": "subwords", "merges": "100"}
ROWS = ("characters", "words", "BPE", "WordPiece")


@functools.lru_cache(maxsize=1)
def _minilm():
    return load_pretrained("minilm_l6")  # (tokenizer, model), as ui.model gives it


@functools.lru_cache(maxsize=1)
def _bpe() -> bpe.Bpe:
    return bpe.corpus_bpe()


def rows(params: Mapping[str, str]) -> dict[str, list[tokens.Token]]:
    p = DEFAULTS | dict(params)
    text = p.get("text", tokens.EXAMPLES[p["preset"]])
    return tokens.tokenise_all(text, _minilm()[0], _bpe(), int(p["merges"]))


def fewest_tokens(params: Mapping[str, str]) -> str:
    """The tokenizer (a ROWS name) that cuts the hero's text into the fewest tokens (first on a tie)."""
    counts = [len(v) for v in rows(params).values()]
    return ROWS[counts.index(min(counts))]


def bpe_vs_characters(params: Mapping[str, str]) -> str:
    r = list(rows(params).values())
    n_bpe, n_chars = len(r[2]), len(r[0])
    return "Fewer" if n_bpe < n_chars else "The same" if n_bpe == n_chars else "More"


def has_unk(params: Mapping[str, str]) -> str:
    """"Yes" when MiniLM's WordPiece gives at least one [UNK] for the hero's text."""
    return "Yes" if any(t.text == "[UNK]" for t in list(rows(params).values())[3]) else "No"


def every_word_one_bpe_token(params: Mapping[str, str]) -> str:
    """"Yes" when no word of the hero's text needs more than one BPE token at the view's merge count."""
    bpe_row = list(rows(params).values())[2]
    words = list(rows(params).values())[1]
    return "Yes" if len(bpe_row) == len(words) else "No"


def year_is_one_token(params: Mapping[str, str]) -> str:
    """"Yes" when "2024" is a single WordPiece token in MiniLM's vocabulary."""
    return "Yes" if tokens.wordpiece_split("2024", _minilm()[0].get_vocab()) == ["2024"] else "No"
