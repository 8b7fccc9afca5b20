"""Shared Plotly figure builders: pure functions returning `go.Figure`, used by every page.

Colours are colour-blind safe (Okabe-Ito for categories, RdBu_r for signed values, Viridis for
magnitudes). Figures carry no background colour of their own, so Streamlit's light and dark
themes both stay legible.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import plotly.graph_objects as go

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
DIVERGING = "RdBu_r"  # signed values: blue negative, white 0, red positive; symmetric range
SEQUENTIAL = "Viridis"  # magnitudes (errors, attention weights)


def _layout(fig: go.Figure, title: str | None, height: int) -> go.Figure:
    fig.update_layout(title=title, height=height, margin=dict(l=10, r=10, t=40 if title else 10, b=10))
    return fig


def image_figure(image: np.ndarray, title: str | None = None, height: int = 300) -> go.Figure:
    """An (H, W) grey or (H, W, 3) RGB uint8 image, square pixels, no axes."""
    rgb = np.repeat(image[..., None], 3, axis=2) if image.ndim == 2 else image
    fig = go.Figure(go.Image(z=rgb, hovertemplate="x %{x}, y %{y}<br>RGB %{z}<extra></extra>"))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor="x")
    return _layout(fig, title, height)


def heatmap(values: np.ndarray, title: str | None = None, diverging: bool = False,
            x: Sequence | None = None, y: Sequence | None = None, height: int = 300,
            colorbar_title: str = "", square: bool = True, bound: float | None = None,
            text_format: str | None = None) -> go.Figure:
    """A 2-D array as a heatmap; diverging maps are centred on 0 with range ±`bound` (default: the
    largest magnitude). `text_format` (e.g. ".0%") writes each value in its cell."""
    kwargs: dict = {"colorscale": SEQUENTIAL}
    if diverging:
        bound = bound or float(np.abs(values).max()) or 1.0
        kwargs = {"colorscale": DIVERGING, "zmid": 0.0, "zmin": -bound, "zmax": bound}
    if text_format:
        kwargs |= {"texttemplate": "%{z:" + text_format + "}", "textfont": {"size": 14}}
    fig = go.Figure(go.Heatmap(z=values, x=x, y=y, colorbar=dict(title=colorbar_title), **kwargs))
    fig.update_yaxes(autorange="reversed")
    if square:
        fig.update_yaxes(scaleanchor="x")
    if x is None:
        fig.update_xaxes(visible=False)
        fig.update_yaxes(visible=False)
    return _layout(fig, title, height)


def topk_bars(names: Sequence[str], probs: Sequence[float], title: str | None = None,
              highlight: str | None = None, height: int = 220) -> go.Figure:
    """Horizontal probability bars, best at the top; `highlight` (e.g. the true class) in orange."""
    colours = [OKABE_ITO[1] if n == highlight else OKABE_ITO[0] for n in names]
    fig = go.Figure(go.Bar(x=list(probs)[::-1], y=list(names)[::-1], orientation="h",
                           marker_color=colours[::-1], text=[f"{p:.1%}" for p in list(probs)[::-1]],
                           textposition="auto", hovertemplate="%{y}: %{x:.2%}<extra></extra>"))
    fig.update_traces(textfont_size=13, insidetextanchor="end")
    fig.update_xaxes(range=[0, 1], tickformat=".0%")
    fig.update_yaxes(type="category")  # class names such as "7" must not become a numeric axis
    return _layout(fig, title, height)


def line_chart(x: Sequence[float], series: dict[str, Sequence[float]], title: str | None = None,
               x_title: str = "", y_title: str = "", height: int = 320,
               y_range: tuple[float, float] | None = None) -> go.Figure:
    """Several named lines over one x axis, one Okabe-Ito colour and marker each."""
    fig = go.Figure()
    for i, (name, ys) in enumerate(series.items()):
        fig.add_trace(go.Scatter(x=list(x), y=list(ys), name=name, mode="lines+markers",
                                 line=dict(color=OKABE_ITO[i % len(OKABE_ITO)], width=3),
                                 marker=dict(size=8, symbol=i % 20)))
    fig.update_xaxes(title=x_title)
    fig.update_yaxes(title=y_title, range=y_range)
    fig.update_layout(legend=dict(orientation="h", y=-0.25))
    return _layout(fig, title, height)


def bar_chart(names: Sequence[str], values: Sequence[float], title: str | None = None,
              height: int = 320, percent: bool = True) -> go.Figure:
    """Vertical bars, one Okabe-Ito colour each, values written on the bars."""
    fmt = ".0%" if percent else ".3g"
    fig = go.Figure(go.Bar(x=list(names), y=list(values), marker_color=[OKABE_ITO[i % 8] for i in range(len(names))],
                           text=[format(v, fmt) for v in values], textposition="auto"))
    if percent:
        fig.update_yaxes(range=[0, 1], tickformat=".0%")
    return _layout(fig, title, height)
