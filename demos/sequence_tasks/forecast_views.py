"""The hero's figures and captions: forecasts from one origin with an 80 % interval, error by
horizon over the test backtest, the MLP's training curves, and what leakage changes."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from demos.plots import OKABE_ITO, layout
from demos.sequence_tasks.forecasting import FIT_END, MODELS, VAL_END, Evaluation, Fit, Series

COLOURS = dict(zip(MODELS, (OKABE_ITO[1], OKABE_ITO[0], OKABE_ITO[3])))
ORIGIN_YEARS = (1992, 2000)  # origin = December of the chosen year (the test years start after 1992)


def _rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def origin_index(series: Series, year: int, horizon: int) -> int:
    """December of `year`, moved back so that its H months ahead are still measured."""
    return min(series.index(f"{year}-12"), len(series.values) - 1 - horizon)


def forecast_figure(series: Series, ev: Evaluation, origin: int, band_model: str, height: int = 420) -> go.Figure:
    """The measured series from 1986, the three forecasts from `origin`, and one model's 80 % band."""
    y, months = series.values, list(series.months)
    start = series.index("1986-01")
    k = int(np.flatnonzero(ev.test.origins == origin)[0])
    H = ev.test.actual.shape[1]
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=months[start:], y=y[start:], name="measured", line=dict(color="#555", width=2.5)))
    ahead = months[origin + 1: origin + 1 + H]
    mid = ev.test.forecasts[band_model][k]
    lo, hi = mid + ev.bands[band_model][0], mid + ev.bands[band_model][1]
    fig.add_trace(go.Scatter(x=ahead + ahead[::-1], y=np.concatenate([hi, lo[::-1]]), fill="toself",
                             fillcolor=_rgba(COLOURS[band_model], 0.3), line=dict(width=0), hoverinfo="skip",
                             name=f"80 % interval ({band_model})"))
    for m in MODELS:
        fig.add_trace(go.Scatter(x=[months[origin]] + ahead, y=np.concatenate([[y[origin]], ev.test.forecasts[m][k]]),
                                 name=m, mode="lines+markers", marker=dict(size=4),
                                 line=dict(color=COLOURS[m], width=3.5)))
    fig.add_vline(x=months[origin], line_dash="dash", line_color="gray")
    fig.add_vrect(x0=months[start], x1=VAL_END, fillcolor="gray", opacity=0.07, line_width=0,
                  annotation_text="validation (intervals)", annotation_position="top left")
    a, b = max(start, origin - 36), min(len(y) - 1, origin + H + 6)
    shown = np.concatenate([y[a:b + 1], lo, hi] + [ev.test.forecasts[m][k] for m in MODELS])
    fig.update_xaxes(title="month", range=[months[a], months[b]])
    fig.update_yaxes(range=[float(shown.min()) - 1, float(shown.max()) + 1])
    fig.update_yaxes(title="CO₂ (ppm)")
    fig.update_layout(legend=dict(orientation="h", y=-0.2))
    return layout(fig, f"Mauna Loa CO₂: forecasts from {months[origin]}, {H} months ahead", height)


def forecast_caption(series: Series, ev: Evaluation, origin: int, band_model: str) -> str:
    k = int(np.flatnonzero(ev.test.origins == origin)[0])
    H = ev.test.actual.shape[1]
    end = series.months[origin + H]
    actual = ev.test.actual[k, -1]
    parts = [f"{m} {ev.test.forecasts[m][k, -1]:.1f}" for m in MODELS]
    mid = ev.test.forecasts[band_model][k, -1]
    lo, hi = mid + ev.bands[band_model][0, -1], mid + ev.bands[band_model][1, -1]
    inside = "inside" if lo <= actual <= hi else "outside"
    return (f"Forecasts of {end} made in {series.months[origin]} (ppm): {', '.join(parts)}; measured {actual:.1f}, "
            f"{inside} the {band_model}'s 80 % interval [{lo:.1f}, {hi:.1f}]. Over all {len(ev.test.origins)} test "
            f"origins that interval held {ev.coverage[band_model]:.0%} of the measured months (80 % is the aim).")


def error_figure(ev: Evaluation, other: Evaluation | None = None, other_label: str = "", height: int = 340) -> go.Figure:
    """Mean absolute error by horizon on the test backtest; dotted: the same models the other way
    (honest vs leaking), for comparison."""
    H = ev.test.actual.shape[1]
    h = np.arange(1, H + 1)
    fig = go.Figure()
    for m in MODELS:
        fig.add_trace(go.Scatter(x=h, y=ev.test.mae(m), name=m, mode="lines+markers", line=dict(color=COLOURS[m])))
        if other is not None and m != "seasonal naive":
            fig.add_trace(go.Scatter(x=h, y=other.test.mae(m), name=f"{m} {other_label}",
                                     mode="lines", line=dict(color=COLOURS[m], dash="dot"), showlegend=True))
    fig.update_xaxes(title="months ahead (h)", dtick=1 if H <= 12 else 2)
    fig.update_yaxes(title="mean absolute error (ppm)", rangemode="tozero")
    return layout(fig, f"Error by horizon over {len(ev.test.origins)} test origins (1993–2001)", height)


def error_caption(ev: Evaluation, honest: Evaluation, leaking: Evaluation, leak: bool) -> str:
    H = ev.test.actual.shape[1]
    ranked = sorted(MODELS, key=lambda m: ev.test.mae(m)[-1])
    first = f"At {H} month{'s' if H > 1 else ''} ahead the ranking is " + " < ".join(
        f"{m} ({ev.test.mae(m)[-1]:.2f} ppm)" for m in ranked) + "."
    learned = [m for m in MODELS if m != "seasonal naive"]
    better = [m for m in learned if leaking.test.mae(m)[-1] < honest.test.mae(m)[-1]]
    diffs = "; ".join(f"{m} {honest.test.mae(m)[-1]:.2f} → {leaking.test.mae(m)[-1]:.2f} ppm" for m in learned)
    verdict = ("looks better with leakage" if len(better) == len(learned) else
               f"{len(better)} of {len(learned)} learned models look better with leakage")
    verdict = ("every learned model " + verdict) if len(better) == len(learned) else verdict
    state = ("Leakage is ON: these scores are optimistic, because" if leak else "Leakage is off. Switched on,")
    return (f"{first} {state} each window's level includes the 24 months it predicts: {verdict} ({diffs}); "
            "the seasonal-naive baseline uses no normalisation and does not change.")


def training_figure(curves: dict[str, list[float]], steps: int, height: int = 260) -> go.Figure:
    fig = go.Figure()
    for name, colour in (("train", OKABE_ITO[0]), ("validation", OKABE_ITO[1])):
        v = curves.get(name, [])
        fig.add_trace(go.Scatter(x=np.arange(1, len(v) + 1), y=v, name=name, line=dict(color=colour)))
    fig.update_xaxes(title="Adam step", range=[0, steps])
    fig.update_yaxes(title="MSE (normalised)", type="log")
    return layout(fig, "The MLP training live: train years 1958–1985, validation 1986–1992", height)


def training_caption(fit: Fit) -> str:
    tr, va = fit.curves["train"], fit.curves["validation"]
    best = int(np.argmin(va)) + 1
    stop = " (stopped early by you)" if fit.stopped else ""
    return (f"{len(tr)} full-batch Adam steps in {fit.seconds:.2f} s{stop}: training MSE {tr[-1]:.3f}, validation "
            f"MSE {va[-1]:.3f} (lowest {min(va):.3f} at step {best}). Validation windows start after {FIT_END}; "
            "the test years are never used for fitting or choosing.")
