"""Exploration and credit assignment, measured with the same learners: (1) Q-learning on the page's
grid at several ε, from the same seed — how long its final greedy path is against the shortest (V*'s),
how soon it first reaches a goal, how much of the grid it ever visits; (2) corridors of growing length with a sparse or a step-penalty reward —
how many episodes until the greedy path runs start to goal, i.e. until credit for the goal has
travelled back to the start."""
from __future__ import annotations

from typing import Callable

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from demos.plots import OKABE_ITO
from demos.reinforcement_learning import tabular, value_iteration
from demos.reinforcement_learning.gridworld import Grid, MAX_SIDE, parse_layout

EPSILONS = (0.0, 0.05, 0.1, 0.2, 0.5)
LENGTHS = tuple(range(3, MAX_SIDE + 1))  # corridor cells, start and goal included
MODES = ("sparse", "step penalty")


def first_solved(grid: Grid, rec) -> int | None:
    """The first recorded episode at which learner 0's greedy path reaches a goal (None: never)."""
    for step, q in zip(rec.steps, rec.frames["q"]):
        if tabular.greedy_path(grid, q[0])[1]:
            return int(step)
    return None


def epsilon_sweep(layout: str, mode: str, alpha: float, gamma: float, episodes: int, seed: int,
                  on_progress: Callable[[float], None] | None = None) -> dict[str, list]:
    """Q-learning at each ε of EPSILONS (no decay): its final greedy path's length (None if it reaches
    no goal), the first solved episode, the share of cells ever visited, the mean return over the last
    50 episodes; and "shortest", the length of V*'s greedy path."""
    grid = parse_layout(layout, mode)
    standable = [s for s in range(grid.n_states) if grid.kind(s) in ".S"]
    v_star, _ = value_iteration.value_iteration(grid, gamma)
    best, _ = tabular.greedy_path(grid, value_iteration.q_from_v(grid, v_star, gamma))
    out: dict[str, list] = {"eps": list(EPSILONS), "path": [], "solved": [], "coverage": [], "mean_return": [],
                            "shortest": [len(best) - 1]}
    for i, eps in enumerate(EPSILONS):
        rec = tabular.learn(layout, mode, eps, 1.0, alpha, gamma, episodes, seed, n_frames=episodes + 1)
        path, reached = tabular.greedy_path(grid, rec.frames["q"][-1][0])
        out["path"].append(len(path) - 1 if reached else None)
        out["solved"].append(first_solved(grid, rec))
        out["coverage"].append(float(np.mean(rec.frames["visits"][-1][0][standable] > 0)))
        out["mean_return"].append(tabular.mean_return(rec, 0))
        if on_progress:
            on_progress((i + 1) / len(EPSILONS))
    return out


def corridor_sweep(eps: float, alpha: float, gamma: float, seed: int, episodes: int = 200,
                   on_progress: Callable[[float], None] | None = None) -> dict[str, list]:
    """For each corridor length and reward mode: the first episode whose greedy path runs start to goal."""
    out: dict[str, list] = {"length": list(LENGTHS), **{m: [] for m in MODES}}
    for i, n in enumerate(LENGTHS):
        layout = "S" + "." * (n - 2) + "G"
        for mode in MODES:
            rec = tabular.learn(layout, mode, eps, 1.0, alpha, gamma, episodes, seed, n_frames=episodes + 1)
            out[mode].append(first_solved(parse_layout(layout, mode), rec))
        if on_progress:
            on_progress((i + 1) / len(LENGTHS))
    return out


def _shown(values: list) -> list:
    return [np.nan if v is None else v for v in values]


def sweep_figure(sweep: dict[str, list], episodes: int, height: int = 320) -> go.Figure:
    labels = [f"ε = {e:g}" for e in sweep["eps"]]
    fig = make_subplots(1, 2, subplot_titles=("Final greedy path (steps; dashed: V*'s)",
                                              "Share of the grid ever visited"))
    fig.add_trace(go.Bar(x=labels, y=_shown(sweep["path"]), marker_color=OKABE_ITO[1], showlegend=False,
                         text=["no goal" if v is None else v for v in sweep["path"]], textposition="outside"), 1, 1)
    fig.add_hline(y=sweep["shortest"][0], line=dict(dash="dash", color="gray"), row=1, col=1)
    fig.add_trace(go.Bar(x=labels, y=sweep["coverage"], marker_color=OKABE_ITO[2], showlegend=False,
                         text=[f"{c:.0%}" for c in sweep["coverage"]], textposition="outside"), 1, 2)
    top = max([v for v in sweep["path"] if v is not None] + sweep["shortest"])
    fig.update_yaxes(range=[0, top * 1.2], row=1, col=1)
    fig.update_yaxes(range=[0, 1.15], tickformat=".0%", row=1, col=2)
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=40, b=10))
    return fig


def sweep_caption(sweep: dict[str, list], episodes: int) -> str:
    def path(v): return "reaches no goal" if v is None else f"takes {v} steps"
    def first(v): return f"no goal in {episodes} episodes" if v is None else f"first solved at episode {v}"
    parts = [f"ε = {e:g}: {path(p)} ({first(s)}, {c:.0%} of the cells visited)"
             for e, p, s, c in zip(sweep["eps"], sweep["path"], sweep["solved"], sweep["coverage"])]
    return f"The shortest route takes {sweep['shortest'][0]} steps. Q-learning's final greedy path — " + "; ".join(parts) + "."


def corridor_figure(sweep: dict[str, list], height: int = 320) -> go.Figure:
    fig = go.Figure()
    for j, mode in enumerate(MODES):
        fig.add_trace(go.Scatter(x=sweep["length"], y=_shown(sweep[mode]), mode="lines+markers", name=mode,
                                 line=dict(color=OKABE_ITO[j + 3])))
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=30, b=10), xaxis_title="corridor length (cells)",
                      yaxis_title="first solved episode", legend=dict(orientation="h", y=1.12))
    return fig


def corridor_caption(sweep: dict[str, list], episodes: int = 200) -> str:
    def say(v): return f"never in {episodes} episodes" if v is None else f"episode {v}"
    n = sweep["length"][-1]
    return (f"In the {n}-cell corridor the greedy path first runs start to goal at {say(sweep['sparse'][-1])} with "
            f"a sparse reward and at {say(sweep['step penalty'][-1])} with a step penalty; in the "
            f"{sweep['length'][0]}-cell one at {say(sweep['sparse'][0])} and {say(sweep['step penalty'][0])}.")
