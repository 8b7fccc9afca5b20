"""REINFORCE (Williams 1992) on a k-armed bandit: a softmax policy π = softmax(θ) over k arms whose
rewards are Gaussian around means μ. One pull of arm a with reward r gives the gradient estimate

    ĝ = (r − b)·∇θ log π(a) = (r − b)·(e_a − π)       exact gradient: ∇J = Σ_a π_a μ_a (e_a − π)

unbiased for any baseline b that does not depend on the action (Σ_a π_a (e_a − π) = 0), and its
variance, exactly: tr Cov ĝ = Σ_a π_a [(μ_a − b)² + σ²] ‖e_a − π‖² − ‖∇J‖².
Two learners pull from the same seed, one with b = 0, one with a running mean of past rewards.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from demos import replay
from demos.plots import OKABE_ITO

NOISE = 1.0  # σ of every arm's reward
RUNS = ("no baseline", "running-mean baseline")


def arm_means(k: int, offset: float, seed: int) -> np.ndarray:
    """k arm means: standard normal draws (seeded) plus `offset`, which every arm shares."""
    return np.random.default_rng([seed, 7]).standard_normal(k) + offset


def softmax(theta: np.ndarray) -> np.ndarray:
    z = np.exp(theta - theta.max())
    return z / z.sum()


def exact_gradient(theta: np.ndarray, means: np.ndarray) -> np.ndarray:
    """∇θ J for J(θ) = Σ_a π_a μ_a: π ⊙ (μ − π·μ)."""
    pi = softmax(theta)
    return pi * (means - pi @ means)


def estimate(theta: np.ndarray, action: int, reward: float, baseline: float) -> np.ndarray:
    """One REINFORCE estimate: (r − b)(e_a − π)."""
    g = -softmax(theta)
    g[action] += 1.0
    return (reward - baseline) * g


def estimate_variance(theta: np.ndarray, means: np.ndarray, baseline: float, noise: float = NOISE) -> float:
    """tr Cov ĝ for one pull, exactly (formula in the module docstring)."""
    pi = softmax(theta)
    dist = ((np.eye(len(pi)) - pi) ** 2).sum(axis=1)  # ‖e_a − π‖² per arm
    second = float(np.sum(pi * ((means - baseline) ** 2 + noise ** 2) * dist))
    return second - float(exact_gradient(theta, means) @ exact_gradient(theta, means))


def train(k: int, offset: float, lr: float, steps: int, seed: int, n_frames: int = 40,
          on_progress: Callable[[float], None] | None = None) -> replay.Recording:
    """Both learners for `steps` pulls from θ = 0. Frames: "pi" (2, k); curves: each learner's expected
    reward π·μ ("expected_j"), and at the no-baseline learner's θ the estimate's exact variance with
    b = 0 ("variance_none") and with b = E_π[r] = π·μ ("variance_mean"): the same θ, only b differs."""
    means = arm_means(k, offset, seed)
    rng = np.random.default_rng([seed, 8])
    thetas, baselines = [np.zeros(k), np.zeros(k)], [0.0, 0.0]

    def step(i: int) -> dict[str, float]:
        u, noise = rng.random(), rng.standard_normal()  # the same pull randomness for both learners
        out = {"variance_none": estimate_variance(thetas[0], means, 0.0),
               "variance_mean": estimate_variance(thetas[0], means, float(softmax(thetas[0]) @ means))}
        for j in range(2):
            pi = softmax(thetas[j])
            a = min(int(np.searchsorted(np.cumsum(pi), u)), k - 1)
            r = means[a] + NOISE * noise
            thetas[j] = thetas[j] + lr * estimate(thetas[j], a, r, baselines[j])
            if j == 1:
                baselines[1] += (r - baselines[1]) / i  # the mean of the rewards seen so far
            out[f"expected_{j}"] = float(softmax(thetas[j]) @ means)
        return out

    return replay.record(step, lambda: {"pi": np.array([softmax(t) for t in thetas])}, steps, n_frames, on_progress,
                         meta={"means": means})


def policy_figure(rec: replay.Recording, height: int = 360) -> go.Figure:
    """π per arm for both learners, replayed pull by pull; the best arm's bar in its own colour."""
    means = rec.meta["means"]
    k, best = len(means), int(np.argmax(means))
    arms = [f"arm {a + 1}<br>μ={m:.2f}" for a, m in enumerate(means)]
    colours = [OKABE_ITO[2] if a == best else OKABE_ITO[0] for a in range(k)]
    fig = make_subplots(1, 2, subplot_titles=[f"π, {name}" for name in RUNS])
    for j in range(2):
        fig.add_trace(go.Bar(x=arms, y=rec.frames["pi"][-1][j], marker_color=colours, showlegend=False,
                             hovertemplate="%{x}: π = %{y:.3f}<extra></extra>"), 1, j + 1)
    fig.update_yaxes(range=[0, 1])
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=40, b=10))
    frames = [{j: {"y": pi[j]} for j in range(2)} for pi in rec.frames["pi"]]
    return replay.animate(fig, frames, [int(s) for s in rec.steps], prefix="pull ")


def curves_figure(rec: replay.Recording, height: int = 320) -> go.Figure:
    """Left: each learner's expected reward π·μ per pull. Right: the estimate's variance at the
    no-baseline learner's θ, with b = 0 and with b = E_π[r] (log scale)."""
    fig = make_subplots(1, 2, subplot_titles=("Expected reward π·μ", "Variance of ĝ at the same θ"))
    x = np.arange(1, len(rec.curves["expected_0"]) + 1)
    for j, name in enumerate(RUNS):
        fig.add_trace(go.Scatter(x=x, y=rec.curves[f"expected_{j}"], name=name, line=dict(color=OKABE_ITO[j + 3])),
                      1, 1)
    for key, name, colour in (("variance_none", "b = 0", OKABE_ITO[3]), ("variance_mean", "b = E[r]", OKABE_ITO[4])):
        fig.add_trace(go.Scatter(x=x, y=rec.curves[key], name=name, line=dict(color=colour, dash="dot")), 1, 2)
    fig.add_hline(y=float(np.max(rec.meta["means"])), line=dict(dash="dot", color="gray"), row=1, col=1)
    fig.update_yaxes(type="log", row=1, col=2)
    fig.update_xaxes(title_text="pull")
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=40, b=10), legend=dict(orientation="h", y=-0.3))
    return fig


def policy_caption(rec: replay.Recording) -> str:
    means, pi = rec.meta["means"], rec.frames["pi"][-1]
    best = int(np.argmax(means))
    return (f"After {int(rec.steps[-1])} pulls the policy without a baseline puts {pi[0][best]:.0%} on the best arm "
            f"(arm {best + 1}, μ = {means[best]:.2f}) and the one with a running-mean baseline {pi[1][best]:.0%}.")


def variance_caption(rec: replay.Recording, offset: float) -> str:
    v0, v1 = rec.curves["variance_none"], rec.curves["variance_mean"]
    e0, e1 = rec.curves["expected_0"][-1], rec.curves["expected_1"][-1]
    return (f"At the first pull (uniform policy) the estimate's variance is {v0[0]:.3g} with b = 0 and {v1[0]:.3g} "
            f"with b = E[r]; at the same θ along the run it is lower with the baseline at "
            f"{np.mean(v1 < v0):.0%} of the pulls (mean over the run: {np.mean(v0):.3g} vs {np.mean(v1):.3g}). Expected reward at the end: {e0:.2f} without a baseline, "
            f"{e1:.2f} with the running mean (best arm {np.max(rec.meta['means']):.2f}; every arm's mean includes "
            f"the shared offset {offset:g}).")
