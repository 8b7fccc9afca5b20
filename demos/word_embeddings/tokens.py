"""Text → tokens three ways, side by side: characters, words, and MiniLM's WordPiece (Schuster &
Nakajima 2012; Wu et al. 2016), whose greedy longest-match split is written out here against MiniLM's
own vocabulary. The BPE row of the hero comes from bpe.py. Offsets index the typed text, so the rows
line up under each other."""
from __future__ import annotations

import functools
import re
import unicodedata
from typing import NamedTuple

import plotly.graph_objects as go

from demos.plots import layout
from demos.text import chart_text, quote, shorten
from demos.word_embeddings.bpe import Bpe, bpe_tokens

MAX_CHARS = 1500  # the text box; tokenising itself takes any length (tested at 50,000 characters)
DRAWN_CHARS = 90  # the hero draws the tokens that start in the first 90 characters
MAX_WORD_CHARS = 100  # BERT's max_input_chars_per_word: a longer word is one [UNK]
WORD = re.compile(r"\w+|[^\w\s]")
EXAMPLES = {
    "subwords": "Tokenizers split unbelievably long words into familiar pieces.",
    "rare": "The chatbot was quizzically unflappable about grandkids.",
    "scripts": "Paris is lovely 🙂 — 巴黎很美 — باريس جميلة",
    "numbers": "In 2024 it cost $3.50, or 350 cents.",
}
PRESETS = {k: {"text": v} for k, v in EXAMPLES.items()}


def _n(n: int) -> str:
    return f"{n:,}"


class Token(NamedTuple):
    text: str  # what the token is (a WordPiece continuation keeps its "##")
    start: int  # offset of its first character in the typed text
    end: int  # one past its last character
    id: int = -1  # its row in the embedding table (-1: this scheme has no table here)


def characters(text: str) -> list[Token]:
    """One token per Unicode code point (an emoji with a skin tone is two; whitespace included)."""
    return [Token(c, i, i + 1, ord(c)) for i, c in enumerate(text)]


def words(text: str) -> list[Token]:
    """Runs of letters/digits and single punctuation marks; whitespace separates and is dropped."""
    return [Token(m.group(0), m.start(), m.end()) for m in WORD.finditer(text)]


def wordpiece_split(word: str, vocab: dict[str, int], unk: str = "[UNK]") -> list[str]:
    """Greedy longest-match-first: take the longest prefix in the vocabulary, then the longest
    "##"-prefixed piece of the rest, and so on; if some rest has no piece at all, the whole word is [UNK]."""
    if len(word) > MAX_WORD_CHARS:
        return [unk]
    pieces, start = [], 0
    while start < len(word):
        end = len(word)
        while end > start:
            piece = word[start:end] if start == 0 else "##" + word[start:end]
            if piece in vocab:
                break
            end -= 1
        if end == start:
            return [unk]
        pieces.append(piece)
        start = end
    return pieces


def wordpiece(text: str, tokenizer) -> list[Token]:
    """MiniLM's WordPiece tokens of `text` (no [CLS]/[SEP]). The tokenizer's own normaliser (lower case,
    accents stripped, control characters dropped) and pre-tokeniser (split at spaces and punctuation, CJK
    characters apart) make the words; `wordpiece_split` makes the pieces and ids. Offsets come from the
    tokenizer's encoding, which has one offset per piece."""
    backend = _backend(tokenizer)
    vocab = _vocab(tokenizer)
    normal = backend.normalizer.normalize_str(text)
    split: dict[str, list[str]] = {}  # each distinct word is split once
    pieces = [p for w, _ in backend.pre_tokenizer.pre_tokenize_str(normal)
              for p in (split[w] if w in split else split.setdefault(w, wordpiece_split(w, vocab)))]
    offsets = backend.encode(text, add_special_tokens=False).offsets
    if len(offsets) != len(pieces):  # never seen: keep the ids, place every piece at the text's start
        offsets = [(0, 0)] * len(pieces)
    return [Token(p, s, e, vocab[p]) for p, (s, e) in zip(pieces, offsets)]


@functools.lru_cache(maxsize=4)
def _backend(tokenizer):
    """A private copy of the tokenizer's `tokenizers` pipeline with no truncation or padding: the shared
    one keeps whatever the last caller set (another page pads to 128), and is never mutated here."""
    from tokenizers import Tokenizer

    backend = Tokenizer.from_str(tokenizer.backend_tokenizer.to_str())
    backend.no_truncation()
    backend.no_padding()
    return backend


@functools.lru_cache(maxsize=4)
def _vocab(tokenizer) -> dict[str, int]:
    return tokenizer.get_vocab()  # builds a 30,522-entry dict: once per tokenizer


def text_notes(text: str) -> list[str]:
    """What is unusual about `text` and what each tokenizer does with it (shown above the hero)."""
    notes = []
    controls = [c for c in text if unicodedata.category(c) in ("Cc", "Cf") and c not in "\n\t\r"]
    if controls:
        notes.append(f"The text holds {len(controls)} invisible control or format character(s) such as "
                     f"{quote(repr(controls[0]))}: they are character tokens of their own, and MiniLM's "
                     "normaliser deletes them before WordPiece.")
    if any(unicodedata.bidirectional(c) in ("R", "AL") for c in text):
        notes.append("Right-to-left letters are stored (and tokenised) in reading order; the chart draws them "
                     "left to right, one box per token.")
    if len(text) > DRAWN_CHARS:
        notes.append(f"The chart draws the tokens of the first {DRAWN_CHARS} characters; the counts cover all "
                     f"{_n(len(text))}.")
    return notes


def tokenise_all(text: str, tokenizer, bpe_model: Bpe, n_merges: int) -> dict[str, list[Token]]:
    """The hero's four rows, in order: characters, words, BPE after `n_merges` merges, WordPiece."""
    n = min(n_merges, len(bpe_model.merges))
    return {"characters": characters(text), "words": words(text),
            f"BPE ({n} merges)": [Token(p, s, e) for p, s, e in bpe_tokens(text, bpe_model, n)],
            "WordPiece (MiniLM)": wordpiece(text, tokenizer)}


# ---------------------------------------------------------------- the hero: one row per tokenizer
# Neighbouring tokens alternate two light shades of their row's colour (dark text reads on both)
ROW_COLOURS = (("#cfe2f3", "#9fc5e8"), ("#fde2c0", "#f9c98b"), ("#d4eee2", "#a8dbc3"), ("#eadcf0", "#cfb3dd"))
UNK_COLOUR = "#e06666"
def tokens_figure(rows: dict[str, list[Token]], text: str, height: int = 380) -> go.Figure:
    """One row of boxes per tokenizer, each box spanning the characters its token covers."""
    fig = go.Figure()
    names = list(rows)
    for r, (name, tokens) in enumerate(rows.items()):
        shown = [t for t in tokens if t.start < DRAWN_CHARS]
        pair = ROW_COLOURS[r % len(ROW_COLOURS)]
        colour = [UNK_COLOUR if t.text == "[UNK]" else pair[i % 2] for i, t in enumerate(shown)]
        label = [chart_text(shorten(t.text, 12)) for t in shown]
        fig.add_trace(go.Bar(
            y=[f"{name}: {_n(len(tokens))}"] * len(shown), x=[max(t.end - t.start, 0.6) for t in shown],
            base=[t.start for t in shown], orientation="h", marker=dict(color=colour, line=dict(color="white", width=1)),
            text=label, textposition="inside", insidetextanchor="middle", textangle=0,
            textfont=dict(color="#222222"),
            customdata=[[chart_text(shorten(t.text, 30)), t.id if t.id >= 0 else "—"] for t in shown],
            hovertemplate="“%{customdata[0]}”<br>id %{customdata[1]}<extra>" + chart_text(name) + "</extra>",
            showlegend=False))
    fig.update_layout(barmode="overlay", bargap=0.25, uniformtext=dict(minsize=9, mode="hide"),
                      xaxis=dict(title="character position in your text", range=[-0.5, min(len(text), DRAWN_CHARS) + 0.5]),
                      yaxis=dict(categoryorder="array", categoryarray=[f"{n}: {_n(len(rows[n]))}" for n in names][::-1]))
    return layout(fig, "Your text, tokenised four ways (tokens counted after each name)", height)


def tokens_caption(rows: dict[str, list[Token]], text: str) -> str:
    counts = {k: len(v) for k, v in rows.items()}
    wp = next((v for k, v in rows.items() if k.startswith("WordPiece")), [])
    split = sum(1 for t in wp if t.text.startswith("##"))
    unk = sum(1 for t in wp if t.text == "[UNK]")
    singular = {"characters": "character", "words": "word"}
    parts = ", ".join(f"{_n(n)} {singular.get(k, k.split(' (')[0])} tokens" for k, n in counts.items())
    return (f"{_n(len(text))} characters make {parts}. {_n(split)} WordPiece token(s) continue a word (“##”) and "
            f"{_n(unk)} are [UNK]: subwords cover rare words with a {_n(30522)}-entry vocabulary.")
