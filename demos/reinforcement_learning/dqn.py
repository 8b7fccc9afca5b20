"""DQN (Mnih et al. 2015) on CartPole, written out in torch: an ε-greedy agent, a replay buffer, and a
target network Q̄ copied from the online network Q every C steps. Each step fits Q(s, a) to

    y = r + γ·(1 − done)·max_a′ Q̄(s′, a′)        (done = terminated; a time-limit cut still bootstraps)

with the Huber loss on a mini-batch drawn uniformly from the buffer. Two switches show what each
addition buys: `replay` off learns from the last transition only; `target` off bootstraps from Q itself.
`train` records a run with `demos.replay.record` (returns per episode, ε, a TD-error histogram and a
replay-buffer sample per frame); `seed_band` runs 5 seeds × 3 variants (committed by
`train/cartpole_dqn.py`).
"""
from __future__ import annotations

import copy
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import torch
import torch.nn.functional as F

from demos import replay
from demos.reinforcement_learning import cartpole
from models.cartpole_dqn import CartPoleDqnConfig, QNetwork

COMMITTED = Path(__file__).resolve().parents[2] / "models" / "results" / "reinforcement_learning_dqn.json"
VARIANTS = {"replay + target": (True, True), "no replay": (False, True), "no target": (True, False)}
TD_EDGES = np.linspace(-4.0, 4.0, 17)  # TD-error histogram bins (the end bins take everything beyond)
SAMPLE_ROWS = 6  # replay-buffer transitions shown per frame


@dataclass(frozen=True)
class DqnSettings:
    gamma: float = 0.99  # discount
    lr: float = 1e-3  # Adam
    batch: int = 64  # transitions per update (with replay)
    buffer: int = 10_000  # replay capacity: the oldest transition goes first
    start: int = 250  # steps of acting before the first update (the buffer fills)
    sync: int = 250  # C: steps between copies of Q into the target network Q̄
    eps_start: float = 1.0  # ε falls linearly ...
    eps_end: float = 0.05  # ... to this ...
    eps_steps: int = 3_000  # ... over these steps, then stays
    every: int = 2  # one update every `every` environment steps (the Atari paper: 4)
    steps: int = 6_000  # environment steps per run
    clip: float = 10.0  # gradient-norm clip


SETTINGS = DqnSettings()


def epsilon_at(step: int, s: DqnSettings = SETTINGS) -> float:
    """The exploration rate at environment step `step` (1-based)."""
    return s.eps_end + (s.eps_start - s.eps_end) * max(0.0, 1.0 - (step - 1) / s.eps_steps)


def make_network(seed: int) -> QNetwork:
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        return QNetwork(CartPoleDqnConfig())


class ReplayBuffer:
    """A ring of the last `capacity` transitions (s, a, r, s′, done) in numpy arrays."""

    def __init__(self, capacity: int):
        self.s, self.s2 = np.zeros((capacity, 4), np.float32), np.zeros((capacity, 4), np.float32)
        self.a, self.r, self.done = np.zeros(capacity, np.int64), np.zeros(capacity, np.float32), np.zeros(capacity, np.float32)
        self.capacity, self.size, self.next = capacity, 0, 0

    def add(self, s, a, r, s2, done) -> None:
        i = self.next
        self.s[i], self.a[i], self.r[i], self.s2[i], self.done[i] = s, a, r, s2, done
        self.next, self.size = (i + 1) % self.capacity, min(self.size + 1, self.capacity)

    def rows(self, idx: np.ndarray) -> tuple[torch.Tensor, ...]:
        return tuple(torch.from_numpy(x[idx]) for x in (self.s, self.a, self.r, self.s2, self.done))

    def last(self) -> np.ndarray:
        return np.array([(self.next - 1) % self.capacity])


def td_loss(q: QNetwork, q_target: QNetwork, batch: tuple[torch.Tensor, ...], gamma: float
            ) -> tuple[torch.Tensor, torch.Tensor]:
    """(Huber loss, TD errors y − Q(s, a)) on a batch (s, a, r, s′, done); y is not differentiated."""
    s, a, r, s2, done = batch
    with torch.no_grad():
        y = r + gamma * (1 - done) * q_target(s2).max(dim=1).values
    predicted = q(s).gather(1, a[:, None]).squeeze(1)  # only the taken action's value is fitted
    return F.smooth_l1_loss(predicted, y), (y - predicted).detach()


class Agent:
    """One DQN learner acting in its own CartPole. `act_and_learn()` is one environment step."""

    def __init__(self, seed: int, replay_on: bool = True, target_on: bool = True, s: DqnSettings = SETTINGS):
        self.settings, self.replay_on, self.target_on = s, replay_on, target_on
        self.q = make_network(seed)
        self.q_target = copy.deepcopy(self.q).requires_grad_(False)
        self.opt = torch.optim.Adam(self.q.parameters(), lr=s.lr)
        self.buffer = ReplayBuffer(s.buffer)
        self.rng = np.random.default_rng([seed, 1])
        self.state, self.t, self.episode_return, self.steps = cartpole.reset(self.rng), 0, 0.0, 0
        self.syncs: list[int] = []

    def greedy(self, state: np.ndarray) -> int:
        with torch.no_grad():
            return int(self.q(torch.as_tensor(state, dtype=torch.float32)[None]).argmax())

    def act_and_learn(self) -> dict[str, float]:
        s, self.steps = self.settings, self.steps + 1
        eps = epsilon_at(self.steps, s)
        a = int(self.rng.integers(2)) if self.rng.random() < eps else self.greedy(self.state)
        nxt, r, terminated = cartpole.step(self.state, a)
        self.t, self.episode_return = self.t + 1, self.episode_return + r
        self.buffer.add(self.state, a, r, nxt, float(terminated))
        metrics = {"eps": eps}
        if self.steps >= s.start and self.steps % s.every == 0:
            idx = self.rng.integers(self.buffer.size, size=s.batch) if self.replay_on else self.buffer.last()
            loss, _ = td_loss(self.q, self.q_target if self.target_on else self.q, self.buffer.rows(idx), s.gamma)
            self.opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(self.q.parameters(), s.clip)
            self.opt.step()
            metrics["loss"] = float(loss.detach())
            if self.target_on and self.steps % s.sync == 0:  # (C is a multiple of `every`)
                self.q_target.load_state_dict(self.q.state_dict())
                self.syncs.append(self.steps)
        self.state = nxt
        if terminated or self.t >= cartpole.MAX_STEPS:
            metrics |= {"return": self.episode_return, "episode_end": self.steps}
            self.state, self.t, self.episode_return = cartpole.reset(self.rng), 0, 0.0
        return metrics

    def probe(self, rng: np.random.Generator, n: int = 256) -> tuple[np.ndarray, np.ndarray]:
        """(TD-error counts in TD_EDGES bins over n buffered transitions, SAMPLE_ROWS rows s, a, r, s′, done),
        drawn with a generator of their own so that looking does not change the run."""
        if self.buffer.size == 0:
            return np.zeros(len(TD_EDGES) - 1), np.full((SAMPLE_ROWS, 11), np.nan)
        idx = rng.integers(self.buffer.size, size=n)
        _, errors = td_loss(self.q, self.q_target if self.target_on else self.q, self.buffer.rows(idx),
                            self.settings.gamma)
        counts = np.histogram(np.clip(errors.numpy(), TD_EDGES[0], TD_EDGES[-1]), TD_EDGES)[0]
        b = self.buffer
        rows = np.column_stack([b.s[idx], b.a[idx], b.r[idx], b.s2[idx], b.done[idx]])[:SAMPLE_ROWS]
        return counts.astype(float), rows


def train(seed: int, variant: str, steps: int = SETTINGS.steps, n_frames: int = 30,
          on_progress: Callable[..., None] | None = None) -> replay.Recording:
    """One recorded run. `on_progress(fraction, partial)` gets the returns so far (to stream the curve)."""
    agent = Agent(seed, *VARIANTS[variant])
    look = np.random.default_rng([seed, 2])
    returns: list[tuple[int, float]] = []

    def step(i: int) -> dict[str, float]:
        m = agent.act_and_learn()
        if "return" in m:
            returns.append((int(m["episode_end"]), m["return"]))
        return m

    def snapshot() -> dict[str, np.ndarray]:
        counts, rows = agent.probe(look)
        return {"td_counts": counts, "sample": rows, "eps": np.array(epsilon_at(max(agent.steps, 1)))}

    progress = None if on_progress is None else (lambda f: on_progress(f, list(returns)))
    rec = replay.record(step, snapshot, steps, n_frames, progress,
                        meta={"seed": seed, "variant": variant, "syncs": agent.syncs, "steps": steps})
    return rec


def smoothed(ends: np.ndarray, returns: np.ndarray, grid: np.ndarray, window: int = 10) -> np.ndarray:
    """At each step of `grid`: the mean return of the last `window` episodes finished by then (NaN before
    the first)."""
    out = np.full(len(grid), np.nan)
    for j, g in enumerate(grid):
        done = returns[ends <= g]
        if len(done):
            out[j] = done[-window:].mean()
    return out


def seed_band(seeds: int = 5, steps: int = SETTINGS.steps, points: int = 60,
              on_progress: Callable[..., None] | None = None) -> dict:
    """seeds × variants runs: {"grid": steps, variant: [smoothed return curve per seed]}."""
    grid = np.linspace(steps / points, steps, points).round().astype(int)
    out: dict = {"grid": grid.tolist()}
    runs = [(v, seed) for v in VARIANTS for seed in range(seeds)]
    for k, (variant, seed) in enumerate(runs):
        rec = train(seed, variant, steps, n_frames=2)
        curve = smoothed(rec.curves.get("episode_end", np.zeros(0)), rec.curves.get("return", np.zeros(0)), grid)
        out.setdefault(variant, []).append([None if np.isnan(v) else round(float(v), 1) for v in curve])
        if on_progress is not None:
            on_progress((k + 1) / len(runs))
    return out


def greedy_episode(net: QNetwork, seed: int) -> tuple[np.ndarray, np.ndarray, bool]:
    """One episode of a Q-network acting greedily (argmax_a Q(s, a)) from start seed `seed`."""
    def act(state: np.ndarray) -> int:
        with torch.no_grad():
            return int(net(torch.as_tensor(state, dtype=torch.float32)[None]).argmax())
    return cartpole.rollout(act, seed)


def committed_band(path: Path = COMMITTED) -> dict | None:
    """`seed_band()` as committed by `python -m train.cartpole_dqn --band`, while its settings are this
    module's (else None: the page then runs it live)."""
    if not path.is_file():
        return None
    stored = json.loads(path.read_text())
    return stored["band"] if stored["settings"] == asdict(SETTINGS) else None
