"""Inspect one update: the last temporal-difference update a learner made in a chosen episode,
printed with its numbers, so r + γ·max Q(s′,·) − Q(s,a) can be checked by hand."""
from __future__ import annotations

from demos import replay
from demos.reinforcement_learning import tabular
from demos.reinforcement_learning.gridworld import ARROWS, Grid, cell_name


def last_update(rec: replay.Recording, learner: int, episode: int) -> tabular.Update | None:
    """Learner `learner`'s last update in `episode` (1-based; clipped to the episodes run)."""
    done = len(rec.meta["updates"][learner])
    return rec.meta["updates"][learner][min(max(episode, 1), done) - 1] if done else None


def was_cut(rec: replay.Recording, learner: int, episode: int, grid: Grid) -> bool:
    """Whether that episode ended at the step limit rather than in a terminal state."""
    u = last_update(rec, learner, episode)
    length = rec.curves[f"length_{learner}"][min(max(episode, 1), len(rec.curves[f"length_{learner}"])) - 1]
    return u is not None and not u.done and int(length) == tabular.max_steps_for(grid)


def _n(x: float) -> str:
    return f"{x:.3f}".replace("-", "−")


def explain(u: tabular.Update | None, learner: int, grid: Grid, gamma: float, alpha: float,
            cut: bool = False) -> str:
    """Markdown: what happened (state, action, reward, next state) and the update's arithmetic;
    `cut`: the episode ended at its step limit, not in a terminal state."""
    if u is None:
        return "No update in this episode."
    name = tabular.LEARNERS[learner]
    landed = cell_name(grid, u.s2) + (" (a goal: the episode ends)" if u.done and grid.kind(u.s2) == "G"
                                      else " (a pit: the episode ends)" if u.done else "")
    head = (f"**{name}**: in {cell_name(grid, u.s)} it took {ARROWS[u.a]}, got r = {_n(u.r)} and landed in "
            f"{landed}.")
    if u.done:
        target = f"target = r = {_n(u.r)} (no future after a terminal state)"
    elif learner == 0:
        target = (f"target = r + γ·max Q(s′,·) = {_n(u.r)} + {gamma:g} × max({', '.join(_n(v) for v in u.next_q)}) "
                  f"= {_n(u.target)}")
    else:
        target = (f"target = r + γ·Q(s′,a′) = {_n(u.r)} + {gamma:g} × Q(s′,{ARROWS[u.a2]}) = {_n(u.r)} + {gamma:g} × "
                  f"{_n(u.next_q[u.a2])} = {_n(u.target)}")
    if cut:
        head += " Then the episode hit its step limit."
    return (f"{head}  \n{target}  \nδ = target − Q(s,a) = {_n(u.target)} − ({_n(u.q_sa)}) = {_n(u.td)}  \n"
            f"Q(s,a) ← Q(s,a) + α·δ = {_n(u.q_sa)} + {alpha:g} × {_n(u.td)} = {_n(u.q_new)}")
