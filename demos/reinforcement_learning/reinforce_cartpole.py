"""REINFORCE (Williams 1992) on CartPole: a softmax policy π_θ(a | s) (an MLP 4 → 32 → 2) plays a whole
episode, then takes one gradient step on

    L(θ) = −(1/T) Σ_t (G_t − b) · log π_θ(a_t | s_t),     G_t = Σ_{k ≥ t} γ^{k−t} r_{k+1}

with b the mean of the episode's G_t (a baseline that does not depend on the action leaves the gradient
unbiased and lowers its variance; `baseline=False` uses b = 0). One recorded step = one episode.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
import plotly.graph_objects as go
import torch
from torch import nn

from demos import replay
from demos.plots import OKABE_ITO
from demos.reinforcement_learning import cartpole

GAMMA, LR, HIDDEN = 0.99, 1e-2, 32


def returns_to_go(rewards: list[float], gamma: float = GAMMA) -> np.ndarray:
    """G_t for every t of an episode, computed backwards: G_t = r_{t+1} + γ·G_{t+1}."""
    out, g = np.zeros(len(rewards)), 0.0
    for t in range(len(rewards) - 1, -1, -1):
        g = rewards[t] + gamma * g
        out[t] = g
    return out


def policy_loss(logits: torch.Tensor, actions: torch.Tensor, g: torch.Tensor, baseline: bool) -> torch.Tensor:
    """−mean_t (G_t − b)·log π(a_t | s_t), b = mean G_t (or 0)."""
    advantage = g - g.mean() if baseline else g
    log_pi = torch.log_softmax(logits, dim=1).gather(1, actions[:, None]).squeeze(1)
    return -(advantage * log_pi).mean()


def train(seed: int, episodes: int = 300, baseline: bool = True, n_frames: int = 30,
          on_progress: Callable[..., None] | None = None) -> replay.Recording:
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        policy = nn.Sequential(nn.Linear(4, HIDDEN), nn.Tanh(), nn.Linear(HIDDEN, 2))
    opt = torch.optim.Adam(policy.parameters(), lr=LR)
    rng = np.random.default_rng([seed, 5])
    returns: list[float] = []

    def step(i: int) -> dict[str, float]:
        state, states, actions, terminated = cartpole.reset(rng), [], [], False
        while len(actions) < cartpole.MAX_STEPS and not terminated:
            with torch.no_grad():
                p = torch.softmax(policy(torch.as_tensor(state, dtype=torch.float32)[None]), 1)[0].numpy()
            a = int(rng.random() < p[1])
            states.append(state)
            actions.append(a)
            state, _, terminated = cartpole.step(state, a)
        g = torch.as_tensor(returns_to_go([1.0] * len(actions)), dtype=torch.float32)
        loss = policy_loss(policy(torch.as_tensor(np.array(states), dtype=torch.float32)),
                           torch.as_tensor(actions), g, baseline)
        opt.zero_grad()
        loss.backward()
        opt.step()
        returns.append(float(len(actions)))
        return {"return": float(len(actions))}

    progress = None if on_progress is None else (lambda f: on_progress(f, list(returns)))
    return replay.record(step, lambda: {}, episodes, n_frames, progress, meta={"seed": seed, "baseline": baseline})


def returns_figure(returns: list[float], episodes: int, height: int = 300) -> go.Figure:
    r = np.asarray(returns, dtype=float)
    fig = go.Figure(go.Scatter(x=np.arange(1, len(r) + 1), y=r, mode="lines", name="return",
                               line=dict(color=OKABE_ITO[2], width=1)))
    if len(r) >= 20:
        fig.add_scatter(x=np.arange(20, len(r) + 1), y=np.convolve(r, np.ones(20) / 20, "valid"),
                        name="mean of 20", line=dict(color=OKABE_ITO[5], width=2.5))
    fig.update_layout(height=height, margin=dict(l=50, r=10, t=20, b=40), xaxis=dict(title="episode",
                      range=[0, episodes]), yaxis=dict(title="return", range=[0, 520]),
                      legend=dict(orientation="h", y=1.1))
    return fig


def returns_caption(rec: replay.Recording) -> str:
    r = rec.curves.get("return", np.zeros(0))
    if not len(r):
        return "No episode played yet."
    first, last = r[:20].mean(), r[-20:].mean()
    return (f"REINFORCE on CartPole, seed {rec.meta['seed']}, {'mean-return baseline' if rec.meta['baseline'] else 'no baseline'}: "
            f"{len(r)} episodes{' (stopped)' if rec.stopped else ''}, one gradient step each; mean return of the first "
            f"{min(20, len(r))} episodes {first:.0f}, of the last {min(20, len(r))} {last:.0f}, best {r.max():.0f} of "
            f"{cartpole.MAX_STEPS}.")
