"""Backpropagation through time (Rumelhart, Hinton & Williams 1986; Werbos 1990): the gradient that
reaches an earlier step is a product of per-step Jacobians, so it vanishes or explodes geometrically
(Bengio, Simard & Frasconi 1994; Pascanu, Mikolov & Bengio 2013) unless a gate keeps it alive. The
hero: ‖∂h_T/∂s_t‖ of an RNN, LSTM and GRU at the initialisation the page controls (ρ, b).
"""
from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
import torch

from demos.recurrent.cells import CELL_NAMES, COLOURS, cell_step, unroll
from models.recall_rnn import RecallConfig, RecallNet, recall_batch

RHO_RANGE = (0.5, 1.5)  # spectral radius of the vanilla RNN's recurrent matrix at initialisation
BIAS_RANGE = (0.0, 4.0)  # gated cells' memory bias b at initialisation: keep σ(b), write σ(-b)
LAG_RANGE = (2, 80)  # distractors between the symbol and the question


# ---------------------------------------------------------------- one step's Jacobian, and their product
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


# ---------------------------------------------------------------- the initialisation the page controls
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



def init_curves(lag: int, rho: float, memory_bias: float, nonlinearity: str = "tanh", seed: int = 0
                ) -> dict[str, np.ndarray]:
    """The hero's left chart: the `curves` of `fresh_models(rho, memory_bias, nonlinearity, seed)` on
    the `probe(lag, seed)` sequences (T = lag + 2 steps)."""
    return curves(fresh_models(rho, memory_bias, nonlinearity, seed), probe(lag, seed)[0])


def ceiling(rho: float, lag: int) -> np.ndarray:
    """ρ^k for k = 0 .. lag + 1: at initialisation the vanilla RNN's gradient k steps back is at most
    ‖W_hh‖₂^k = ρ^k, since |tanh'| ≤ 1."""
    return rho ** np.arange(lag + 2)


# ---------------------------------------------------------------- figure
def log_axis(fig: go.Figure, values: np.ndarray, **where) -> None:
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
    log_axis(fig, np.concatenate(list(curves.values()) + ([bound] if bound is not None else [])))
    fig.update_xaxes(title="steps back from the answer, k = T − t")
    fig.update_layout(title=title, height=height, margin=dict(l=10, r=10, t=40, b=10),  # curves start top left
                      legend=dict(x=0.01, y=0.01, xanchor="left", yanchor="bottom", bgcolor="rgba(128,128,128,0.12)"))
    return fig



# ---------------------------------------------------------------- caption
def gradient_init_caption(curves: dict[str, np.ndarray], lag: int, rho: float) -> str:
    """The hero's left chart in one sentence: the gradient reaching the remembered symbol, k = lag + 1
    steps back from the answer, beside the vanilla RNN's ceiling ρ^k."""
    k = lag + 1  # steps back from the answer to the remembered symbol
    return (f"Gradient reaching the symbol {k} steps back (lag {lag}: the symbol, {lag} distractors, then the "
            f"question, so k = lag + 1): vanilla RNN {curves['rnn'][k]:.1e} (never above "
            f"ρ^k = {rho ** k:.1e}), LSTM {curves['lstm'][k]:.1e}, GRU {curves['gru'][k]:.1e}.")
