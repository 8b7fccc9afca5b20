"""A deterministic gridworld (the MDP every tab of the page learns): a layout string in the URL,
validated with a clear message, and its dynamics written out so the tests can hold them equal to
Gymnasium's CliffWalking-v1 and FrozenLake-v1 (is_slippery=False).

Layout: rows joined by "/", one letter per cell: "." floor, "S" start (one), "G" goal (terminal),
"P" pit (terminal), "C" cliff (back to the start, not terminal, as in CliffWalking), "W" wall.
Reward: the entered cell's reward on every step (floor: the step penalty or 0).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Mapping

import numpy as np

ACTIONS = ((-1, 0), (0, 1), (1, 0), (0, -1))  # up, right, down, left: CliffWalking's action numbers
ARROWS = "↑→↓←"
LETTERS = ".SGPCW"
MAX_SIDE = 12  # cells per side at most (a 12 × 12 layout is 155 characters of URL)
STEP_PENALTY = -1.0  # floor reward in "step penalty" mode (0 in "sparse" mode)
GOAL_REWARD, PIT_REWARD, CLIFF_REWARD = 10.0, -10.0, -100.0

PRESETS: dict[str, str] = {  # name -> layout
    "Classic 10×10": ("........../.WWWW...../....W..P../.S..W..P../....W...../....WWWW../"
                      "..P......./......P.../........G./.........."),
    "CliffWalking 4×12": "............/............/............/SCCCCCCCCCCG",
    "FrozenLake 4×4": "S.../.P.P/...P/P..G",
    "Long corridor": "S..........G",
}
DEFAULT = "Classic 10×10"
PRESET_SETTINGS: dict[str, dict] = {  # the controls a preset brings with it
    "Classic 10×10": {"eps": 0.2, "decay": 0.99, "gamma": 0.95, "alpha": 0.5, "episodes": 300, "mode": "step penalty"},
    "CliffWalking 4×12": {"eps": 0.1, "decay": 1.0, "gamma": 0.99, "alpha": 0.5, "episodes": 500,
                          "mode": "step penalty"},
    "FrozenLake 4×4": {"eps": 0.2, "decay": 0.99, "gamma": 0.95, "alpha": 0.5, "episodes": 300, "mode": "sparse"},
    "Long corridor": {"eps": 0.2, "decay": 1.0, "gamma": 0.95, "alpha": 0.5, "episodes": 100, "mode": "sparse"},
}


class LayoutError(ValueError):
    """A layout string that is not a usable gridworld; the message says what to fix."""


@dataclass(frozen=True)
class Grid:
    rows: tuple[str, ...]  # one string of letters per row
    reward: np.ndarray  # (H*W,) reward for entering each cell
    start: int  # state index r*W + c of "S"

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.rows), len(self.rows[0])

    @property
    def layout(self) -> str:
        return "/".join(self.rows)

    @functools.cached_property
    def flat(self) -> str:
        """Every cell's letter, row after row (index = state)."""
        return "".join(self.rows)

    def kind(self, s: int) -> str:
        return self.flat[s]

    @property
    def n_states(self) -> int:
        return self.shape[0] * self.shape[1]

    def cells(self, letter: str) -> list[int]:
        return [s for s in range(self.n_states) if self.kind(s) == letter]

    def terminal(self, s: int) -> bool:
        return self.kind(s) in "GP"

    def step(self, s: int, a: int) -> tuple[int, float, bool]:
        """(next state, reward, episode over) for action a in state s. A move off the grid or into a
        wall stays put (and still pays the cell's reward); a cliff pays its reward and sends the agent
        back to the start."""
        h, w = self.shape
        r, c = divmod(s, w)
        nr, nc = r + ACTIONS[a][0], c + ACTIONS[a][1]
        if not (0 <= nr < h and 0 <= nc < w) or self.rows[nr][nc] == "W":
            nr, nc = r, c
        s2 = nr * w + nc
        reward = float(self.reward[s2])
        if self.rows[nr][nc] == "C":
            return self.start, reward, False
        return s2, reward, self.rows[nr][nc] in "GP"

    def with_reward(self, s: int, value: float) -> "Grid":
        """The same grid with cell s paying `value` on entry (the page's reward edit)."""
        reward = self.reward.copy()
        reward[s] = value
        return Grid(self.rows, reward, self.start)


def parse_layout(text: str, mode: str = "step penalty", goal: float = GOAL_REWARD, pit: float = PIT_REWARD,
                 cliff: float = CLIFF_REWARD) -> Grid:
    """The grid a layout string describes. Raises LayoutError naming the first problem found.
    `mode`: "step penalty" (every floor step pays -1) or "sparse" (floor steps pay 0)."""
    rows = tuple(r for r in text.strip().replace("\n", "/").replace(" ", "").upper().split("/"))
    if not text.strip() or not all(rows):
        raise LayoutError("The layout is empty or has an empty row: write rows of cells joined by “/”, "
                          "e.g. “S..G/.W../....”.")
    bad = sorted({ch for row in rows for ch in row if ch not in LETTERS})
    if bad:
        shown = "".join(ch if ch.isprintable() and ch.isascii() else "?" for ch in bad[:8])
        raise LayoutError(f"The layout holds characters that are not cells ({shown}): use only "
                          f". S G P C W (floor, start, goal, pit, cliff, wall).")
    if len({len(r) for r in rows}) != 1:
        raise LayoutError(f"Every row needs the same number of cells; these have {sorted({len(r) for r in rows})}.")
    h, w = len(rows), len(rows[0])
    if h > MAX_SIDE or w > MAX_SIDE or h * w < 2:
        raise LayoutError(f"The grid is {h} × {w}; it must be 1 to {MAX_SIDE} cells per side (2 cells at least).")
    flat = "".join(rows)
    if flat.count("S") != 1:
        raise LayoutError(f"The layout needs exactly one start “S”; it has {flat.count('S')}.")
    if "G" not in flat:
        raise LayoutError("The layout needs at least one goal “G”.")
    floor = STEP_PENALTY if mode == "step penalty" else 0.0
    values = {".": floor, "S": floor, "W": 0.0, "G": goal, "P": pit, "C": cliff}
    grid = Grid(rows, np.array([values[ch] for ch in flat], dtype=float), flat.index("S"))
    if not _reachable(grid):
        raise LayoutError("No goal can be reached from the start: walls, pits or cliffs block every way.")
    return grid


def _reachable(grid: Grid) -> bool:
    """Breadth-first search from the start through cells the agent can stand on."""
    seen, todo = {grid.start}, [grid.start]
    while todo:
        s = todo.pop()
        for a in range(4):
            s2, _, done = grid.step(s, a)
            if grid.kind(s2) == "G":
                return True
            if not done and s2 not in seen:
                seen.add(s2)
                todo.append(s2)
    return False


def cell_name(grid: Grid, s: int) -> str:
    """'row 3, col 5' (1-based, as on the chart's axes)."""
    r, c = divmod(s, grid.shape[1])
    return f"row {r + 1}, col {c + 1}"


def edit_options(grid: Grid) -> list[str]:
    """The reward edit's choices: "none", then every cell the agent can enter, as "r3c5" (1-based)."""
    h, w = grid.shape
    return ["none"] + [f"r{s // w + 1}c{s % w + 1}" for s in range(grid.n_states) if grid.kind(s) != "W"]


def edit_cell(grid: Grid, option: str) -> int | None:
    """The state an edit option names (None for "none" or a cell this grid lacks)."""
    if option not in edit_options(grid)[1:]:
        return None
    r, c = option[1:].split("c")
    return (int(r) - 1) * grid.shape[1] + int(c) - 1


def settings_for(preset: str) -> Mapping[str, object]:
    """A preset's layout and controls, as the page applies them (key -> value)."""
    return {"grid": PRESETS[preset], **PRESET_SETTINGS[preset], "edit": "none"}
