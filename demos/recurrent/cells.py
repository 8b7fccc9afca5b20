"""The three recurrent cells written out one step at a time: the vanilla RNN (Elman 1990), the LSTM
(Hochreiter & Schmidhuber 1997) and the GRU (Cho et al. 2014), equal to torch.nn's; their parameter
counts; and the gates of the trained delayed-recall models at work ("Gates at work").

Cells use PyTorch's parameter layout and conventions (so that they equal torch.nn.RNN/LSTM/GRU):
LSTM gates stacked i, f, g, o; GRU gates stacked r, z, n with h_t = (1 - z) * n + z * h_{t-1}
(z is the share KEPT; Cho et al. write the same cell with z and 1 - z swapped).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
import torch
import torch.nn.functional as F
from torch import nn

from demos import plots
from models.recall_rnn import STATE_FACTOR, RecallNet, recall_batch

CELL_NAMES = {"rnn": "Vanilla RNN", "lstm": "LSTM", "gru": "GRU"}
COLOURS = {"rnn": plots.OKABE_ITO[3], "lstm": plots.OKABE_ITO[0], "gru": plots.OKABE_ITO[2]}  # one per cell
GATES = {"lstm": ("i", "f", "g", "o"), "gru": ("r", "z", "n"), "rnn": ()}
OVERRIDES = {"learned": "as learned", "keep": "forced to keep", "wipe": "forced to forget"}


# ---------------------------------------------------------------- the cells, one step at a time
def cell_step(cell: str, w: dict[str, torch.Tensor], x: torch.Tensor, state: torch.Tensor,
              nonlinearity: str = "tanh", override: str = "learned") -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
    """One time step. x: (..., D); state: (..., S) with S = H (RNN, GRU) or 2H (LSTM: [h, c]).
    Returns the new state and the gates. `override` ("keep" / "wipe") forces the memory gate:
    the LSTM's forget gate f to 1 / 0, the GRU's keep gate z to 1 / 0.

      RNN:  h' = tanh(W_ih x + b_ih + W_hh h + b_hh)
      LSTM: i, f, o = σ(.), g = tanh(.) of W_ih x + b_ih + W_hh h + b_hh;  c' = f*c + i*g;  h' = o*tanh(c')
      GRU:  r, z = σ(.);  n = tanh(W_in x + b_in + r*(W_hn h + b_hn));  h' = (1 - z)*n + z*h
    """
    hidden = w["weight_hh_l0"].shape[1]
    h = state[..., :hidden]
    wx = x @ w["weight_ih_l0"].T + w["bias_ih_l0"]
    wh = h @ w["weight_hh_l0"].T + w["bias_hh_l0"]
    forced = {"keep": 1.0, "wipe": 0.0}.get(override)
    if cell == "rnn":
        return (torch.tanh if nonlinearity == "tanh" else torch.relu)(wx + wh), {}
    if cell == "lstm":
        c = state[..., hidden:]
        i, f, g, o = (wx + wh).chunk(4, dim=-1)
        i, f, g, o = torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)
        if forced is not None:
            f = torch.full_like(f, forced)
        c = f * c + i * g  # the additive path: dc'/dc = f
        h = o * torch.tanh(c)
        return torch.cat([h, c], -1), {"i": i, "f": f, "g": g, "o": o, "c": c}
    xr, xz, xn = wx.chunk(3, dim=-1)
    hr, hz, hn = wh.chunk(3, dim=-1)
    r, z = torch.sigmoid(xr + hr), torch.sigmoid(xz + hz)
    if forced is not None:
        z = torch.full_like(z, forced)
    n = torch.tanh(xn + r * hn)
    return (1 - z) * n + z * h, {"r": r, "z": z, "n": n}


@dataclass(frozen=True)
class Unrolled:
    states: torch.Tensor  # (B, T, S) state after each step (LSTM: [h, c])
    hidden: torch.Tensor  # (B, T, H) h_t
    gates: dict[str, torch.Tensor]  # gate name -> (B, T, H); the LSTM also has "c"
    logits: torch.Tensor  # (B, K) the answer read from h_T


def unroll(model: RecallNet, x: torch.Tensor, override: str = "learned",
           span: tuple[int, int] | None = None) -> Unrolled:
    """Run `model` on x (B, T, D) with `cell_step` from a zero state. The memory-gate `override`
    applies to the steps in `span` = [start, stop) (default: the distractors, 1 .. T - 2)."""
    c, w = model.config, model.weights()
    start, stop = span if span is not None else (1, x.shape[1] - 1)
    state = x.new_zeros(x.shape[0], STATE_FACTOR[c.cell] * c.hidden)
    states, gates = [], []
    with torch.no_grad():
        for t in range(x.shape[1]):
            state, g = cell_step(c.cell, w, x[:, t], state, c.nonlinearity, override if start <= t < stop else "learned")
            states.append(state)
            gates.append(g)
        states_t = torch.stack(states, 1)
        hidden = states_t[..., :c.hidden]
        logits = model.out(hidden[:, -1])
    return Unrolled(states_t, hidden, {k: torch.stack([g[k] for g in gates], 1) for k in gates[0]}, logits)


# ---------------------------------------------------------------- parameters: blocks × (H·D + H·H + 2H)
def parameter_counts(inputs: int, hidden: int) -> dict[str, dict[str, int]]:
    """Parameters of one recurrent layer: blocks × (H·D + H·H + 2H) with 1, 3 (r, z, n) and 4 (i, f,
    g, o) blocks, PyTorch counting two bias vectors per block; next to torch's own count."""
    out = {}
    for cell, blocks in (("rnn", 1), ("gru", 3), ("lstm", 4)):
        layer = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}[cell](inputs, hidden, device="meta")
        out[cell] = {"blocks": blocks, "formula": blocks * (hidden * inputs + hidden * hidden + 2 * hidden),
                     "torch": sum(p.numel() for p in layer.parameters())}
    return out


# ---------------------------------------------------------------- gates at work (the trained models)
def sequence(symbol: int, lag: int, seed: int = 0, symbols: int = 8) -> tuple[torch.Tensor, list[str]]:
    """One delayed-recall sequence starting with `symbol` (distractors from `seed`): x (1, T, K + 2)
    and its tokens for an axis ("5*" = flagged symbol, "?" = query)."""
    x, _ = recall_batch(1, lag, symbols, generator=torch.Generator().manual_seed(20_000 + seed))
    x[0, 0, :symbols] = F.one_hot(torch.tensor(symbol), symbols).float()
    ids = x[0, :, :symbols + 1].argmax(-1).tolist()
    return x, [f"{symbol}*"] + [str(i) for i in ids[1:-1]] + ["?"]


def unit_order(model: RecallNet, lag: int) -> np.ndarray:
    """Hidden units sorted by their mean memory gate (LSTM f, GRU z) over 64 sequences, most
    retentive first: the units that hold the symbol gather at the top of the heatmaps."""
    run = unroll(model, recall_batch(64, lag, generator=torch.Generator().manual_seed(30_000))[0])
    return np.argsort(-run.gates["f" if model.config.cell == "lstm" else "z"].mean((0, 1)).numpy())


def override_accuracy(model: RecallNet, lag: int, n: int = 500, seed: int = 3) -> dict[str, float]:
    """Accuracy on `n` fresh sequences with the memory gate as learned (the model's own fused layer:
    the same equations as `unroll`, faster), forced to keep, forced to forget (during the distractors)."""
    x, y = recall_batch(n, lag, generator=torch.Generator().manual_seed(seed))
    with torch.no_grad():
        logits = {o: model(x) if o == "learned" else unroll(model, x, o).logits for o in OVERRIDES}
    return {o: float((z.argmax(1) == y).float().mean()) for o, z in logits.items()}


def gate_view(model: RecallNet, symbol: int, lag: int, seed: int, override: str
              ) -> tuple[Unrolled, np.ndarray, dict[str, float]]:
    """What the Gates tab shows: one `sequence` unrolled with the memory gate `override`, the units in
    `unit_order`, and the `override_accuracy` on 500 sequences (seed + 3)."""
    run = unroll(model, sequence(symbol, lag, seed)[0], override)
    return run, unit_order(model, lag), override_accuracy(model, lag, 500, seed + 3)


# ---------------------------------------------------------------- figure and table
GATE_TITLES = {"i": "i: input gate (write)", "f": "f: forget gate (keep)", "g": "g: candidate",
               "o": "o: output gate", "c": "c: cell state", "r": "r: reset gate", "z": "z: keep gate (PyTorch's update)",
               "n": "n: candidate"}


def gates_figure(run: Unrolled, cell: str, order: np.ndarray, tokens: list[str], height: int = 720) -> go.Figure:
    """Heatmaps (units × time) of every gate, the LSTM's cell state and h, for one sequence;
    units in `order` (e.g. sorted by their mean memory gate), each row labelled with its unit's index
    (u0 … u31) on a "unit" axis. One row per heatmap on a shared time
    axis, laid out directly (as `make_subplots` would, at a fraction of its cost on every lag change)."""
    rows = [(k, GATE_TITLES[k]) for k in (*GATES[cell], "c") if k in run.gates] + [("h", "h: hidden state")]
    if cell == "lstm" and float(run.gates["c"].abs().max()) > 1:  # c is not squashed: it can pass ±1
        rows[-2] = ("c", GATE_TITLES["c"] + " (colours clipped at ±1)")
    n, gap = len(rows), 0.05
    tall = (1 - gap * (n - 1)) / n  # each row's share of the height
    x = [f"{t}:{tok}" for t, tok in enumerate(tokens)]
    layout: dict = {"height": height, "margin": dict(l=10, r=10, t=24, b=10), "annotations": []}
    traces, scales = [], {}  # the first gate row and the first signed row each get a colour bar
    for r, (k, title) in enumerate(rows, start=1):
        top = round(1 - (r - 1) * (tall + gap), 12)
        layout[f"xaxis{r}"] = dict(anchor=f"y{r}", domain=[0, 1], tickangle=0, nticks=24,
                                   **({} if r == n else dict(matches=f"x{n}", showticklabels=False)))
        layout[f"yaxis{r}"] = dict(anchor=f"x{r}", domain=[max(round(top - tall, 12), 0.0), top], title="unit",
                                   title_font=dict(size=10), tickfont=dict(size=9), nticks=4, autorange="reversed")
        layout["annotations"].append(dict(text=title, x=0, xanchor="left", y=top, yanchor="bottom", xref="paper",
                                          yref="paper", showarrow=False, font=dict(size=13)))
        z = (run.hidden if k == "h" else run.gates[k])[0].numpy().T[order]  # (H, T)
        signed = k in ("g", "n", "c", "h")
        bar = None if signed in scales else dict(len=0.45, y=0.76 if not signed else 0.24, yanchor="middle",
                                                 title="gate" if not signed else "value")
        scales[signed] = True
        traces.append(go.Heatmap(z=z, x=x, y=[f"u{u}" for u in order], colorscale=plots.DIVERGING if signed else plots.SEQUENTIAL,
                                 zmin=-1 if signed else 0, zmax=1, zmid=0 if signed else None,
                                 showscale=bar is not None, colorbar=bar, xaxis=f"x{r}", yaxis=f"y{r}",
                                 hovertemplate=f"{k}" + " %{y}, step %{x}: %{z:.2f}<extra></extra>"))
    return go.Figure(traces, layout)


def count_table(counts: dict[str, dict[str, int]], inputs: int, hidden: int) -> list[dict]:
    return [{"cell": CELL_NAMES[c], "blocks": v["blocks"],
             "formula": f"{v['blocks']} × ({hidden}·{inputs} + {hidden}² + 2·{hidden})",
             "our count": v["formula"], "PyTorch's count": v["torch"]} for c, v in counts.items()]


# ---------------------------------------------------------------- captions
def gates_caption(run: Unrolled, cell: str, override: str, accs: dict[str, float], symbol: int) -> str:
    gate = "forget gate f" if cell == "lstm" else "keep gate z"
    p = F.softmax(run.logits[0], -1)
    answer = int(p.argmax())
    verdict = "right" if answer == symbol else "wrong"
    return (f"With the {gate} {OVERRIDES[override]}, the {CELL_NAMES[cell]} answers {answer} "
            f"({p[answer]:.0%}; {verdict}). On 500 fresh sequences: {accs['learned']:.0%} as learned, "
            f"{accs['keep']:.0%} forced to keep (= 1), {accs['wipe']:.0%} forced to forget (= 0); chance 12.5%.")


def count_caption(counts: dict[str, dict[str, int]]) -> str:
    rnn = counts["rnn"]["formula"]
    same = all(v["formula"] == v["torch"] for v in counts.values())
    return (f"GRU {counts['gru']['formula'] / rnn:.0f}× and LSTM {counts['lstm']['formula'] / rnn:.0f}× the "
            f"vanilla RNN's {rnn:,} parameters; the formula {'equals' if same else 'differs from'} "
            "PyTorch's own count.")

