"""The attention page's lesson answers (`## Lesson` in pages/05_attention.md, format: ui/lesson_data.py):
a beat's URL parameters (missing ones take the page's defaults, as pages/05_attention.py reads them)
-> MiniLM's attention for the hero's text, layer and head."""
from __future__ import annotations

import functools
from typing import Mapping

import numpy as np

from demos.attention import heads
from models.registry import load_pretrained

DEFAULTS = {"preset": "coreference", "layer": "4", "head": "2"}


@functools.lru_cache(maxsize=1)
def _minilm():
    return load_pretrained("minilm_l6")  # (tokenizer, model), as ui.model gives it


@functools.lru_cache(maxsize=16)
def _maps(text: str) -> heads.Attention:
    tokenizer, model = _minilm()
    return heads.attention_maps(model, tokenizer, text)


def head_row(params: Mapping[str, str], word: str, occurrence: int = -1) -> tuple[list[str], np.ndarray]:
    """(tokens, the attention row of `word`'s occurrence in the hero's head)."""
    p = DEFAULTS | dict(params)
    text = p.get("text", heads.example_text(p["preset"]))
    a = _maps(text)
    row = [i for i, t in enumerate(a.tokens) if t == word][occurrence]
    return a.tokens, a.weights[int(p["layer"]) - 1, int(p["head"]) - 1, row]


def top_word(params: Mapping[str, str], word: str, occurrence: int = -1) -> str:
    """The ordinary token (not [CLS], [SEP] or punctuation, not the word's own position) that `word`
    attends to most."""
    tokens, row = head_row(params, word, occurrence)
    me = [i for i, t in enumerate(tokens) if t == word][occurrence]
    ok = [i for i, t in enumerate(tokens) if t not in heads.SPECIAL and t.isalnum() and i != me]
    return tokens[max(ok, key=lambda i: row[i])]


def it_attends_to(params: Mapping[str, str]) -> str:
    """Whom “it” attends to most in the hero's head."""
    return top_word(params, "it")


def repeat_finds_itself(params: Mapping[str, str]) -> str:
    """"Yes" when the second “cat” attends most to the same word earlier (the first “cat”)."""
    return "Yes" if top_word(params, "cat", 1) == "cat" else "No"
