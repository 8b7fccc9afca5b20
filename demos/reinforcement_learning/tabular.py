"""Tabular Q-learning (Watkins 1989) and SARSA (Rummery & Niranjan 1994) on the gridworld, side by
side from the same seed, recorded once per setting (`demos.replay.record`, one step = one episode)
and replayed in the browser. A reward edit can switch on from a chosen episode.

    Q-learning:  Q(s,a) ← Q(s,a) + α [r + γ·max_a′ Q(s′,a′) − Q(s,a)]   (off-policy: the greedy action)
    SARSA:       Q(s,a) ← Q(s,a) + α [r + γ·Q(s′,a′) − Q(s,a)]          (on-policy: the action it takes next)
At a terminal s′ the target is r alone.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterator, Sequence

import numpy as np

from demos import replay
from demos.reinforcement_learning.gridworld import Grid, parse_layout

LEARNERS = ("Q-learning", "SARSA")
EPISODES_RANGE = (10, 1000)
N_FRAMES = 50  # snapshots replayed in the browser


@dataclass(frozen=True)
class Update:
    """One temporal-difference update, with the numbers the inspector prints."""
    s: int
    a: int
    r: float
    s2: int
    a2: int  # the next action SARSA takes (Q-learning's greedy one is argmax next_q); -1 at a terminal
    done: bool
    q_sa: float  # Q(s,a) before the update
    next_q: tuple[float, float, float, float]  # Q(s′,·) before the update
    target: float
    td: float  # target − Q(s,a)
    q_new: float  # Q(s,a) after


def q_learning_update(q: np.ndarray | list, s: int, a: int, r: float, s2: int, done: bool, alpha: float,
                      gamma: float) -> float:
    """Q-learning's update of q[s][a] in place; returns the TD error δ = r + γ·max Q(s′,·) − Q(s,a)."""
    target = r if done else r + gamma * max(q[s2])
    td = target - q[s][a]
    q[s][a] += alpha * td
    return td


def sarsa_update(q: np.ndarray | list, s: int, a: int, r: float, s2: int, a2: int, done: bool, alpha: float,
                 gamma: float) -> float:
    """SARSA's update of q[s][a] in place; returns δ = r + γ·Q(s′,a′) − Q(s,a)."""
    target = r if done else r + gamma * q[s2][a2]
    td = target - q[s][a]
    q[s][a] += alpha * td
    return td


def epsilon_greedy(q_row: Sequence[float], eps: float, u_explore: float, u_pick: float) -> int:
    """A random action with probability ε, else a greedy one (ties broken at random by `u_pick`)."""
    if u_explore < eps:
        return min(int(u_pick * 4), 3)
    best = max(q_row)
    ties = [a for a in range(4) if q_row[a] == best]
    return ties[min(int(u_pick * len(ties)), len(ties) - 1)]


def epsilon_at(eps: float, decay: float, episode: int) -> float:
    """ε in episode `episode` (1-based): ε·decay^(episode − 1)."""
    return eps * decay ** (episode - 1)


def uniforms(seed: int, stream: int) -> Iterator[float]:
    """An endless seeded stream of U(0, 1) numbers (drawn in blocks: a Python loop reads them fast)."""
    rng = np.random.default_rng([seed, stream])
    while True:
        yield from rng.random(4096).tolist()


def run_episode(grid: Grid, q: list[list[float]], learner: str, eps: float, alpha: float, gamma: float,
                rand: Iterator[float], visits: list[int], max_steps: int) -> tuple[float, int, Update | None]:
    """One episode from the start, learning as it goes. Returns (return, steps, last update)."""
    s, total, last = grid.start, 0.0, None
    a = epsilon_greedy(q[s], eps, next(rand), next(rand))
    for t in range(1, max_steps + 1):
        visits[s] += 1
        s2, r, done = grid.step(s, a)
        a2 = -1 if done else epsilon_greedy(q[s2], eps, next(rand), next(rand))
        q_sa, next_q = q[s][a], tuple(q[s2])
        if learner == "Q-learning":
            td = q_learning_update(q, s, a, r, s2, done, alpha, gamma)
        else:
            td = sarsa_update(q, s, a, r, s2, a2, done, alpha, gamma)
        last = (s, a, r, s2, a2, done, q_sa, next_q, td)
        total += r
        s, a = s2, a2
        if done:
            break
    if last is None:
        return total, 0, None
    s0, a0, r0, s2, a2, done, q_sa, next_q, td = last
    return total, t, Update(s0, a0, r0, s2, a2, done, q_sa, next_q, q_sa + td, td, q[s0][a0])


def max_steps_for(grid: Grid) -> int:
    """An episode's step limit: four times the number of cells."""
    return 4 * grid.n_states


def learn(layout: str, mode: str, eps: float, decay: float, alpha: float, gamma: float, episodes: int, seed: int,
          edit: tuple[int, float, int] | None = None, n_frames: int = N_FRAMES,
          on_progress: Callable[[float], None] | None = None) -> replay.Recording:
    """Both learners for `episodes` episodes. `edit` = (cell, reward, from_episode): from that episode
    on, entering the cell pays `reward`. Frames: "q" (2, S, 4) and "visits" (2, S); curves: each
    learner's return and length per episode and ε; meta["updates"][k][e]: learner k's last update in
    episode e + 1."""
    grid = parse_layout(layout, mode)
    edited = grid.with_reward(edit[0], edit[1]) if edit else grid
    qs = [[[0.0] * 4 for _ in range(grid.n_states)] for _ in LEARNERS]
    visits = [[0] * grid.n_states for _ in LEARNERS]
    streams = [uniforms(seed, k) for k in range(len(LEARNERS))]
    updates: list[list[Update | None]] = [[] for _ in LEARNERS]
    limit = max_steps_for(grid)

    def step(i: int) -> dict[str, float]:
        world = edited if edit and i >= edit[2] else grid
        e = epsilon_at(eps, decay, i)
        metrics = {"eps": e}
        for k, name in enumerate(LEARNERS):
            ret, length, last = run_episode(world, qs[k], name, e, alpha, gamma, streams[k], visits[k], limit)
            updates[k].append(last)
            metrics[f"return_{k}"], metrics[f"length_{k}"] = ret, length
        return metrics

    def snapshot() -> dict[str, np.ndarray]:
        return {"q": np.array(qs, dtype=float), "visits": np.array(visits, dtype=float)}

    return replay.record(step, snapshot, episodes, n_frames, on_progress,
                         meta={"updates": updates, "layout": grid.layout, "edit": edit})


def greedy_path(grid: Grid, q: np.ndarray) -> tuple[list[int], bool]:
    """The states the greedy policy (argmax, first action on ties) visits from the start, and
    whether it ends at a goal. Stops at a terminal, a loop, or after S steps."""
    path, s = [grid.start], grid.start
    for _ in range(grid.n_states):
        s2, _, done = grid.step(s, int(np.argmax(q[s])))
        if s2 in path:
            return path, False
        path.append(s2)
        if done:
            return path, grid.kind(s2) == "G"
        s = s2
    return path, False


def risky_cells(grid: Grid, path: Sequence[int]) -> int:
    """How many cells of a path touch a pit or a cliff (a side-by-side neighbour)."""
    h, w = grid.shape
    danger = {s for s in range(grid.n_states) if grid.kind(s) in "PC"}
    return sum(any((r2 * w + c2) in danger for r2, c2 in ((s // w - 1, s % w), (s // w + 1, s % w),
                                                          (s // w, s % w - 1), (s // w, s % w + 1))
                   if 0 <= r2 < h and 0 <= c2 < w) for s in path)


def mean_return(rec: replay.Recording, k: int, last: int = 50) -> float:
    """Learner k's mean return over its last `last` episodes."""
    returns = np.asarray(rec.curves[f"return_{k}"])
    return float(returns[-last:].mean())
