"""The reinforcement-learning page's lesson answers (`## Lesson` in pages/13_reinforcement_learning.md,
format: ui/lesson_data.py): each function takes a beat's URL parameters (strings; missing ones take the
page's defaults, read here the way the page reads them) and computes the right choice by running it."""
from __future__ import annotations

from typing import Mapping

import numpy as np

from demos import replay
from demos.reinforcement_learning import gridworld, tabular

DEFAULTS = {"eps": 0.2, "decay": 0.99, "gamma": 0.95, "alpha": 0.5, "episodes": 300, "seed": 0,
            "mode": "step penalty", "reward": -20, "from": 150}
NAMES = ("Q-learning", "SARSA", "Both", "Neither")


def view(params: Mapping[str, str]) -> tuple[gridworld.Grid, replay.Recording]:
    """The grid and the recorded run a view shows."""
    p = {k: params.get(k, v) for k, v in DEFAULTS.items()}
    grid = gridworld.parse_layout(params.get("grid", gridworld.PRESETS[gridworld.DEFAULT]), str(p["mode"]))
    cell = gridworld.edit_cell(grid, params.get("edit", "none"))
    edit = None if cell is None else (cell, float(p["reward"]), int(p["from"]))
    rec = tabular.learn(grid.layout, str(p["mode"]), float(p["eps"]), float(p["decay"]), float(p["alpha"]),
                        float(p["gamma"]), int(p["episodes"]), int(p["seed"]), edit)
    return grid, rec


def _which(flags: list[bool]) -> str:
    return NAMES[0] if flags == [True, False] else NAMES[1] if flags == [False, True] else NAMES[2 if all(flags) else 3]


def edge_runner(params: Mapping[str, str]) -> str:
    """Whose greedy path (at the end) has more than half of its cells next to a pit or cliff."""
    grid, rec = view(params)
    paths = [tabular.greedy_path(grid, rec.frames["q"][-1][j])[0] for j in range(2)]
    return _which([2 * tabular.risky_cells(grid, p) > len(p) for p in paths])


def higher_return(params: Mapping[str, str]) -> str:
    """The learner with the higher mean return over its last 50 episodes."""
    _, rec = view(params)
    m = [tabular.mean_return(rec, j) for j in range(2)]
    return NAMES[int(np.argmax(m))] if m[0] != m[1] else NAMES[2]


def reaches_goal(params: Mapping[str, str]) -> str:
    """Whose greedy path reaches a goal at the end of the run."""
    grid, rec = view(params)
    return _which([tabular.greedy_path(grid, rec.frames["q"][-1][j])[1] for j in range(2)])


def q_path_changed(params: Mapping[str, str]) -> str:
    """"Yes" when Q-learning's greedy path just before the edit differs from its last one."""
    grid, rec = view(params)
    before = int(np.searchsorted(rec.steps, int(params.get("from", DEFAULTS["from"])) - 1, side="right")) - 1
    paths = [tabular.greedy_path(grid, rec.frames["q"][f][0])[0] for f in (before, -1)]
    return "Yes" if paths[0] != paths[1] else "No"


def longer_path(params: Mapping[str, str]) -> str:
    """Whose greedy path (at the end) takes more steps ("Equal" when both take as many)."""
    grid, rec = view(params)
    n = [len(tabular.greedy_path(grid, rec.frames["q"][-1][j])[0]) for j in range(2)]
    return "Equal" if n[0] == n[1] else NAMES[int(np.argmax(n))]
