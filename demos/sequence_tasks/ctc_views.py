"""The CTC tab's views: a typed path collapsed step by step, the committed model's output lattice on an
utterance (per-frame probabilities, greedy path) with the α lattice of the true digits, and greedy vs
prefix-beam decoding."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
import torch
from plotly.subplots import make_subplots

from demos.plots import layout
from demos.sequence_tasks.ctc import Lattice, collapse_steps, ctc_forward, greedy_decode, prefix_beam_search
from models.ctc_digits import CtcDigits

SYMBOLS = ["–"] + [str(d) for d in range(10)]  # output index -> how it is drawn (– is the blank)
DEFAULT_PATH = "hh-e-ll-ll-oo"
BEAM_RANGE = (1, 16)


def collapse_caption(path: str) -> str:
    merged, final = collapse_steps(path)
    return (f"“{path}” → merge repeats → “{merged}” → drop blanks (–) → “{final}”. "
            "A blank between two equal letters keeps both; without one they merge into one.")


@dataclass(frozen=True)
class Decoding:
    log_probs: np.ndarray  # (T, 11) per output frame (20 ms apart)
    greedy: list[int]  # digits
    beams: list[tuple[tuple[int, ...], float]]  # (digits, log p) best first
    lattice: Lattice  # α of the true digits
    truth: list[int]


def decode(model: CtcDigits, audio: np.ndarray, truth: list[int], beam: int) -> Decoding:
    with torch.no_grad():
        lp = model(torch.from_numpy(audio)[None])[0].double().numpy()
    beams = [(tuple(s - 1 for s in k), v) for k, v in prefix_beam_search(lp, beam)]
    return Decoding(lp, [s - 1 for s in greedy_decode(lp)], beams, ctc_forward(lp, [d + 1 for d in truth]), truth)


def lattice_figure(d: Decoding, height: int = 520) -> go.Figure:
    """Top: p(symbol | frame) with the best path marked. Bottom: α_t(s) over the blank-extended true
    label, normalised per frame (which states the paths to the right answer occupy at each time)."""
    T = len(d.log_probs)
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08, row_heights=[0.5, 0.5],
                        subplot_titles=("model output p(symbol | frame)", "α lattice of the true digits"))
    fig.add_trace(go.Heatmap(z=np.exp(d.log_probs).T, x=np.arange(T), y=SYMBOLS, colorscale="Viridis", zmin=0,
                             zmax=1, colorbar=dict(title="p", len=0.45, y=0.78),
                             hovertemplate="frame %{x}, %{y}: %{z:.2f}<extra></extra>"), 1, 1)
    best = d.log_probs.argmax(-1)
    fig.add_trace(go.Scatter(x=np.arange(T), y=[SYMBOLS[s] for s in best], mode="markers", name="best path",
                             marker=dict(color="white", size=4, line=dict(color="black", width=0.5))), 1, 1)
    a = d.lattice.alpha
    norm = np.exp(a - np.max(a, axis=1, keepdims=True))  # per-frame share of the best state
    labels = [f"{i}:{SYMBOLS[s]}" for i, s in enumerate(d.lattice.states)]
    fig.add_trace(go.Heatmap(z=norm.T, x=np.arange(T), y=labels, colorscale="Magma", showscale=False,
                             hovertemplate="frame %{x}, state %{y}: α/max α = %{z:.2f}<extra></extra>"), 2, 1)
    fig.update_yaxes(autorange="reversed", row=2, col=1)
    fig.update_xaxes(title="output frame (20 ms)", row=2, col=1)
    fig.update_layout(legend=dict(orientation="h", y=1.08))
    return layout(fig, None, height)


def lattice_caption(d: Decoding) -> str:
    best = d.log_probs.argmax(-1)
    blank_share = float((best == 0).mean())
    p = float(np.exp(-d.lattice.loss))
    return (f"{len(d.log_probs)} frames; the best symbol is the blank in {blank_share:.0%} of them: CTC models "
            f"emit each digit as a short spike and blanks in between. The α lattice sums over every path that "
            f"collapses to “{''.join(map(str, d.truth))}”: p = {p:.3g}, CTC loss −log p = {d.lattice.loss:.3f}.")


def decoding_table(d: Decoding) -> list[dict]:
    rows = [{"decoder": "greedy (best path)", "digits": "".join(map(str, d.greedy)) or "(nothing)",
             "correct": d.greedy == d.truth}]
    for i, (k, v) in enumerate(d.beams[:5]):
        rows.append({"decoder": f"prefix beam #{i + 1}", "digits": "".join(map(str, k)) or "(nothing)",
                     "log p": round(v, 3), "correct": list(k) == d.truth})
    return rows


def decoding_caption(d: Decoding, beam: int) -> str:
    top = list(d.beams[0][0]) if d.beams else []
    same = "agree" if top == d.greedy else "disagree"
    verdict = {(True, True): "both right", (False, False): "both wrong", (True, False): "greedy right, beam wrong",
               (False, True): "beam right, greedy wrong"}[(d.greedy == d.truth, top == d.truth)]
    return (f"Greedy reads “{''.join(map(str, d.greedy))}”, prefix beam search (width {beam}) “{''.join(map(str, top))}”: "
            f"they {same} ({verdict}; truth “{''.join(map(str, d.truth))}”). Beam search sums the probability of all "
            "paths that collapse to the same digits, which the single best path cannot.")


def card_caption() -> str:
    """What the committed model is and how well it does, from its card."""
    from models import metadata
    card = metadata("ctc_digits")
    m = card["metrics"]
    return (f"The model: {card['architecture']}; trained in {m['train_seconds']:.0f} s on five synthetic voices. "
            f"On {card['data']['test'].split(',')[0]} from the two held-out voices (greedy decoding): digit error rate "
            f"{m['test_digit_error_rate']:.1%}, whole strings right {m['test_sequence_accuracy']:.0%}.")
