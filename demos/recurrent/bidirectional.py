"""Bidirectional RNNs: a tagging task whose answer lies in the future (each letter of a word is
tagged with the word's LAST letter), a forward RNN against a bidirectional one, hand-written and
masked so that padding is skipped in both directions (what pack_padded_sequence does).
"""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Callable

import plotly.graph_objects as go
import torch
import torch.nn.functional as F
from plotly.subplots import make_subplots
from torch import nn

from demos import plots

ALPHABET = "abcd"  # ids 1..4; 0 is padding
MIN_LEN, MAX_LEN = 3, 12
HIDDEN = 16  # per direction; the forward-only model gets 2 × HIDDEN so both heads read 32 numbers
STEPS, BATCH, EVAL_EVERY = 150, 64, 10
RESULTS = Path(__file__).resolve().parents[2] / "models" / "results" / "recurrent_birnn.json"
COMMAND = "python -m train.recurrent_birnn"
MODELS = {"forward": "Forward RNN", "bidirectional": "Bidirectional RNN"}


# ---------------------------------------------------------------- the task
def tagging_batch(n: int, seed: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """`n` random words over ALPHABET, lengths MIN_LEN..MAX_LEN, post-padded with id 0 to MAX_LEN.
    Returns (ids (n, MAX_LEN), lengths (n,), tags (n, MAX_LEN)): every letter's tag is the class
    (0..3) of its word's last letter, -100 (ignored) on padding."""
    g = torch.Generator().manual_seed(seed)
    lengths = torch.randint(MIN_LEN, MAX_LEN + 1, (n,), generator=g)
    ids = torch.randint(1, len(ALPHABET) + 1, (n, MAX_LEN), generator=g)
    mask = torch.arange(MAX_LEN)[None] < lengths[:, None]
    ids = ids * mask
    last = ids[torch.arange(n), lengths - 1] - 1
    return ids, lengths, torch.where(mask, last[:, None].expand(-1, MAX_LEN), torch.full_like(ids, -100))


def one_hot(ids: torch.Tensor) -> torch.Tensor:
    """Letters as one-hot vectors of size 4; padding (id 0) as the zero vector."""
    return F.one_hot(ids, len(ALPHABET) + 1)[..., 1:].float()


# ---------------------------------------------------------------- the hand-written (bi)directional RNN
def rnn_direction(x: torch.Tensor, mask: torch.Tensor, w_ih: torch.Tensor, w_hh: torch.Tensor,
                  b_ih: torch.Tensor, b_hh: torch.Tensor, reverse: bool = False) -> torch.Tensor:
    """h_t = tanh(W_ih x_t + b_ih + W_hh h_{t∓1} + b_hh) over (B, T, D) inputs, left to right or right
    to left; on a padded step (mask False) the state is carried unchanged and the output is 0, so the
    backward pass starts at each sequence's own last element (what pack_padded_sequence does)."""
    h = x.new_zeros(x.shape[0], w_hh.shape[0])
    out = [None] * x.shape[1]
    for t in (reversed(range(x.shape[1])) if reverse else range(x.shape[1])):
        new = torch.tanh(x[:, t] @ w_ih.T + b_ih + h @ w_hh.T + b_hh)
        keep = mask[:, t, None]
        h = torch.where(keep, new, h)
        out[t] = torch.where(keep, new, torch.zeros_like(new))
    return torch.stack(out, 1)


def birnn(rnn: nn.RNN, x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """A one-layer tanh `nn.RNN`'s weights run by hand on padded (B, T, D) inputs of `lengths`:
    (B, T, H) forward states, or [forward ; backward] (B, T, 2H) if it is bidirectional."""
    mask = torch.arange(x.shape[1])[None] < lengths[:, None]
    p = dict(rnn.named_parameters())
    out = [rnn_direction(x, mask, p["weight_ih_l0"], p["weight_hh_l0"], p["bias_ih_l0"], p["bias_hh_l0"])]
    if rnn.bidirectional:
        out.append(rnn_direction(x, mask, p["weight_ih_l0_reverse"], p["weight_hh_l0_reverse"],
                                 p["bias_ih_l0_reverse"], p["bias_hh_l0_reverse"], reverse=True))
    return torch.cat(out, -1)


class Tagger(nn.Module):
    """One RNN layer (its weights in an `nn.RNN`, run by `birnn`) and a linear head per position."""

    def __init__(self, bidirectional: bool):
        super().__init__()
        hidden = HIDDEN if bidirectional else 2 * HIDDEN
        self.rnn = nn.RNN(len(ALPHABET), hidden, batch_first=True, bidirectional=bidirectional)
        self.head = nn.Linear(2 * HIDDEN, len(ALPHABET))

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        return self.head(birnn(self.rnn, one_hot(ids), lengths))


def scores(model: Tagger, ids: torch.Tensor, lengths: torch.Tensor, tags: torch.Tensor
           ) -> tuple[float, float, list[float]]:
    """(loss, accuracy over every real letter, accuracy at each distance from the word's end: 0 = its
    last letter, where the tag is the letter itself, over the words long enough to have it)."""
    with torch.no_grad():
        logits = model(ids, lengths)
    right = (logits.argmax(-1) == tags).float()
    distance = lengths[:, None] - 1 - torch.arange(ids.shape[1])[None]
    loss = F.cross_entropy(logits.reshape(-1, len(ALPHABET)), tags.reshape(-1), ignore_index=-100)
    return float(loss), float(right[tags >= 0].mean()), [float(right[distance == d].mean()) for d in range(MAX_LEN)]


def train_taggers(seed: int = 0, steps: int = STEPS,
                  on_progress: Callable[..., None] | None = None) -> dict:
    """Train a forward and a bidirectional tagger (Adam, lr 0.01, a fresh batch of BATCH words per
    step) from `seed`. At step 0, every EVAL_EVERY steps and at the end: their validation loss and
    accuracy (1000 words, seed + 1), and `on_progress(fraction, partial)` with accuracy by distance
    from the end on those words (a `Stopped` raised there ends the run with what it has). The result's
    accuracy by distance is measured on 2000 other held-out words (seed + 2)."""
    torch.manual_seed(seed)
    models = {name: Tagger(name == "bidirectional") for name in MODELS}
    opts = {name: torch.optim.Adam(m.parameters(), lr=0.01) for name, m in models.items()}
    val, test = tagging_batch(1000, seed + 1), tagging_batch(2000, seed + 2)
    out = {"seed": seed, "steps": [], "loss": {n: [] for n in MODELS}, "val_accuracy": {n: [] for n in MODELS},
           "params": {n: sum(p.numel() for p in m.parameters()) for n, m in models.items()}, "stopped": False}
    start = time.perf_counter()
    for step in range(steps + 1):
        if step > 0:
            ids, lengths, tags = tagging_batch(BATCH, 1000 * seed + 10 + step)
            for name, m in models.items():
                loss = F.cross_entropy(m(ids, lengths).reshape(-1, len(ALPHABET)), tags.reshape(-1),
                                       ignore_index=-100)
                opts[name].zero_grad()
                loss.backward()
                opts[name].step()
        if step % EVAL_EVERY and step != steps:
            continue
        out["steps"].append(step)
        by = {}
        for name, m in models.items():
            loss, acc, by[name] = scores(m, *val)
            out["loss"][name].append(round(loss, 4))
            out["val_accuracy"][name].append(round(acc, 4))
        if on_progress is not None:
            try:
                on_progress(step / steps, _snapshot(out, by, start))
            except Exception as err:  # the kit's Stopped: keep what there is
                if type(err).__name__ != "Stopped":
                    raise
                out["stopped"] = True
                break
    return _snapshot(out, {n: scores(m, *test)[2] for n, m in models.items()}, start)


def _snapshot(out: dict, by_distance: dict[str, list[float]], start: float) -> dict:
    return {**out, "steps": list(out["steps"]), "loss": {k: list(v) for k, v in out["loss"].items()},
            "val_accuracy": {k: list(v) for k, v in out["val_accuracy"].items()},
            "by_distance": {n: [round(a, 4) for a in v] for n, v in by_distance.items()},
            "seconds": round(time.perf_counter() - start, 2)}


def committed_taggers(seed: int) -> dict | None:
    """`train_taggers(seed)` as `python -m train.recurrent_birnn` stored it, or None (train live)."""
    if not RESULTS.is_file():
        return None
    return json.loads(RESULTS.read_text())["runs"].get(str(seed))


# ---------------------------------------------------------------- figures
def tagging_figure(run: dict, height: int = 360) -> go.Figure:
    fig = make_subplots(1, 2, subplot_titles=("Accuracy by letters still to come (held out)",
                                              "Validation accuracy while training"))
    for i, (name, label) in enumerate(MODELS.items()):
        colour = plots.OKABE_ITO[3 if i == 0 else 0]
        fig.add_trace(go.Scatter(x=list(range(MAX_LEN)), y=run["by_distance"][name], name=label,
                                 mode="lines+markers", line=dict(color=colour, width=3)), 1, 1)
        fig.add_trace(go.Scatter(x=run["steps"], y=run["val_accuracy"][name], name=label, showlegend=False,
                                 line=dict(color=colour, width=3)), 1, 2)
    for col in (1, 2):
        fig.add_hline(y=1 / len(ALPHABET), line_dash="dot", line_color="gray", row=1, col=col)
    fig.update_xaxes(title="letters after this one in the word (0 = the last letter)", row=1, col=1)
    fig.update_xaxes(title="training step", row=1, col=2)
    fig.update_yaxes(range=[0, 1.05], tickformat=".0%")
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=40, b=10), legend=dict(orientation="h", y=-0.25))
    return fig


# ---------------------------------------------------------------- captions
def span(values: list[float]) -> str:
    lo, hi = f"{min(values):.0%}", f"{max(values):.0%}"
    return lo if lo == hi else f"{lo}–{hi}"


def tagging_caption(run: dict) -> str:
    fwd, bi = run["by_distance"]["forward"], run["by_distance"]["bidirectional"]
    rest = fwd[1:]
    stopped = " (stopped early)" if run.get("stopped") else ""
    return (f"After {run['steps'][-1]} steps{stopped}, on held-out words: the forward RNN tags the last letter "
            f"{fwd[0]:.0%} right (it is its own tag) but only {span(rest)} of the letters "
            f"before it, near chance ({1 / len(ALPHABET):.0%}): their tag is decided by a letter it has not read "
            f"yet. The bidirectional RNN, whose backward pass starts at each word's own end, gets "
            f"{span(bi)} at every position ({run['params']['bidirectional']} parameters "
            f"against the forward model's {run['params']['forward']}).")
