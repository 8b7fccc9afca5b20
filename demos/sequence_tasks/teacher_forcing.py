"""Teacher forcing and exposure bias on the date translator (models/dates.py, one date per input):
a decoder trained on the true previous character (ratio 1), on its own previous guess (ratio 0), or a
coin flip per step between them (scheduled sampling, Bengio et al. 2015), then run free at test time.
Errors are measured per output position two ways: fed the true prefix (as in teacher-forced training)
and fed its own outputs (as in use): the gap is exposure bias, mistakes that feed on mistakes."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
import torch
import torch.nn.functional as F

from demos.plots import OKABE_ITO, layout
from models import dates
from models.seq2seq import Seq2Seq

RATIOS = ("0", "0.5", "1")  # committed models seq2seq_tf_<ratio without the dot>
OUT_STEPS = 11  # "YYYY-MM-DD" + EOS
POSITIONS = ["Y", "Y", "Y", "Y", "-", "M", "M", "-", "D", "D", "end"]


def model_name(ratio: str) -> str:
    return "seq2seq_tf_" + ratio.replace(".", "")


def scheduled_sampling_loss(model: Seq2Seq, src: torch.Tensor, tgt: torch.Tensor, ratio: float,
                            generator: torch.Generator) -> torch.Tensor:
    """Cross-entropy over the output steps; the input at step t+1 is the true character y_t with
    probability `ratio` (teacher forcing), else the model's own argmax ŷ_t (no gradient through it)."""
    keys, state, summary = model.encode(src)
    projected, mask = model.attention.u(keys), src != 0
    prev = torch.full((len(src),), dates.SOS, dtype=torch.long)
    losses = []
    for t in range(tgt.shape[1]):
        state, logits, _ = model.step(prev, state, keys, projected, mask, summary)
        losses.append(F.cross_entropy(logits, tgt[:, t], ignore_index=dates.PAD, reduction="none"))
        coin = torch.rand(len(src), generator=generator) < ratio
        prev = torch.where(coin, tgt[:, t], logits.argmax(-1).detach())
    valid = (tgt != dates.PAD).float()
    return (torch.stack(losses, 1) * valid).sum() / valid.sum()


@dataclass(frozen=True)
class PositionErrors:
    forced: np.ndarray  # (11,) error rate at each position given the true prefix
    free: np.ndarray  # (11,) error rate at each position running on its own outputs
    after_error: np.ndarray  # (11,) free-running error rate at positions that follow an earlier error
    after_clean: np.ndarray  # (11,) ... that follow a clean prefix
    exact: float  # free-running exact match
    n: int


@torch.no_grad()
def position_errors(model: Seq2Seq, pairs: list[tuple[str, str]]) -> PositionErrors:
    model.eval()
    src, tgt = dates.encode_pairs(pairs)
    tgt_in = torch.cat([torch.full((len(tgt), 1), dates.SOS), tgt[:, :-1]], 1)
    forced = (model(src, tgt_in)[0].argmax(-1) != tgt).numpy()  # (N, 11)
    free = (model.greedy(src, OUT_STEPS)[0] != tgt).numpy()
    earlier = np.cumsum(free, 1) - free > 0  # some earlier position already wrong
    with np.errstate(invalid="ignore"):
        after_error = np.where(earlier.sum(0) > 0, (free & earlier).sum(0) / earlier.sum(0), np.nan)
        after_clean = (free & ~earlier).sum(0) / np.maximum((~earlier).sum(0), 1)
    return PositionErrors(forced.mean(0), free.mean(0), after_error, after_clean, float((~free.any(1)).mean()),
                          len(pairs))


def test_pairs(n: int = 500, seed: int = 101) -> list[tuple[str, str]]:
    """Held-out one-date pairs (training used seed 100, validation 102; the card checks no overlap)."""
    return dates.random_pairs(n, seed, max_dates=1)


def errors_figure(e: PositionErrors, ratio: str, height: int = 360) -> go.Figure:
    x = [f"{i + 1}:{p}" for i, p in enumerate(POSITIONS)]
    fig = go.Figure([go.Bar(x=x, y=e.forced, name="fed the true prefix (teacher forced)", marker_color=OKABE_ITO[0]),
                     go.Bar(x=x, y=e.free, name="fed its own outputs (free running)", marker_color=OKABE_ITO[3])])
    fig.add_trace(go.Scatter(x=x, y=e.after_error, name="free, after an earlier error", mode="lines+markers",
                             line=dict(color=OKABE_ITO[1], dash="dot")))
    fig.update_yaxes(title="error rate", tickformat=".0%", rangemode="tozero")
    fig.update_xaxes(title="output position")
    fig.update_layout(barmode="group", legend=dict(orientation="h", y=-0.3))
    return layout(fig, f"Trained with teacher-forcing ratio {ratio}: errors by position on {e.n} held-out dates", height)


def errors_caption(e: PositionErrors, ratio: str) -> str:
    gap = float(e.free.mean() - e.forced.mean())
    cond = e.after_error[~np.isnan(e.after_error)]
    compounding = (f"after a first mistake, later positions are wrong {np.mean(cond):.0%} of the time, against "
                   f"{e.after_clean.mean():.0%} after a clean prefix" if len(cond) else "it never made a mistake")
    return (f"Ratio {ratio}: free-running exact match {e.exact:.0%}. Mean error per position {e.forced.mean():.1%} "
            f"when fed the truth, {e.free.mean():.1%} when fed its own outputs (gap {gap:+.1%}); {compounding}.")


def summary_figure(all_errors: dict[str, PositionErrors], height: int = 300) -> go.Figure:
    ratios = list(all_errors)
    fig = go.Figure([go.Bar(x=ratios, y=[all_errors[r].forced.mean() for r in ratios], name="teacher forced",
                            marker_color=OKABE_ITO[0]),
                     go.Bar(x=ratios, y=[all_errors[r].free.mean() for r in ratios], name="free running",
                            marker_color=OKABE_ITO[3])])
    fig.update_xaxes(title="teacher-forcing ratio in training", type="category")
    fig.update_yaxes(title="mean error per position", tickformat=".0%")
    return layout(fig, "Same budget, three ratios: error when fed the truth vs fed itself", height)


def summary_caption(all_errors: dict[str, PositionErrors]) -> str:
    best = max(all_errors, key=lambda r: all_errors[r].exact)
    parts = ", ".join(f"ratio {r}: {e.exact:.0%}" for r, e in all_errors.items())
    return (f"Free-running exact match with the same number of training steps: {parts}; best at ratio {best}. "
            "Ratio 1 learns fastest from clean inputs but never practises recovering from its own mistakes.")
