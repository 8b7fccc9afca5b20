"""The recurrent page's lesson answers (`## Lesson` in pages/10_recurrent.md, format: ui/lesson_data.py):
a beat's URL parameters (missing ones take the page's defaults, as pages/10_recurrent.py reads them)
-> the hero's left chart, the gradient at initialisation reaching the remembered symbol."""
from __future__ import annotations

from typing import Mapping

from demos.recurrent import bptt

DEFAULTS = {"rho": "1.0", "lag": "40", "bias": "3.0", "act": "tanh", "seed": "0"}
NAMES = {"rnn": "Vanilla RNN", "lstm": "LSTM", "gru": "GRU"}


def gradients_at_symbol(params: Mapping[str, str]) -> dict[str, float]:
    """‖∂h_T/∂s_k‖ at the symbol, k = lag + 1 steps back, for each cell (what the caption reports)."""
    p = DEFAULTS | dict(params)
    lag = int(p["lag"])
    curves = bptt.init_curves(lag, float(p["rho"]), float(p["bias"]), p["act"], int(p["seed"]))
    return {cell: float(curve[lag + 1]) for cell, curve in curves.items()}


def largest_at_symbol(params: Mapping[str, str]) -> str:
    """The cell whose gradient reaching the symbol is largest."""
    g = gradients_at_symbol(params)
    return NAMES[max(g, key=g.get)]


def rnn_below_1e3(params: Mapping[str, str]) -> str:
    """"Yes" when the vanilla RNN's gradient reaching the symbol is under 10⁻³."""
    return "Yes" if gradients_at_symbol(params)["rnn"] < 1e-3 else "No"
