"""Attention where it was born: a character GRU encoder–decoder translating written dates to ISO
(Bahdanau et al. 2015), whose alignment was never given in training but learned; beside the same
model with one fixed context vector (Cho et al. 2014), which fades as inputs grow."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import torch

from demos import plots

DEFAULT_DATES = "3 may 1971 and the twenty-first of march, 1998"
MAX_DATE_CHARS = 200


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
    inputs grow. (Stored in models/results/attention.json under this name.)"""
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


def translations_text(with_attention: str, without: str) -> str:
    return f"**With attention:** `{with_attention}` · **without:** `{without}`"


def alignment_figure(out: str, chars: list[str], alignment: np.ndarray) -> go.Figure:
    return plots.heatmap(alignment, "Where the decoder looked for each output character",
                         x=[f"{i}:{c}" for i, c in enumerate(chars)],
                         y=[f"{i}:{c}" for i, c in enumerate(list(out) + ["<eos>"])], height=420, square=False)


def alignment_caption(alignment: np.ndarray) -> str:
    return (f"{alignment.shape[0]} output steps × {alignment.shape[1]} input characters; each row is a softmax "
            "over the input. Bright cells show where the decoder read each output character from: no alignment "
            "was given in training, it was learned.")


def accuracy_figure(accuracy: dict) -> go.Figure:
    return plots.line_chart(accuracy["bins"], {k: accuracy[k] for k in ("with attention", "without")},
                            "Exact match vs input length", "input length", "exact match", y_range=(0, 1.02))


def accuracy_caption(accuracy: dict) -> str:
    return (f"Shortest inputs: {accuracy['with attention'][0]:.0%} with attention, {accuracy['without'][0]:.0%} "
            f"without; longest: {accuracy['with attention'][-1]:.0%} and {accuracy['without'][-1]:.0%} — the model "
            "without attention has one fixed-size vector to carry every date at once.")
