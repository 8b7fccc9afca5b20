"""CartPole written out (Barto, Sutton & Anderson 1983, with the constants and thresholds of Gymnasium's
CartPole-v1): a pole hinged on a cart that the agent pushes left or right with a force of 10 N every
0.02 s. With θ the pole's angle from upright and F = ±10 N,

    temp = (F + m_p·l·θ̇²·sin θ) / (m_c + m_p)
    θ̈ = (g·sin θ − cos θ·temp) / (l·(4/3 − m_p·cos²θ / (m_c + m_p)))
    ẍ = temp − m_p·l·θ̈·cos θ / (m_c + m_p)

integrated with one explicit Euler step (x += τ·ẋ, ẋ += τ·ẍ, θ += τ·θ̇, θ̇ += τ·θ̈). Every step pays +1;
the episode ends (terminated) when |x| > 2.4 or |θ| > 12°, and is cut (truncated, not terminal) after
500 steps. The tests step Gymnasium's environment from the same states and compare.
"""
from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from demos import replay
from demos.plots import OKABE_ITO

GRAVITY, CART_MASS, POLE_MASS, HALF_LENGTH, FORCE, TAU = 9.8, 1.0, 0.1, 0.5, 10.0, 0.02
X_LIMIT, THETA_LIMIT = 2.4, 12 * 2 * math.pi / 360  # the episode ends beyond these
MAX_STEPS = 500  # CartPole-v1's time limit (a truncation, not a terminal state)
ACTIONS = ("push left", "push right")


def reset(rng: np.random.Generator) -> np.ndarray:
    """The start state (x, ẋ, θ, θ̇), each drawn uniformly from [−0.05, 0.05]."""
    return rng.uniform(-0.05, 0.05, size=4)


def step(state: np.ndarray, action: int) -> tuple[np.ndarray, float, bool]:
    """One 0.02 s step: (next state, reward 1, terminated). The caller counts steps for the time limit."""
    x, x_dot, theta, theta_dot = (float(v) for v in state)
    force = FORCE if action == 1 else -FORCE
    cos, sin = math.cos(theta), math.sin(theta)
    total = CART_MASS + POLE_MASS
    temp = (force + POLE_MASS * HALF_LENGTH * theta_dot ** 2 * sin) / total
    theta_acc = (GRAVITY * sin - cos * temp) / (HALF_LENGTH * (4.0 / 3.0 - POLE_MASS * cos ** 2 / total))
    x_acc = temp - POLE_MASS * HALF_LENGTH * theta_acc * cos / total
    x, x_dot = x + TAU * x_dot, x_dot + TAU * x_acc
    theta, theta_dot = theta + TAU * theta_dot, theta_dot + TAU * theta_acc
    terminated = x < -X_LIMIT or x > X_LIMIT or theta < -THETA_LIMIT or theta > THETA_LIMIT
    return np.array([x, x_dot, theta, theta_dot]), 1.0, bool(terminated)


def rollout(policy, seed: int) -> tuple[np.ndarray, np.ndarray, bool]:
    """One episode under `policy(state) -> action` from a seeded start: (states (T+1, 4), actions (T,),
    terminated). T ≤ 500."""
    state = reset(np.random.default_rng([seed, 11]))
    states, actions, terminated = [state], [], False
    while len(actions) < MAX_STEPS and not terminated:
        a = int(policy(state))
        state, _, terminated = step(state, a)
        states.append(state)
        actions.append(a)
    return np.array(states), np.array(actions, dtype=int), terminated


def _shapes(state: np.ndarray) -> tuple[dict, dict]:
    """The cart (a closed rectangle outline) and the pole (a segment) for one state, in metres."""
    x, theta = float(state[0]), float(state[2])
    w, h = 0.5, 0.3
    cart = dict(x=[x - w / 2, x + w / 2, x + w / 2, x - w / 2, x - w / 2], y=[0, 0, h, h, 0])
    tip = (x + 2 * HALF_LENGTH * math.sin(theta), h + 2 * HALF_LENGTH * math.cos(theta))
    return cart, dict(x=[x, tip[0]], y=[h, tip[1]])


def episode_figure(states: np.ndarray, actions: np.ndarray, every: int = 5, height: int = 360) -> go.Figure:
    """The cart and pole drawn at every `every`-th step of an episode, replayed in the browser."""
    shown = list(range(0, len(states), every)) + ([len(states) - 1] if (len(states) - 1) % every else [])
    cart, pole = _shapes(states[0])
    fig = go.Figure([go.Scatter(**cart, fill="toself", mode="lines", line=dict(color=OKABE_ITO[4], width=2),
                                name="cart", hoverinfo="skip"),
                     go.Scatter(**pole, mode="lines+markers", line=dict(color=OKABE_ITO[5], width=8),
                                marker=dict(size=[10, 4]), name="pole", hoverinfo="skip")])
    for side in (-X_LIMIT, X_LIMIT):
        fig.add_vline(x=side, line=dict(color="grey", dash="dot"))
    fig.add_hline(y=0, line=dict(color="grey"))
    frames, labels = [], []
    for t in shown:
        c, p = _shapes(states[t])
        frames.append({0: c, 1: p})
        labels.append(str(t))
    fig.update_layout(height=height, showlegend=False, margin=dict(l=40, r=10, t=30, b=30),
                      xaxis=dict(range=[-X_LIMIT - 0.3, X_LIMIT + 0.3], title="cart position x (m)"),
                      yaxis=dict(range=[-0.1, 1.5], scaleanchor="x", title=""),
                      title=dict(text="The committed agent, greedy", font=dict(size=14)))
    return replay.animate(fig, frames, labels, frame_ms=40, prefix="step ", start=0)


def episode_caption(states: np.ndarray, actions: np.ndarray, terminated: bool, seed: int) -> str:
    steps = len(actions)
    last = states[-1]
    ending = (f"the time limit cut it at {MAX_STEPS} steps, the pole still up" if not terminated
              else "the pole tipped past 12°" if abs(last[2]) > THETA_LIMIT else "the cart left the track")
    return (f"Start seed {seed}: the agent balanced for {steps} steps ({steps * TAU:.1f} s, return {steps}) "
            f"and {ending}; it pushed right {np.mean(actions == 1):.0%} of the time, "
            f"|θ| peaked at {np.degrees(np.abs(states[:, 2]).max()):.1f}° (limit 12°), "
            f"|x| at {np.abs(states[:, 0]).max():.2f} m (limit 2.4 m). ▶ Play or drag the slider.")
