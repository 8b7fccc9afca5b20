"""The hero: both learners' grids side by side, replayed episode by episode in the browser (colour =
V(s) = max_a Q(s,a), each action's Q, or visit counts; arrows = the greedy action; a line = the greedy
path from the start), the returns per episode, and the sentences that describe them."""
from __future__ import annotations

import numpy as np
import pandas  # noqa: F401  plotly imports it lazily inside figure calls: a first import racing the server's
import plotly.graph_objects as go  # warm-up thread left it half-initialised, so it is imported here, up front
from plotly.subplots import make_subplots

from demos import replay
from demos.plots import DIVERGING, OKABE_ITO, SEQUENTIAL
from demos.reinforcement_learning import tabular
from demos.reinforcement_learning.gridworld import ARROWS, Grid, cell_name, edit_options

COLOURINGS = ("V(s) = max Q(s,·)", "Q(s,a) per action", "visit counts")
LABELS = {"G": "G", "P": "P", "C": "C", "S": "S", "W": ""}
SUB = {0: (0, 1), 1: (1, 2), 2: (2, 1), 3: (1, 0)}  # action -> (row, col) of its sub-cell in a 3 × 3 block


def cell_values(grid: Grid, q: np.ndarray, visits: np.ndarray, colouring: str) -> np.ndarray:
    """What colours the grid: (H, W) of V(s) or visits, or (3H, 3W) with each action's Q(s,a) in the
    sub-cell on its side and V(s) in the centre. Walls, cliffs and terminal cells are NaN: no agent
    stands on them, so they hold no value."""
    h, w = grid.shape
    blank = [s for s in range(grid.n_states) if grid.kind(s) in "WCGP"]  # never stood on
    if colouring == COLOURINGS[1]:
        out = np.full((3 * h, 3 * w), np.nan)
        for s in range(grid.n_states):
            if s in blank:
                continue
            r, c = divmod(s, w)
            out[3 * r + 1, 3 * c + 1] = q[s].max()
            for a, (dr, dc) in SUB.items():
                out[3 * r + dr, 3 * c + dc] = q[s, a]
        return out
    values = q.max(axis=1) if colouring == COLOURINGS[0] else visits.astype(float)
    values = values.copy()
    values[blank] = np.nan
    return values.reshape(h, w)


def arrows(grid: Grid, q: np.ndarray) -> list[str]:
    """The greedy action's arrow per cell ("" on walls, cliffs and terminals, "·" while all actions tie)."""
    best, tied = q.argmax(axis=1), (q == q[:, :1]).all(axis=1)
    return ["" if grid.flat[s] in "WCGP" else "·" if tied[s] else ARROWS[best[s]] for s in range(grid.n_states)]


def _path_xy(grid: Grid, q: np.ndarray) -> tuple[list[int], list[int]]:
    path, _ = tabular.greedy_path(grid, q)
    w = grid.shape[1]
    return [s % w + 1 for s in path], [s // w + 1 for s in path]


def hero_figure(rec: replay.Recording, grid: Grid, colouring: str = COLOURINGS[0], height: int = 470,
                edited: int | None = None) -> go.Figure:
    """Two grids (Q-learning, SARSA) replayed frame by frame: traces 0-1 the colours, 2-3 the arrows,
    4-5 the greedy paths; the cell letters (6-7), the edited cell (a square) and the invisible click
    targets (8-9) stay put."""
    h, w = grid.shape
    fine = colouring == COLOURINGS[1]
    k = 3 if fine else 1
    values = [[cell_values(grid, f[0][j], f[1][j], colouring) for j in range(2)]
              for f in zip(rec.frames["q"], rec.frames["visits"])]
    every = np.concatenate([g.ravel() for fr in values for g in fr])
    finite = every[np.isfinite(every)] if np.isfinite(every).any() else np.zeros(1)
    if colouring == COLOURINGS[2]:
        scale, lo, hi = SEQUENTIAL, 0.0, float(finite.max()) or 1.0
    else:
        m = float(np.percentile(np.abs(finite), 98)) or 1.0  # a cliff's −100 would wash out every other cell
        scale, lo, hi = DIVERGING, -m, m
    fig = make_subplots(1, 2, subplot_titles=tabular.LEARNERS, horizontal_spacing=0.06)
    axis = (np.arange(w * k) + 0.5) / k + 0.5, (np.arange(h * k) + 0.5) / k + 0.5
    hover = "row %{y:.0f}, col %{x:.0f}<br>%{z:.2f}<extra></extra>"
    for j in range(2):
        fig.add_trace(go.Heatmap(z=values[-1][j], x=axis[0], y=axis[1], colorscale=scale, zmin=lo, zmax=hi,
                                 showscale=j == 1, hovertemplate=hover, xgap=0 if fine else 1,
                                 ygap=0 if fine else 1, colorbar=dict(thickness=12, len=0.8)), 1, j + 1)
    xs, ys = [s % w + 1 for s in range(grid.n_states)], [s // w + 1 for s in range(grid.n_states)]
    for j in range(2):
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="text", text=arrows(grid, rec.frames["q"][-1][j]),
                                 textfont=dict(size=13 if fine else 16), hoverinfo="skip", showlegend=False),
                      1, j + 1)
    for j in range(2):
        px, py = _path_xy(grid, rec.frames["q"][-1][j])
        fig.add_trace(go.Scatter(x=px, y=py, mode="lines", line=dict(color=OKABE_ITO[j + 1], width=4),
                                 opacity=0.7, name=f"{tabular.LEARNERS[j]}'s greedy path", hoverinfo="skip",
                                 showlegend=False),
                      1, j + 1)
    special = [s for s in range(grid.n_states) if grid.kind(s) in "GPCSW"]
    for j in range(2):
        fig.add_trace(go.Scatter(x=[xs[s] for s in special], y=[ys[s] for s in special], mode="markers+text",
                                 text=[LABELS[grid.kind(s)] for s in special], textfont=dict(size=15),
                                 marker=dict(symbol="square", size=24 if w <= 10 else 18, opacity=0.9,
                                             color=["#888888" if grid.kind(s) == "W" else "rgba(0,0,0,0)"
                                                    for s in special]),
                                 hovertext=[cell_name(grid, s) for s in special], hoverinfo="text",
                                 showlegend=False), 1, j + 1)
        if edited is not None:
            fig.add_shape(type="rect", x0=xs[edited] - 0.5, x1=xs[edited] + 0.5, y0=ys[edited] - 0.5,
                          y1=ys[edited] + 0.5, line=dict(color=OKABE_ITO[3], width=3), row=1, col=j + 1)
    clickable = [s for s in range(grid.n_states) if grid.kind(s) != "W"]
    for j in range(2):  # last: invisible points a click on a cell lands on (heatmaps cannot be selected)
        fig.add_trace(go.Scatter(x=[xs[s] for s in clickable], y=[ys[s] for s in clickable], mode="markers",
                                 marker=dict(size=16, opacity=0), showlegend=False,
                                 hovertemplate="row %{y}, col %{x}: click to edit its reward<extra></extra>"),
                      1, j + 1)
    fig.update_xaxes(range=[0.5, w + 0.5], dtick=1, showgrid=False, zeroline=False, constrain="domain")
    fig.update_yaxes(range=[h + 0.5, 0.5], dtick=1, showgrid=False, zeroline=False, scaleanchor="x")
    fig.update_yaxes(scaleanchor="x2", row=1, col=2)
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=40, b=10),
                      legend=dict(orientation="h", y=1.12, x=1, xanchor="right"))
    frames = []
    for f, qv in enumerate(rec.frames["q"]):
        frame = {j: {"z": values[f][j]} for j in range(2)}
        for j in range(2):
            px, py = _path_xy(grid, qv[j])
            frame[2 + j] = {"text": arrows(grid, qv[j])}
            frame[4 + j] = {"x": px, "y": py}
        frames.append(frame)
    return replay.animate(fig, frames, [int(s) for s in rec.steps], prefix="episode ")


def clicked_cell(point: dict, grid: Grid) -> str | None:
    """The reward edit's option ("r3c5") for a click at chart point {x, y} (columns and rows count
    from 1, as on the axes); None off the grid or on a wall."""
    try:
        col, row = round(float(point["x"])), round(float(point["y"]))
    except (KeyError, TypeError, ValueError):
        return None
    option = f"r{row}c{col}"
    return option if option in edit_options(grid)[1:] else None


def hero_caption(rec: replay.Recording, grid: Grid) -> str:
    """What the last frame shows: each learner's greedy path (length, whether it reaches a goal, how
    close it runs to danger) and its mean return over its last episodes."""
    last = min(50, len(rec.curves["return_0"]))
    parts = []
    for j, name in enumerate(tabular.LEARNERS):
        path, reached = tabular.greedy_path(grid, rec.frames["q"][-1][j])
        risky = tabular.risky_cells(grid, path)
        where = (f"reaches a goal in {len(path) - 1} steps" if reached
                 else f"does not reach a goal (it stops after {len(path) - 1} steps)")
        danger = f", {risky} of its cells next to a pit or cliff" if grid.cells("P") or grid.cells("C") else ""
        parts.append(f"{name}'s greedy path {where}{danger}; its mean return over the last {last} episodes is "
                     f"{tabular.mean_return(rec, j, last):.1f}")
    return f"After {int(rec.steps[-1])} episodes: " + ". ".join(parts) + "."


def moving_average(x: np.ndarray, n: int = 10) -> np.ndarray:
    """Mean of the last n values at each point (fewer at the start)."""
    c = np.cumsum(np.insert(np.asarray(x, dtype=float), 0, 0.0))
    idx = np.arange(1, len(x) + 1)
    return (c[idx] - c[np.maximum(idx - n, 0)]) / np.minimum(idx, n)


def returns_figure(rec: replay.Recording, edit_from: int | None = None, height: int = 300) -> go.Figure:
    """Return per episode for both learners: faint raw, bold 10-episode average; the edit as a line."""
    fig = go.Figure()
    for j, name in enumerate(tabular.LEARNERS):
        y = np.asarray(rec.curves[f"return_{j}"])
        x = np.arange(1, len(y) + 1)
        fig.add_trace(go.Scatter(x=x, y=y, mode="lines", line=dict(color=OKABE_ITO[j + 1], width=1), opacity=0.3,
                                 name=f"{name} (each episode)", showlegend=False))
        fig.add_trace(go.Scatter(x=x, y=moving_average(y), mode="lines", line=dict(color=OKABE_ITO[j + 1], width=3),
                                 name=f"{name} (10-episode mean)"))
    if edit_from:
        fig.add_vline(x=edit_from, line=dict(color=OKABE_ITO[3], dash="dash"), annotation_text="reward edited")
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=30, b=10), xaxis_title="episode",
                      yaxis_title="return", legend=dict(orientation="h", y=1.15))
    return fig


def returns_caption(rec: replay.Recording, grid: Grid, edit: tuple[int, float, int] | None) -> str:
    """Compares the learners' returns; with an edit, whether each greedy path changed after it."""
    last = min(50, len(rec.curves["return_0"]))
    m = [tabular.mean_return(rec, j, last) for j in range(2)]
    text = (f"Over the last {last} episodes Q-learning averages {m[0]:.1f} and SARSA {m[1]:.1f} per episode "
            f"(returns include exploration: both still take random actions with probability ε = "
            f"{rec.curves['eps'][-1]:.3f} at the end).")
    if edit and edit[2] <= int(rec.steps[-1]):
        before = int(np.searchsorted(rec.steps, edit[2] - 1, side="right")) - 1
        changed = [tabular.greedy_path(grid, rec.frames["q"][before][j])[0]
                   != tabular.greedy_path(grid, rec.frames["q"][-1][j])[0] for j in range(2)]
        said = {(True, True): "both learners' greedy paths changed",
                (False, False): "neither learner's greedy path changed",
                (True, False): "Q-learning's greedy path changed, SARSA's did not",
                (False, True): "SARSA's greedy path changed, Q-learning's did not"}[tuple(changed)]
        text += (f" Entering {cell_name(grid, edit[0])} pays {edit[1]:g} from episode {edit[2]}: between the "
                 f"frame at episode {int(rec.steps[before])} and the last, {said}.")
    return text


def cost_text(rec: replay.Recording) -> str:
    return (f"Both learners ran once on the server ({rec.seconds:.2f} s for {int(rec.steps[-1])} episodes each); "
            f"▶ Play and the slider replay {rec.n_frames} snapshots in your browser.")
