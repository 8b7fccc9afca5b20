"""Recurrent networks: the RNN, LSTM (Hochreiter & Schmidhuber 1997) and GRU (Cho et al. 2014) cells
written out step by step, backpropagation through time as a product of per-step Jacobians, delayed
recall trained live (record, then replay), and what padding does to a batch without a mask. The
character-level LSTM sampled with temperature and top-k is `demos.text_generation`.

Cells use PyTorch's parameter layout and conventions (so that they equal torch.nn.RNN/LSTM/GRU):
LSTM gates stacked i, f, g, o; GRU gates stacked r, z, n with h_t = (1 - z) * n + z * h_{t-1}
(z is the share KEPT; Cho et al. write the same cell with z and 1 - z swapped).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
import plotly.graph_objects as go
import torch
import torch.nn.functional as F
from torch import nn

from demos import plots, replay
from models.char_rnn import CharRNN, encode, normalise
from models.recall_rnn import STATE_FACTOR, RecallConfig, RecallNet, recall_batch

RHO_RANGE = (0.5, 1.5)  # spectral radius of the vanilla RNN's recurrent matrix at initialisation
BIAS_RANGE = (0.0, 4.0)  # gated cells' memory bias b at initialisation: keep σ(b), write σ(-b)
LAG_RANGE = (2, 80)  # distractors between the symbol and the question
TRAIN_STEPS = 600  # most Adam steps of a live delayed-recall training (batch 32, lr 1e-2, clip 1)
CELL_NAMES = {"rnn": "Vanilla RNN", "lstm": "LSTM", "gru": "GRU"}
GATES = {"lstm": ("i", "f", "g", "o"), "gru": ("r", "z", "n"), "rnn": ()}
OVERRIDES = {"learned": "as learned", "keep": "forced to keep", "wipe": "forced to forget"}
TEST_LAGS = (5, 10, 20, 30, 40, 50, 60, 70, 80)  # the training script's test lags (70, 80: beyond training)
MAX_TEXTS, MAX_TEXT_CHARS = 6, 60  # the padding batch
DEFAULT_TEXTS = "def f(x):\nreturn\nThe for statement is used to iterate\nNone"


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


# ---------------------------------------------------------------- backpropagation through time
def step_jacobian(cell: str, w: dict[str, torch.Tensor], x: torch.Tensor, state: torch.Tensor,
                  nonlinearity: str = "tanh") -> torch.Tensor:
    """J = ∂s'/∂s of one `cell_step`, derived by hand: (..., S, S).
      RNN:  J = diag(φ'(a)) W_hh
      LSTM: ∂c'/∂c = diag(f) (the additive path), ∂c'/∂h = diag(c)∂f + diag(g)∂i + diag(i)∂g,
            ∂h'/∂· = diag(tanh c')∂o + diag(o(1 - tanh² c'))∂c'/∂·, with ∂gate/∂h = diag(gate') W_h,gate
      GRU:  ∂h'/∂h = diag(z) + diag(1 - z)∂n + diag(h - n)∂z,  ∂n = diag(1 - n²)(diag(r)W_hn + diag(W_hn h + b_hn)∂r)"""
    hidden = w["weight_hh_l0"].shape[1]
    h, whh = state[..., :hidden], w["weight_hh_l0"]
    new, g = cell_step(cell, w, x, state, nonlinearity)
    rows = lambda d, m: d[..., :, None] * m  # noqa: E731  diag(d) @ m
    if cell == "rnn":
        slope = 1 - new ** 2 if nonlinearity == "tanh" else (new > 0).to(new.dtype)
        return rows(slope, whh.expand(*slope.shape[:-1], -1, -1))
    if cell == "lstm":
        w_i, w_f, w_g, w_o = whh.chunk(4, dim=0)
        d_i, d_f = rows(g["i"] * (1 - g["i"]), w_i), rows(g["f"] * (1 - g["f"]), w_f)
        d_g, d_o = rows(1 - g["g"] ** 2, w_g), rows(g["o"] * (1 - g["o"]), w_o)
        c, tc = state[..., hidden:], torch.tanh(g["c"])
        dc_dh = rows(c, d_f) + rows(g["g"], d_i) + rows(g["i"], d_g)  # (..., H, H)
        dc_dc = torch.diag_embed(g["f"])
        k = g["o"] * (1 - tc ** 2)
        dh_dh, dh_dc = rows(tc, d_o) + rows(k, dc_dh), rows(k, dc_dc)
        return torch.cat([torch.cat([dh_dh, dh_dc], -1), torch.cat([dc_dh, dc_dc], -1)], -2)
    w_r, w_z, w_n = whh.chunk(3, dim=0)
    r, z, n = g["r"], g["z"], g["n"]
    hn = h @ w_n.T + w["bias_hh_l0"][2 * hidden:]
    d_n = rows(1 - n ** 2, rows(r, w_n) + rows(hn * r * (1 - r), w_r))
    return torch.diag_embed(z) + rows(1 - z, d_n) + rows((h - n) * z * (1 - z), w_z)


def gradient_through_time(model: RecallNet, x: torch.Tensor) -> np.ndarray:
    """‖∂h_T/∂s_t‖₂ (largest singular value) for every step t, as BPTT computes it: a product of
    per-step Jacobians ∂h_T/∂s_t = P · J_T · J_{T-1} ⋯ J_{t+1}, J_k = ∂s_k/∂s_{k-1} (P picks h out
    of the state). x: (B, T, D) -> (B, T) norms; column k is k steps back from the last (column 0 is 1)."""
    c, w = model.config, model.weights()
    with torch.no_grad():
        states = unroll(model, x).states if c.cell == "lstm" else model.rnn(x)[0]  # (B, T, S); fused when S = H
        previous = torch.cat([torch.zeros_like(states[:, :1]), states[:, :-1]], 1)  # s_{t-1}
        jac = step_jacobian(c.cell, w, x, previous, c.nonlinearity).double()  # (B, T, S, S)
        m = torch.eye(states.shape[-1], dtype=torch.float64)[:c.hidden].expand(x.shape[0], -1, -1)  # P (B, H, S)
        products = [m]
        for t in range(x.shape[1] - 1, 0, -1):  # multiply in J_T, J_{T-1}, ..., J_2 (1-based)
            m = m @ jac[:, t]
            products.append(m)
        m = torch.stack(products, 1)  # (B, T, H, S)
        size = m.norm(dim=(-2, -1), keepdim=True).clamp_min(1e-300)  # Frobenius ≥ spectral: scale to ≤ 1
        unit = (m / size).float()
        gram = unit @ unit.mT  # (B, T, H, H): its largest eigenvalue is the squared spectral norm
        top = torch.linalg.eigvalsh(gram)[..., -1].clamp_min(0).sqrt().double()
        return (top * size[..., 0, 0]).float().numpy()


def initialise(model: RecallNet, rho: float, memory_bias: float, generator: torch.Generator) -> RecallNet:
    """Initialisation the page controls. Vanilla RNN: W_hh = ρ·Q with Q a random orthogonal matrix
    (every singular value ρ). LSTM: forget-gate bias b, input-gate bias -b; GRU: keep-gate bias b
    (so both keep σ(b) and write σ(-b) at first: a constant "chrono" init, Tallec & Ollivier 2018).
    Other weights keep PyTorch's uniform(±1/√H) init, drawn from `generator`."""
    hidden = model.config.hidden
    with torch.no_grad():
        for p in model.parameters():
            p.uniform_(-1 / math.sqrt(hidden), 1 / math.sqrt(hidden), generator=generator)
        rnn = model.rnn
        if model.config.cell == "rnn":
            q, r = torch.linalg.qr(torch.randn(hidden, hidden, generator=generator))
            rnn.weight_hh_l0.copy_(rho * q * torch.sign(torch.diagonal(r)))
        elif model.config.cell == "lstm":
            rnn.bias_ih_l0[hidden:2 * hidden], rnn.bias_hh_l0[hidden:2 * hidden] = memory_bias, 0.0
            rnn.bias_ih_l0[:hidden], rnn.bias_hh_l0[:hidden] = -memory_bias, 0.0
        else:
            rnn.bias_ih_l0[hidden:2 * hidden], rnn.bias_hh_l0[hidden:2 * hidden] = memory_bias, 0.0
    return model


# ---------------------------------------------------------------- delayed recall, trained live
def fresh_models(rho: float, memory_bias: float, nonlinearity: str = "tanh", seed: int = 0,
                 hidden: int = 32) -> dict[str, RecallNet]:
    """An untrained RNN, LSTM and GRU, initialised in that order from one `seed`ed generator."""
    gen = torch.Generator().manual_seed(seed)
    return {cell: initialise(RecallNet(RecallConfig(cell=cell, hidden=hidden, nonlinearity=nonlinearity)),
                             rho, memory_bias, gen) for cell in CELL_NAMES}


def probe(lag: int, seed: int = 0, n: int = 4) -> tuple[torch.Tensor, torch.Tensor]:
    """The `n` sequences the gradient curves are measured on."""
    return recall_batch(n, lag, generator=torch.Generator().manual_seed(10_000 + seed))


def curves(models: dict[str, RecallNet], x: torch.Tensor, floor: float = 1e-30) -> dict[str, np.ndarray]:
    """Each model's ‖∂h_T/∂s_t‖ curve: the geometric mean over the sequences of x, each norm floored
    at `floor` (a dead ReLU path is exactly 0; a log axis cannot show it)."""
    return {cell: np.exp(np.log(np.maximum(gradient_through_time(m, x), floor)).mean(0)) for cell, m in models.items()}


def accuracy_by_lag(model: nn.Module, lags: tuple[int, ...], n: int = 1000, seed: int = 2) -> np.ndarray:
    """Accuracy at each lag on `n` sequences drawn from a generator seeded `seed` afresh for each lag
    (seed 2 = the training script's test sets)."""
    return np.array([accuracy(model, *recall_batch(n, lag, generator=torch.Generator().manual_seed(seed)))
                     for lag in lags])


def accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    """Share of sequences whose first symbol the model answers correctly."""
    with torch.no_grad():
        return float((model(x).argmax(1) == y).float().mean())


def train_recall(lag: int, rho: float = 1.0, memory_bias: float = 3.0, nonlinearity: str = "tanh",
                 clip: bool = True, seed: int = 0, steps: int = TRAIN_STEPS, n_frames: int = 21,
                 on_progress: Callable[[float], None] | None = None) -> replay.Recording:
    """Train `fresh_models` side by side on delayed recall at one `lag` (Adam, lr 1e-2, batch 32,
    fresh sequences every step from seed + 1; gradient norm clipped at 1 when `clip`). Every frame
    keeps each model's gradient curve on `probe(lag, seed)` and its accuracy on 512 validation
    sequences (seed + 2); a model that answers all of them stops training, and the run stops when all
    three do. At the end each model is measured once on 1,000 test sequences (seed + 3):
    `meta["test_accuracy"]`."""
    models = fresh_models(rho, memory_bias, nonlinearity, seed)
    optims = {cell: torch.optim.Adam(m.parameters(), lr=1e-2) for cell, m in models.items()}
    gen = torch.Generator().manual_seed(seed + 1)
    x_val, y_val = recall_batch(512, lag, generator=torch.Generator().manual_seed(seed + 2))
    x_probe = probe(lag, seed)[0]
    solved: set[str] = set()

    def step(i: int) -> dict[str, float]:
        x, y = recall_batch(32, lag, generator=gen)
        losses = {}
        for cell, model in models.items():
            if cell in solved:
                with torch.no_grad():
                    losses[f"{cell}_loss"] = F.cross_entropy(model(x), y).item()
                continue
            loss = F.cross_entropy(model(x), y)
            losses[f"{cell}_loss"] = loss.item()
            if not math.isfinite(losses[f"{cell}_loss"]):  # diverged (no clipping): leave it as it is
                continue
            optims[cell].zero_grad()
            loss.backward()
            if clip:
                nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optims[cell].step()
        return losses

    def snapshot() -> dict[str, np.ndarray]:
        out = {f"{cell}_grad": g for cell, g in curves(models, x_probe).items()}
        for cell, model in models.items():
            out[f"{cell}_acc"] = np.array(accuracy(model, x_val, y_val))
            if out[f"{cell}_acc"] == 1.0:
                solved.add(cell)
        return out

    rec = replay.record(step, snapshot, steps, n_frames, on_progress, stop_when=lambda i, m: len(solved) == 3,
                        meta={"lag": lag, "rho": rho, "memory_bias": memory_bias, "clip": clip,
                              "nonlinearity": nonlinearity, "seed": seed, "chance": 1 / 8})
    x_test, y_test = recall_batch(1000, lag, generator=torch.Generator().manual_seed(seed + 3))
    rec.meta["test_accuracy"] = {cell: accuracy(m, x_test, y_test) for cell, m in models.items()}
    return rec


# ---------------------------------------------------------------- padding and masking
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


def parameter_counts(inputs: int, hidden: int) -> dict[str, dict[str, int]]:
    """Parameters of one recurrent layer: blocks × (H·D + H·H + 2H) with 1, 3 (r, z, n) and 4 (i, f,
    g, o) blocks, PyTorch counting two bias vectors per block; next to torch's own count."""
    out = {}
    for cell, blocks in (("rnn", 1), ("gru", 3), ("lstm", 4)):
        layer = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}[cell](inputs, hidden, device="meta")
        out[cell] = {"blocks": blocks, "formula": blocks * (hidden * inputs + hidden * hidden + 2 * hidden),
                     "torch": sum(p.numel() for p in layer.parameters())}
    return out


# ---------------------------------------------------------------- figures
COLOURS = {"rnn": plots.OKABE_ITO[3], "lstm": plots.OKABE_ITO[0], "gru": plots.OKABE_ITO[2]}
SHOW_CHAR = {" ": "␣", "\n": "⏎"}  # characters that would be invisible on an axis


def _log_axis(fig: go.Figure, values: np.ndarray, **where) -> None:
    """A log axis with one tick per decade, covering `values` (at least one decade)."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v) & (v > 0)]
    lo, hi = (np.floor(np.log10(v.min())), np.ceil(np.log10(v.max()))) if v.size else (-1.0, 0.0)
    hi = max(hi, lo + 1)
    fig.update_yaxes(type="log", exponentformat="power", dtick=max(1, int(np.ceil((hi - lo) / 8))), range=[lo, hi],
                     title="‖∂h_T/∂s_t‖₂ (log)", **where)


def gradient_figure(curves: dict[str, np.ndarray], title: str, bound: np.ndarray | None = None,
                    height: int = 380) -> go.Figure:
    """‖∂h_T/∂s_t‖ against steps back k = T - t, one line per cell; `bound` (dashed) is the vanilla
    RNN's ceiling ‖W_hh‖₂^k at initialisation (|tanh'| ≤ 1)."""
    fig = go.Figure()
    for cell, y in curves.items():
        fig.add_trace(go.Scatter(x=np.arange(len(y)), y=y, name=CELL_NAMES[cell], mode="lines",
                                 line=dict(color=COLOURS[cell], width=3)))
    if bound is not None:
        fig.add_trace(go.Scatter(x=np.arange(len(bound)), y=bound, name="RNN ceiling ρ^k", mode="lines",
                                 line=dict(color=COLOURS["rnn"], width=1.5, dash="dash")))
    _log_axis(fig, np.concatenate(list(curves.values()) + ([bound] if bound is not None else [])))
    fig.update_xaxes(title="steps back from the answer, k = T − t")
    fig.update_layout(title=title, height=height, margin=dict(l=10, r=10, t=40, b=10),  # curves start top left
                      legend=dict(x=0.01, y=0.01, xanchor="left", yanchor="bottom", bgcolor="rgba(128,128,128,0.12)"))
    return fig


def training_figure(rec: replay.Recording, height: int = 560) -> go.Figure:
    """The live training as a client-side player: gradient through time (top, log) and validation
    accuracy (bottom) of the three cells, frame by frame."""
    from plotly.subplots import make_subplots

    fig = make_subplots(rows=2, cols=1, vertical_spacing=0.14)
    steps = rec.steps.tolist()
    for cell in CELL_NAMES:
        y = rec.frames[f"{cell}_grad"][0]
        fig.add_trace(go.Scatter(x=np.arange(len(y)), y=y, name=CELL_NAMES[cell], mode="lines",
                                 line=dict(color=COLOURS[cell], width=3)), 1, 1)
    for cell in CELL_NAMES:
        fig.add_trace(go.Scatter(x=steps[:1], y=rec.frames[f"{cell}_acc"][:1], mode="lines+markers",
                                 line=dict(color=COLOURS[cell], width=3), showlegend=False), 2, 1)
    fig.add_hline(y=rec.meta["chance"], line_dash="dot", line_color="gray", row=2, col=1,
                  annotation_text="chance", annotation_position="bottom right")
    _log_axis(fig, np.concatenate([rec.frames[f"{c}_grad"].ravel() for c in CELL_NAMES]), row=1, col=1)
    fig.update_xaxes(title="steps back, k = T − t", row=1, col=1)
    fig.update_yaxes(domain=[0.16, 0.42], row=2, col=1)  # room for the step axis above the player
    fig.update_yaxes(title="accuracy", range=[0, 1.05], tickformat=".0%", row=2, col=1)
    fig.update_xaxes(title="training step", range=[0, max(steps[-1], 1)], row=2, col=1)
    frames = []
    for f in range(rec.n_frames):
        upd = {i: {"y": rec.frames[f"{c}_grad"][f]} for i, c in enumerate(CELL_NAMES)}
        upd |= {3 + i: {"x": steps[:f + 1], "y": rec.frames[f"{c}_acc"][:f + 1]} for i, c in enumerate(CELL_NAMES)}
        frames.append(upd)
    fig.update_yaxes(domain=[0.56, 1.0], row=1, col=1)
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=30, b=10), legend=dict(orientation="h", y=1.08))
    return replay.animate(fig, frames, steps)


def gates_figure(run: Unrolled, cell: str, order: np.ndarray, tokens: list[str], height: int = 720) -> go.Figure:
    """Heatmaps (units × time) of every gate, the LSTM's cell state and h, for one sequence;
    units in `order` (e.g. sorted by their mean memory gate)."""
    from plotly.subplots import make_subplots

    rows = [(k, GATE_TITLES[k]) for k in (*GATES[cell], "c") if k in run.gates] + [("h", "h: hidden state")]
    if cell == "lstm" and float(run.gates["c"].abs().max()) > 1:  # c is not squashed: it can pass ±1
        rows[-2] = ("c", GATE_TITLES["c"] + " (colours clipped at ±1)")
    fig = make_subplots(rows=len(rows), cols=1, shared_xaxes=True, vertical_spacing=0.05,
                        subplot_titles=[t for _, t in rows])
    fig.update_annotations(font_size=13, xanchor="left", x=0)
    x = [f"{t}:{tok}" for t, tok in enumerate(tokens)]
    scales = {}  # the first gate row and the first signed row each get a colour bar
    for r, (k, _) in enumerate(rows, start=1):
        z = (run.hidden if k == "h" else run.gates[k])[0].numpy().T[order]  # (H, T)
        signed = k in ("g", "n", "c", "h")
        bar = None if signed in scales else dict(len=0.45, y=0.76 if not signed else 0.24, yanchor="middle",
                                                 title="gate" if not signed else "value")
        scales[signed] = True
        fig.add_trace(go.Heatmap(z=z, x=x, colorscale=plots.DIVERGING if signed else plots.SEQUENTIAL,
                                 zmin=-1 if signed else 0, zmax=1, zmid=0 if signed else None,
                                 showscale=bar is not None, colorbar=bar,
                                 hovertemplate=f"{k}" + " unit %{y}, step %{x}: %{z:.2f}<extra></extra>"), r, 1)
    fig.update_yaxes(showticklabels=False, autorange="reversed")
    fig.update_xaxes(tickangle=0, nticks=24)
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=24, b=10))
    return fig


GATE_TITLES = {"i": "i: input gate (write)", "f": "f: forget gate (keep)", "g": "g: candidate",
               "o": "o: output gate", "c": "c: cell state", "r": "r: reset gate", "z": "z: keep gate (PyTorch's update)",
               "n": "n: candidate"}


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


# ---------------------------------------------------------------- inputs and captions for the page
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
    """Accuracy on `n` fresh sequences with the memory gate as learned, forced to keep, forced to forget
    (during the distractors)."""
    x, y = recall_batch(n, lag, generator=torch.Generator().manual_seed(seed))
    return {o: float((unroll(model, x, o).logits.argmax(1) == y).float().mean()) for o in OVERRIDES}


def gates_summary(run: Unrolled, cell: str, override: str, accs: dict[str, float], symbol: int) -> str:
    gate = "forget gate f" if cell == "lstm" else "keep gate z"
    p = F.softmax(run.logits[0], -1)
    answer = int(p.argmax())
    verdict = "right" if answer == symbol else "wrong"
    return (f"With the {gate} {OVERRIDES[override]}, the {CELL_NAMES[cell]} answers {answer} "
            f"({p[answer]:.0%}; {verdict}). On 500 fresh sequences: {accs['learned']:.0%} as learned, "
            f"{accs['keep']:.0%} forced to keep (= 1), {accs['wipe']:.0%} forced to forget (= 0); chance 12.5%.")


def count_table(counts: dict[str, dict[str, int]], inputs: int, hidden: int) -> list[dict]:
    return [{"cell": CELL_NAMES[c], "blocks": v["blocks"],
             "formula": f"{v['blocks']} × ({hidden}·{inputs} + {hidden}² + 2·{hidden})",
             "our count": v["formula"], "PyTorch's count": v["torch"]} for c, v in counts.items()]


def count_summary(counts: dict[str, dict[str, int]]) -> str:
    rnn = counts["rnn"]["formula"]
    same = all(v["formula"] == v["torch"] for v in counts.values())
    return (f"GRU {counts['gru']['formula'] / rnn:.0f}× and LSTM {counts['lstm']['formula'] / rnn:.0f}× the "
            f"vanilla RNN's {rnn:,} parameters; the formula {'equals' if same else 'differs from'} "
            "PyTorch's own count.")


def training_summary(rec: replay.Recording) -> str:
    last = rec.frame(-1)
    parts = []
    for cell in CELL_NAMES:
        acc = rec.frames[f"{cell}_acc"]
        hit = np.flatnonzero(acc >= 0.99)
        when = f" (≥ 99 % from step {rec.steps[hit[0]]})" if len(hit) else ""
        parts.append(f"{CELL_NAMES[cell]} {float(last[f'{cell}_acc']):.0%}{when}")
    note = " Stopped early: a partial run." if rec.stopped else ""
    return (f"After {rec.steps[-1]} steps at lag {rec.meta['lag']}: " + ", ".join(parts)
            + f" on 512 validation sequences (chance 12.5%). Computed in {rec.seconds:.0f} s; press play "
            "to replay it from initialisation." + note)


def lag_summary(fixed: dict[str, dict[int, float]], mixed_lags: tuple[int, ...], mixed: dict[str, np.ndarray]) -> str:
    """What the accuracy-vs-lag chart shows, per cell: how far training on one lag got (≥ 90 %),
    and the mixed-lag model's range."""
    def reach(acc: dict[int, float]) -> str:
        lags = sorted(acc)
        good = [lag for lag in lags if acc[lag] >= 0.9]
        first_bad = next((lag for lag in lags if acc[lag] < 0.9), None)
        if first_bad is None:
            return f"≥ 90 % at every lag to {lags[-1]}"
        return (f"≥ 90 % up to lag {max(lag for lag in good if lag < first_bad)}, {acc[first_bad]:.0%} at {first_bad}"
                if good and good[0] < first_bad else f"{acc[first_bad]:.0%} already at lag {first_bad}")
    one = "; ".join(f"{CELL_NAMES[c]} {reach(a)}" for c, a in fixed.items())
    all_lags = ", ".join(f"{CELL_NAMES[c]} {a.min():.0%}–{a.max():.0%}" for c, a in mixed.items())
    return (f"Trained on one lag (solid): {one}. Trained on all lags 1–60 at once (dashed, lags "
            f"{mixed_lags[0]}–{mixed_lags[-1]}): {all_lags}. Chance is 12.5%.")


def lag_figure(fixed: dict[str, dict[int, float]], mixed_lags: tuple[int, ...], mixed: dict[str, np.ndarray],
               height: int = 380) -> go.Figure:
    """Accuracy against lag: solid, one training per lag (the fixed-lag sweep); dashed, the committed
    models trained on every lag from 1 to 60."""
    fig = go.Figure()
    for cell, acc in fixed.items():
        lags = sorted(acc)
        fig.add_trace(go.Scatter(x=lags, y=[acc[k] for k in lags], name=f"{CELL_NAMES[cell]}, one lag",
                                 mode="lines+markers", line=dict(color=COLOURS[cell], width=3)))
    for cell, acc in mixed.items():
        fig.add_trace(go.Scatter(x=list(mixed_lags), y=acc, name=f"{CELL_NAMES[cell]}, lags 1–60",
                                 mode="lines+markers", line=dict(color=COLOURS[cell], width=2, dash="dash"),
                                 marker=dict(symbol="circle-open")))
    fig.add_hline(y=0.125, line_dash="dot", line_color="gray", annotation_text="chance")
    fig.update_xaxes(title="lag (distractors between symbol and question)")
    fig.update_yaxes(title="test accuracy", range=[0, 1.05], tickformat=".0%")
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=10, b=10), legend=dict(orientation="h", y=-0.2))
    return fig


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


def padding_summary(m: Masking) -> str:
    pads = int((~m.mask).sum())
    return (f"{len(m.texts)} texts padded to {m.mask.shape[1]} positions: {pads} of {m.mask.size} cells "
            f"({pads / m.mask.size:.0%}) are padding the network would otherwise read.")


def masking_table(m: Masking) -> list[dict]:
    return [{"text": t, "length": int(n), "pads": int(m.mask.shape[1] - n),
             "next char alone": SHOW_CHAR.get(a, a), "next char, last column": SHOW_CHAR.get(b, b),
             "state error, last column": f"{e1:.0%}", "BiLSTM backward error, no packing": f"{e2:.0%}",
             "error with packing": f"{e3:.0e}"}
            for t, n, a, b, e1, e2, e3 in zip(m.texts, m.lengths, m.next_alone, m.next_last, m.error_last,
                                              m.error_gather_backward, m.error_packed)]


def masking_summary(m: Masking) -> str:
    short = m.lengths < m.mask.shape[1]
    wrong = sum(a != b for a, b, s in zip(m.next_alone, m.next_last, short) if s)
    return (f"Reading the last column, {int(short.sum())} padded text(s) get a state off by up to "
            f"{m.error_last.max():.0%} and {wrong} a different next character; a BiLSTM's backward pass "
            f"starts on the pads (up to {m.error_gather_backward.max():.0%} off). Packed, every state matches "
            f"its text run alone (worst error {m.error_packed.max():.0e}). Loss over real characters only: "
            f"{m.loss_masked:.2f} bits; averaged over pads too: {m.loss_unmasked:.2f} bits — a number about nothing.")
