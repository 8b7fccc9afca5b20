"""Shared Plotly figure builders: pure functions returning `go.Figure`, used by every page.

Colours are colour-blind safe (Okabe-Ito for categories, RdBu_r for signed values, Viridis for
magnitudes). Figures carry no background colour of their own, so Streamlit's light and dark
themes both stay legible.
"""
from __future__ import annotations

import math

from typing import Sequence

import numpy as np
import plotly.graph_objects as go

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
DIVERGING = "RdBu_r"  # signed values: blue negative, white 0, red positive; symmetric range
SEQUENTIAL = "Viridis"  # magnitudes (errors, attention weights)


def layout(fig: go.Figure, title: str | None, height: int) -> go.Figure:
    fig.update_layout(title=title, height=height, margin=dict(l=10, r=10, t=40 if title else 10, b=10))
    return fig


def image_figure(image: np.ndarray, title: str | None = None, height: int = 300) -> go.Figure:
    """An (H, W) grey or (H, W, 3) RGB uint8 image, square pixels, no axes."""
    rgb = np.repeat(image[..., None], 3, axis=2) if image.ndim == 2 else image
    fig = go.Figure(go.Image(z=rgb, hovertemplate="x %{x}, y %{y}<br>RGB %{z}<extra></extra>"))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor="x")
    return layout(fig, title, height)


def heatmap(values: np.ndarray, title: str | None = None, diverging: bool = False,
            x: Sequence | None = None, y: Sequence | None = None, height: int = 300,
            colorbar_title: str = "", square: bool = True, bound: float | None = None,
            text_format: str | None = None, show_scale: bool = True) -> go.Figure:
    """A 2-D array as a heatmap; diverging maps are centred on 0 with range ±`bound` (default: the
    largest magnitude). `text_format` (e.g. ".0%") writes each value in its cell."""
    kwargs: dict = {"colorscale": SEQUENTIAL}
    if diverging:
        bound = bound or float(np.abs(values).max()) or 1.0
        kwargs = {"colorscale": DIVERGING, "zmid": 0.0, "zmin": -bound, "zmax": bound}
    if text_format:
        kwargs |= {"texttemplate": "%{z:" + text_format + "}", "textfont": {"size": 14}}
    fig = go.Figure(go.Heatmap(z=values, x=x, y=y, colorbar=dict(title=colorbar_title),
                               showscale=show_scale, **kwargs))
    fig.update_yaxes(autorange="reversed")
    if square:
        fig.update_yaxes(scaleanchor="x")
    if x is None:
        fig.update_xaxes(visible=False)
        fig.update_yaxes(visible=False)
    return layout(fig, title, height)


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
    return layout(fig, title, height)


def line_chart(x: Sequence[float], series: dict[str, Sequence[float]], title: str | None = None,
               x_title: str = "", y_title: str = "", height: int = 320,
               y_range: tuple[float, float] | None = None, log_y: bool = False,
               mark_x: float | None = None, mark_label: str = "") -> go.Figure:
    """Several named lines over one x axis, one Okabe-Ito colour and marker each; `mark_x` draws a
    dashed vertical line there (e.g. the current slider value) labelled `mark_label`."""
    fig = go.Figure()
    for i, (name, ys) in enumerate(series.items()):
        fig.add_trace(go.Scatter(x=list(x), y=list(ys), name=name,
                                 mode="lines+markers" if len(x) <= 40 else "lines",
                                 line=dict(color=OKABE_ITO[i % len(OKABE_ITO)], width=3),
                                 marker=dict(size=8, symbol=i % 20)))
    fig.update_xaxes(title=x_title)
    fig.update_yaxes(title=y_title, range=y_range, type="log" if log_y else None)
    if log_y:  # one labelled tick per decade (the default stacks labels on short ranges)
        fig.update_yaxes(dtick=1, exponentformat="power", minor=dict(ticks="inside", showgrid=False))
    fig.update_layout(legend=dict(orientation="h", y=-0.25))
    if mark_x is not None:
        fig.add_vline(x=mark_x, line_dash="dash", line_color="grey", annotation_text=mark_label,
                      annotation_position="top")
    return layout(fig, title, height)


def log_x_marker(fig: go.Figure, x: float, text: str, colour: str = "gray") -> None:
    """A dashed vertical line at data value `x` on a log x axis, labelled at its top. (Plotly places a
    shape at the data value but an annotation in log10 units on a log axis: `add_vline`'s own label
    landed at 10^x and stretched the axis, e.g. D(G(z)) = 0.5 drew an axis up to 10.)"""
    fig.add_vline(x=x, line_dash="dash", line_color=colour)
    fig.add_annotation(x=math.log10(x), y=1, yref="paper", yanchor="bottom", text=text, showarrow=False,
                       xanchor="left", font=dict(color=colour))


def bar_chart(names: Sequence[str], values: Sequence[float], title: str | None = None,
              height: int = 320, percent: bool = True) -> go.Figure:
    """Vertical bars, one Okabe-Ito colour each, values written on the bars."""
    fmt = ".0%" if percent else ".3g"
    fig = go.Figure(go.Bar(x=list(names), y=list(values), marker_color=[OKABE_ITO[i % 8] for i in range(len(names))],
                           text=[format(v, fmt) for v in values], textposition="outside", cliponaxis=False,
                           textfont_size=14))  # outside: a 0 % bar still shows its label
    if percent:
        fig.update_yaxes(range=[0, 1.12], tickformat=".0%", tickvals=[0, 0.25, 0.5, 0.75, 1])
    return layout(fig, title, height)


def histograms(groups: dict[str, np.ndarray], threshold: float | None = None, title: str | None = None,
               x_title: str = "", height: int = 340, bins: int = 40, log_x: bool = False) -> go.Figure:
    """Overlaid histograms on shared bins, with an optional vertical threshold line. log_x bins
    log10 of the values (for scores spanning decades) and labels the axis in the original units."""
    f = (lambda v: np.log10(np.maximum(v, 1e-12))) if log_x else (lambda v: np.asarray(v, dtype=float))
    values = np.concatenate([f(v) for v in groups.values() if len(v)])
    edges = np.histogram_bin_edges(values, bins=bins)
    fig = go.Figure()
    for i, (name, v) in enumerate(groups.items()):
        fig.add_trace(go.Histogram(x=f(v), name=f"{name} ({len(v)})", opacity=0.65,
                                   marker_color=OKABE_ITO[i % 8],
                                   xbins=dict(start=edges[0], end=edges[-1], size=edges[1] - edges[0])))
    if threshold is not None:
        fig.add_vline(x=float(f(threshold)), line_width=3, line_dash="dash", line_color=OKABE_ITO[3],
                      annotation_text="threshold", annotation_position="top right")
    if log_x:
        decades = np.arange(np.floor(edges[0]), np.ceil(edges[-1]) + 1)
        ticks = np.log10(np.outer(10.0 ** decades, [1, 2, 5]).ravel())
        ticks = ticks[(ticks >= edges[0]) & (ticks <= edges[-1])]
        fig.update_xaxes(tickvals=ticks, ticktext=[f"{10 ** t:.2g}" for t in ticks])
    fig.update_layout(barmode="overlay", legend=dict(orientation="h", yanchor="bottom", y=1.02,
                                                     xanchor="right", x=1))
    fig.update_xaxes(title=x_title + (" (log scale)" if log_x else ""))
    fig.update_yaxes(title="count")
    return layout(fig, title, height)


def curve(x: np.ndarray, y: np.ndarray, point: tuple[float, float] | None = None, title: str | None = None,
          x_title: str = "", y_title: str = "", diagonal: bool = False, height: int = 320) -> go.Figure:
    """One curve in the unit square (ROC, PR), with the current operating point marked."""
    fig = go.Figure(go.Scatter(x=x, y=y, mode="lines", line=dict(color=OKABE_ITO[0], width=3), name="curve"))
    if diagonal:
        fig.add_trace(go.Scatter(x=[0, 1], y=[0, 1], mode="lines", name="chance",
                                 line=dict(color="gray", dash="dot")))
    if point is not None:
        fig.add_trace(go.Scatter(x=[point[0]], y=[point[1]], mode="markers", name="threshold",
                                 marker=dict(size=14, color=OKABE_ITO[3], symbol="diamond")))
    fig.update_xaxes(title=x_title, range=[0, 1.02])
    fig.update_yaxes(title=y_title, range=[0, 1.02])
    fig.update_layout(showlegend=False)
    return layout(fig, title, height)


def scatter_groups(points: np.ndarray, groups: Sequence[str], title: str | None = None,
                   height: int = 400, x_title: str = "", y_title: str = "") -> go.Figure:
    """2-D points coloured and shaped by group name."""
    fig = go.Figure()
    names = list(dict.fromkeys(groups))
    g = np.asarray(groups)
    for i, name in enumerate(names):
        sel = g == name
        fig.add_trace(go.Scatter(x=points[sel, 0], y=points[sel, 1], mode="markers", name=name,
                                 marker=dict(size=7, color=OKABE_ITO[i % 8], symbol=i % 20, opacity=0.8)))
    fig.update_xaxes(title=x_title)
    fig.update_yaxes(title=y_title)
    return layout(fig, title, height)


def image_rows(rows: Sequence[Sequence[np.ndarray]], column_titles: Sequence[str],
               row_titles: Sequence[str], height_per_row: int = 110, error_last: bool = True) -> go.Figure:
    """A grid of small grey images (rows x columns), e.g. input | reconstruction | error map; with
    `error_last` the last column is drawn as a magnitude heatmap. Square pixels in every cell,
    column titles on top, row titles horizontal on the left."""
    from plotly.subplots import make_subplots

    n_rows, n_cols = len(rows), len(column_titles)
    fig = make_subplots(rows=n_rows, cols=n_cols, horizontal_spacing=0.02, vertical_spacing=0.03,
                        column_titles=list(column_titles))
    top = max(float(r[-1].max()) for r in rows) or 1.0
    for i, row in enumerate(rows, start=1):
        for j, img in enumerate(row, start=1):
            if error_last and j == n_cols:
                fig.add_trace(go.Heatmap(z=img, colorscale=SEQUENTIAL, zmin=0, zmax=top, showscale=i == 1,
                                         colorbar=dict(len=min(1.0, 3 / n_rows), y=1, yanchor="top")), i, j)
            else:
                fig.add_trace(go.Heatmap(z=img, colorscale="gray", zmin=0, zmax=1, showscale=False), i, j)
            k = (i - 1) * n_cols + j
            fig.update_yaxes(scaleanchor=f"x{k if k > 1 else ''}", row=i, col=j)  # square pixels per cell
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, autorange="reversed")
    for i, name in enumerate(row_titles, start=1):
        axis = fig.get_subplot(i, 1).yaxis
        fig.add_annotation(text=name, xref="paper", yref="paper", x=0, xanchor="right", showarrow=False,
                           y=(axis.domain[0] + axis.domain[1]) / 2, yanchor="middle", font=dict(size=12))
    width = max(len(t) for t in row_titles) if row_titles else 0
    fig.update_layout(margin=dict(l=10 + 7 * width, r=10, t=40, b=10), height=50 + height_per_row * n_rows)
    return fig


def figure_numbers(fig: go.Figure) -> dict:
    """The data behind a figure, trace by trace (x, y, z and names), as plain JSON-able lists."""
    out = {"title": fig.layout.title.text, "traces": []}
    for trace in fig.data:
        item = {"type": trace.type, "name": getattr(trace, "name", None)}
        for axis in ("x", "y", "z"):
            values = getattr(trace, axis, None)
            if values is not None:
                item[axis] = np.asarray(values).tolist()
        out["traces"].append(item)
    return out
