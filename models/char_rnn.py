"""A character-level LSTM language model (Karpathy's char-rnn, 2015) and its corpus: Python's own
reference documentation as shipped with the interpreter (`pydoc_data.topics`, the text `help()`
shows; PSF License Version 2), split into training, validation and test blocks."""
from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

CORPUS_SOURCE = ("Python's reference documentation as shipped with the interpreter (pydoc_data.topics, "
                 "the text behind help('topic')); © Python Software Foundation, PSF License Version 2")
VOCAB = "\n" + "".join(chr(c) for c in range(32, 127))  # newline + printable ASCII: 96 characters
FOLD = {"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "--", "…": "...", "\t": "    ", "°": " degrees"}
BLOCK = 2000  # characters per split block; whole blocks go to training, validation or test
SPLIT_SEED = 0  # which blocks are held out
HELD_OUT = 0.05  # fraction of blocks in each of validation and test


@dataclass(frozen=True)
class CharRNNConfig:
    vocab: str = VOCAB  # the characters the model reads and writes; id = position in this string
    embed: int = 32  # character embedding size
    hidden: int = 128  # LSTM state size (h and c each)
    layers: int = 1  # stacked LSTM layers


class CharRNN(nn.Module):
    """Embedding -> LSTM -> linear read-out of the next character's logits."""

    def __init__(self, config: CharRNNConfig):
        super().__init__()
        self.config = config
        self.embed = nn.Embedding(len(config.vocab), config.embed)
        self.lstm = nn.LSTM(config.embed, config.hidden, config.layers, batch_first=True)
        self.head = nn.Linear(config.hidden, len(config.vocab))

    def forward(self, ids: torch.Tensor, state: tuple[torch.Tensor, torch.Tensor] | None = None
                ) -> tuple[torch.Tensor, tuple[torch.Tensor, torch.Tensor]]:
        """ids: (B, T) character ids -> next-character logits (B, T, V) and the final (h, c),
        each (layers, B, H), to carry into the next call."""
        out, state = self.lstm(self.embed(ids), state)  # (B, T, H)
        return self.head(out), state  # (B, T, V)


# ---------------------------------------------------------------- the corpus
def normalise(text: str, vocab: str = VOCAB) -> str:
    """Typographic quotes and dashes folded to ASCII, accents stripped (é -> e); any other character
    outside `vocab` dropped."""
    allowed = set(vocab)
    folded = unicodedata.normalize("NFKD", "".join(FOLD.get(c, c) for c in text))
    return "".join(c for c in folded if c in allowed)


def corpus() -> str:
    """Every help topic of the running Python, in sorted order, normalised to `VOCAB`."""
    from pydoc_data.topics import topics

    return normalise("\n\n".join(topics[k].strip("\n") for k in sorted(topics)))


def fingerprint(text: str) -> str:
    """Short sha256 of a text: cards record it, tests compare it (other Python versions ship
    other documentation)."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Splits:
    train: str  # training blocks, in corpus order
    validation: str  # monitored during training
    test: str  # measured once, at the end


def split(text: str, seed: int = SPLIT_SEED, held_out: float = HELD_OUT, block: int = BLOCK) -> Splits:
    """Cut the text into `block`-character blocks and hold out a seeded random `held_out` share of
    them for validation and as much again for test (whole blocks, so no window straddles splits)."""
    blocks = [text[i:i + block] for i in range(0, len(text), block)]
    order = np.random.default_rng(seed).permutation(len(blocks))
    k = max(1, round(held_out * len(blocks)))
    val, test = set(order[:k].tolist()), set(order[k:2 * k].tolist())
    pick = lambda chosen: "".join(b for i, b in enumerate(blocks) if i in chosen)  # noqa: E731
    return Splits(pick(set(range(len(blocks))) - val - test), pick(val), pick(test))


def encode(text: str, vocab: str = VOCAB) -> torch.Tensor:
    """Characters -> ids (1-D long tensor); characters outside `vocab` must be removed first."""
    index = {c: i for i, c in enumerate(vocab)}
    return torch.tensor([index[c] for c in text], dtype=torch.long)


def decode(ids, vocab: str = VOCAB) -> str:
    return "".join(vocab[int(i)] for i in ids)

