"""Dynamic programming on the same gridworld: value iteration (Bellman 1957) computes the exact V*
that the learners approach, with the model in hand instead of samples.

    V_{k+1}(s) = max_a [ r(s,a) + γ·V_k(s′) ]      (s′ terminal: r alone)
    for a fixed policy π:  V^π = r_π + γ·P_π V^π   ⇔   (I − γ P_π) V^π = r_π   (one linear solve)
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from demos import replay
from demos.plots import DIVERGING, OKABE_ITO
from demos.reinforcement_learning import tabular
from demos.reinforcement_learning.gridworld import ARROWS, Grid


def states(grid: Grid) -> list[int]:
    """The cells an agent can stand on before an episode ends (not walls, terminals or cliffs)."""
    return [s for s in range(grid.n_states) if grid.kind(s) in ".S"]


def q_from_v(grid: Grid, v: np.ndarray, gamma: float) -> np.ndarray:
    """(S, 4) one-step look-ahead: r(s,a) + γ·V(s′), the target without continuation at a terminal."""
    q = np.zeros((grid.n_states, 4))
    for s in states(grid):
        for a in range(4):
            s2, r, done = grid.step(s, a)
            q[s, a] = r if done else r + gamma * v[s2]
    return q


def value_iteration(grid: Grid, gamma: float, tol: float = 1e-10, max_sweeps: int = 5000
                    ) -> tuple[np.ndarray, list[float]]:
    """V* by repeated Bellman optimality backups (synchronous sweeps) until the largest change is
    below `tol`. Returns V* (S,) and the largest change of each sweep."""
    v, changes = np.zeros(grid.n_states), []
    for _ in range(max_sweeps):
        new = np.zeros(grid.n_states)
        new[states(grid)] = q_from_v(grid, v, gamma)[states(grid)].max(axis=1)
        changes.append(float(np.abs(new - v).max()))
        v = new
        if changes[-1] < tol:
            break
    return v, changes


def policy_value(grid: Grid, policy: np.ndarray, gamma: float) -> np.ndarray:
    """V^π of a deterministic policy (S,) of actions by one linear solve of the Bellman equations."""
    idx = {s: i for i, s in enumerate(states(grid))}
    n = len(idx)
    a_mat, b = np.eye(n), np.zeros(n)
    for s, i in idx.items():
        s2, r, done = grid.step(s, int(policy[s]))
        b[i] = r
        if not done:
            a_mat[i, idx[s2]] -= gamma
    v = np.zeros(grid.n_states)
    v[list(idx)] = np.linalg.solve(a_mat, b)
    return v


def gaps(rec: replay.Recording, grid: Grid, v_star: np.ndarray) -> np.ndarray:
    """(2, F) each learner's mean |max_a Q(s,a) − V*(s)| over the standable cells, frame by frame."""
    cells = states(grid)
    return np.array([[np.abs(q[j][cells].max(axis=1) - v_star[cells]).mean() for q in rec.frames["q"]]
                     for j in range(2)])


def v_star_figure(grid: Grid, v_star: np.ndarray, gamma: float, height: int = 380) -> go.Figure:
    """V* as a heatmap with the greedy action of Q* in each cell."""
    h, w = grid.shape
    q = q_from_v(grid, v_star, gamma)
    z = np.full(grid.n_states, np.nan)
    z[states(grid)] = v_star[states(grid)]
    m = float(np.nanmax(np.abs(z))) or 1.0
    fig = go.Figure(go.Heatmap(z=z.reshape(h, w), x=np.arange(1, w + 1), y=np.arange(1, h + 1), colorscale=DIVERGING,
                               zmin=-m, zmax=m, xgap=1, ygap=1,
                               hovertemplate="row %{y}, col %{x}<br>V* = %{z:.2f}<extra></extra>"))
    text = [ARROWS[int(np.argmax(q[s]))] if s in states(grid) else grid.kind(s).replace(".", "").replace("W", "")
            for s in range(grid.n_states)]
    fig.add_trace(go.Scatter(x=[s % w + 1 for s in range(grid.n_states)], y=[s // w + 1 for s in range(grid.n_states)],
                             mode="text", text=text, textfont=dict(size=15), hoverinfo="skip", showlegend=False))
    fig.update_xaxes(dtick=1, showgrid=False, zeroline=False, constrain="domain")
    fig.update_yaxes(autorange="reversed", dtick=1, showgrid=False, zeroline=False, scaleanchor="x")
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=30, b=10), title="V* and the optimal action")
    return fig


def gap_figure(rec: replay.Recording, gap: np.ndarray, changes: list[float], height: int = 380) -> go.Figure:
    """Left: value iteration's largest change per sweep (log scale). Right: each learner's gap to V*."""
    fig = make_subplots(1, 2, subplot_titles=("Value iteration: largest change per sweep",
                                              "Learners: mean |V(s) − V*(s)|"))
    fig.add_trace(go.Scatter(x=np.arange(1, len(changes) + 1), y=np.maximum(changes, 1e-12), mode="lines",
                             line=dict(color=OKABE_ITO[0]), name="value iteration"), 1, 1)
    for j, name in enumerate(tabular.LEARNERS):
        fig.add_trace(go.Scatter(x=rec.steps, y=gap[j], mode="lines+markers", line=dict(color=OKABE_ITO[j + 1]),
                                 name=name), 1, 2)
    fig.update_yaxes(type="log", row=1, col=1)
    fig.update_xaxes(title_text="sweep", row=1, col=1)
    fig.update_xaxes(title_text="episode", row=1, col=2)
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=40, b=10), legend=dict(orientation="h", y=-0.25))
    return fig


def v_star_caption(grid: Grid, v_star: np.ndarray, changes: list[float], gamma: float) -> str:
    return (f"Value iteration converged in {len(changes)} sweeps (largest change {changes[-1]:.1e}); with γ = {gamma:g} "
            f"the start is worth V*(S) = {v_star[grid.start]:.2f}, and solving (I − γP_π)V = r_π for the greedy "
            f"policy gives {policy_value(grid, np.argmax(q_from_v(grid, v_star, gamma), axis=1), gamma)[grid.start]:.2f}.")


def gap_caption(rec: replay.Recording, gap: np.ndarray, eps_end: float) -> str:
    g = gap[:, -1]
    closer = tabular.LEARNERS[int(np.argmin(g))]
    return (f"After {int(rec.steps[-1])} episodes the mean gap to V* is {g[0]:.2f} for Q-learning and {g[1]:.2f} for "
            f"SARSA ({closer} is closer). Q-learning estimates the greedy policy's values whatever it does; SARSA "
            f"estimates the values of the ε-greedy policy it follows (ε = {eps_end:.3f} at the end), so it "
            f"approaches V* only as ε goes to 0. A cell an agent never entered keeps Q = 0, so its gap is |V*(s)|.")
