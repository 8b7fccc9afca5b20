"""Padding and masking: a batch of texts padded to one length, read by the character LSTM with no mask
(the last column, a bidirectional LSTM's backward pass starting on the pads), with
`pack_padded_sequence`, and the loss averaged with and without the mask.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
import torch
import torch.nn.functional as F
from torch import nn

from demos import plots
from demos.recurrent.text_generation import SHOW_CHAR
from models.char_rnn import CharRNN, encode, normalise

MAX_TEXTS, MAX_TEXT_CHARS = 6, 60  # the padding batch
DEFAULT_TEXTS = "def f(x):\nreturn\nThe for statement is used to iterate\nNone"


# ---------------------------------------------------------------- the batch, padded, read three ways
def parse_texts(raw: str, vocab: str) -> tuple[list[str], list[str]]:
    """The padding demo's batch from a text box: non-empty lines, at most MAX_TEXTS of at most
    MAX_TEXT_CHARS characters, folded to the vocabulary. Returns (texts, problems to show)."""
    problems = []
    lines = [normalise(line, vocab) for line in raw.splitlines()]
    if any(line.strip() and not normalise(line, vocab) for line in raw.splitlines()):
        problems.append("Lines with no character the model knows (newline and printable ASCII) were skipped.")
    lines = [line for line in lines if line]
    if len(lines) > MAX_TEXTS:
        problems.append(f"Only the first {MAX_TEXTS} of {len(lines)} lines are used.")
    if any(len(line) > MAX_TEXT_CHARS for line in lines[:MAX_TEXTS]):
        problems.append(f"Lines longer than {MAX_TEXT_CHARS} characters were cut.")
    return [line[:MAX_TEXT_CHARS] for line in lines[:MAX_TEXTS]], problems


@dataclass(frozen=True)
class Masking:
    texts: list[str]  # the batch, one text per row
    lengths: np.ndarray  # (B,) characters per text
    mask: np.ndarray  # (B, T) True on real characters, False on padding
    error_last: np.ndarray  # (B,) ‖h - h_alone‖ / ‖h_alone‖ reading the last column of the padded batch
    error_gather_backward: np.ndarray  # (B,) same for the backward direction of a BiLSTM read at t = 0
    error_packed: np.ndarray  # (B,) worst of both directions with pack_padded_sequence
    next_alone: list[str]  # the model's next character after each text, run on its own
    next_last: list[str]  # ... from the last column of the padded batch (no mask)
    loss_masked: float  # next-character loss in bits, averaged over real positions only
    loss_unmasked: float  # ... averaged over every position, pads included (targets = id 0)


def masking(model: CharRNN, texts: list[str]) -> Masking:
    """Pad a batch of texts with zero vectors after their ends (post-padding) and compare, with each
    text run on its own: (1) the state in the last column (no mask), (2) a bidirectional LSTM (the
    model's weights in both directions) read at each text's own ends without packing, (3)
    `pack_padded_sequence`, and the loss averaged with and without the mask."""
    vocab, lstm = model.config.vocab, model.lstm
    ids = [encode(t, vocab) for t in texts]
    lengths = torch.tensor([len(i) for i in ids])
    padded = nn.utils.rnn.pad_sequence(ids, batch_first=True)  # (B, T), 0 where padded
    mask = torch.arange(padded.shape[1])[None] < lengths[:, None]  # (B, T)
    emb = model.embed(padded) * mask[..., None]  # pads are zero vectors
    flip = lambda e, n: e[:n].flip(0)  # noqa: E731  a text reversed, for the backward direction
    rel = lambda a, b: float((a - b).norm() / b.norm().clamp_min(1e-12))  # noqa: E731
    with torch.no_grad():
        out, _ = lstm(emb)  # (B, T, H) forward direction over pads
        rev, _ = lstm(emb.flip(1))  # backward direction: starts on the pads
        packed, _ = lstm(nn.utils.rnn.pack_padded_sequence(emb, lengths, batch_first=True, enforce_sorted=False))
        packed, _ = nn.utils.rnn.pad_packed_sequence(packed, batch_first=True)
        rev_packed, _ = lstm(nn.utils.rnn.pack_padded_sequence(
            torch.stack([torch.cat([flip(e, n), e[n:]]) for e, n in zip(emb, lengths)]), lengths,
            batch_first=True, enforce_sorted=False))
        rev_packed, _ = nn.utils.rnn.pad_packed_sequence(rev_packed, batch_first=True)
        errors = {"last": [], "backward": [], "packed": []}
        next_alone, next_last = [], []
        for b, n in enumerate(lengths.tolist()):
            alone, _ = lstm(emb[b:b + 1, :n])  # (1, n, H)
            alone_rev, _ = lstm(flip(emb[b], n)[None])
            errors["last"].append(rel(out[b, -1], alone[0, -1]))
            errors["backward"].append(rel(rev[b, padded.shape[1] - 1], alone_rev[0, -1]))
            errors["packed"].append(max(rel(packed[b, n - 1], alone[0, -1]), rel(rev_packed[b, n - 1], alone_rev[0, -1])))
            next_alone.append(vocab[int(model.head(alone[0, -1]).argmax())])
            next_last.append(vocab[int(model.head(out[b, -1]).argmax())])
        logits = model.head(out[:, :-1])  # predict character t + 1 from position t
        targets = padded[:, 1:]
        losses = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), reduction="none")
        real = mask[:, 1:].reshape(-1).float()
    return Masking(list(texts), lengths.numpy(), mask.numpy(), np.array(errors["last"]),
                   np.array(errors["backward"]), np.array(errors["packed"]), next_alone, next_last,
                   float((losses * real).sum() / real.sum()) / math.log(2), float(losses.mean()) / math.log(2))


# ---------------------------------------------------------------- figure and table
def padding_figure(m: Masking, height: int = 260) -> go.Figure:
    """The padded batch: one row per text, one column per position; pads shaded."""
    width = m.mask.shape[1]
    text = [[SHOW_CHAR.get(c, c) for c in t] + ["pad"] * (width - len(t)) for t in m.texts]
    fig = go.Figure(go.Heatmap(z=m.mask.astype(float), text=text, texttemplate="%{text}", zmin=0, zmax=1,
                               colorscale=[[0, "#bbbbbb"], [1, plots.OKABE_ITO[5]]], showscale=False,
                               hovertemplate="text %{y}, position %{x}: %{text}<extra></extra>"))
    fig.update_yaxes(autorange="reversed", title="text", tickvals=list(range(len(m.texts))))
    fig.update_xaxes(title="position (mask: blue = real, grey = padding)")
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=10, b=10))
    return fig


def masking_table(m: Masking) -> list[dict]:
    return [{"text": t, "length": int(n), "pads": int(m.mask.shape[1] - n),
             "next char alone": SHOW_CHAR.get(a, a), "next char, last column": SHOW_CHAR.get(b, b),
             "state error, last column": f"{e1:.0%}", "BiLSTM backward error, no packing": f"{e2:.0%}",
             "error with packing": f"{e3:.0e}"}
            for t, n, a, b, e1, e2, e3 in zip(m.texts, m.lengths, m.next_alone, m.next_last, m.error_last,
                                              m.error_gather_backward, m.error_packed)]


# ---------------------------------------------------------------- captions
def padding_caption(m: Masking) -> str:
    pads = int((~m.mask).sum())
    return (f"{len(m.texts)} texts padded to {m.mask.shape[1]} positions: {pads} of {m.mask.size} cells "
            f"({pads / m.mask.size:.0%}) are padding the network would otherwise read.")


def masking_caption(m: Masking) -> str:
    short = m.lengths < m.mask.shape[1]
    wrong = sum(a != b for a, b, s in zip(m.next_alone, m.next_last, short) if s)
    return (f"Reading the last column, {int(short.sum())} padded text(s) get a state off by up to "
            f"{m.error_last.max():.0%} and {wrong} a different next character; a BiLSTM's backward pass "
            f"starts on the pads (up to {m.error_gather_backward.max():.0%} off). Packed, every state matches "
            f"its text run alone (worst error {m.error_packed.max():.0e}). Loss over real characters only: "
            f"{m.loss_masked:.2f} bits; averaged over pads too: {m.loss_unmasked:.2f} bits — a number about nothing.")
