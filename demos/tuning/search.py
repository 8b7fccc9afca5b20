"""Five search strategies under one budget of epochs, over the same learning curves: grid, random,
successive halving (Jamieson & Talwalkar 2016), Hyperband (Li et al. 2017) and TPE (Bergstra et al. 2011,
Optuna's sampler). Successive halving and Hyperband are written out here; the asynchronous rule of
Optuna's SuccessiveHalvingPruner (ASHA, Li et al. 2020) is written out too, and tested against it; a
live search trains its trials now.

A source gives `curve(index, replicate, epochs)`: the validation accuracy of table configuration `index`
trained from seed `replicate` for `epochs` epochs (the committed table, or `trial.LiveSource`)."""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Protocol, Sequence

import numpy as np

from demos.tuning import trial

STRATEGIES = ("Grid", "Random", "Successive halving", "Hyperband", "TPE")
ETA = 3  # reduction factor: keep the best 1/η at every rung
BUDGET = trial.EPOCHS ** 2  # 729 epochs: what 27 trials of 27 epochs cost
FULL_TRIALS = BUDGET // trial.EPOCHS
GRID_LEVELS = 3  # values per axis: 3 × 3 × 3 = 27 trials


class Source(Protocol):
    def curve(self, index: int, replicate: int, epochs: int) -> np.ndarray: ...


@dataclass
class Search:
    """A finished search: every trial (table index, replicate, epochs trained) in the order started, and
    every epoch's validation accuracy in the order trained."""
    strategy: str
    seed: int
    index: list[int] = field(default_factory=list)
    replicate: list[int] = field(default_factory=list)
    epochs: list[int] = field(default_factory=list)
    events: list[tuple[int, float]] = field(default_factory=list)  # (trial number, val accuracy) per epoch
    rungs: list[tuple[int, int, int]] = field(default_factory=list)  # (bracket, resource r, trials reaching r)
    stopped: bool = False  # a live search stopped before its budget was spent
    seconds: float = 0.0  # wall time of a live search

    def spent(self) -> int:
        return len(self.events)

    def best_so_far(self, budget: int = BUDGET) -> np.ndarray:
        """(budget + 1,) best validation accuracy seen after 0 … budget epochs (nan before the first)."""
        vals = np.array([v for _, v in self.events[:budget]], float)
        out = np.full(budget + 1, np.nan)
        out[1:len(vals) + 1] = np.maximum.accumulate(vals) if len(vals) else []
        if len(vals) < budget:
            out[len(vals) + 1:] = out[len(vals)]
        return out

    def curve(self, t: int) -> np.ndarray:
        """Trial `t`'s validation accuracy after each epoch it trained."""
        return np.array([v for u, v in self.events if u == t])

    def curves(self) -> list[np.ndarray]:
        """Every trial's curve, in one pass over the events."""
        out: list[list[float]] = [[] for _ in self.index]
        for t, v in self.events:
            out[t].append(v)
        return [np.array(c) for c in out]

    def events_value(self, t: int, epoch: int) -> float:  # trial t's validation accuracy at `epoch`
        return float(self.curve(t)[epoch - 1])

    def winner(self) -> tuple[int, int]:
        """(trial number, epoch 1-based) of the best validation accuracy seen."""
        best, at, count = -1.0, (0, 1), {}
        for t, v in self.events:
            count[t] = count.get(t, 0) + 1
            if v > best:
                best, at = v, (t, count[t])
        return at


class _Runner:
    """Advances trials through a source, stopping everything once the budget is spent."""

    def __init__(self, search: Search, source: Source, budget: int):
        self.s, self.source, self.budget = search, source, budget

    def start(self, index: int, replicate: int) -> int:
        self.s.index.append(index)
        self.s.replicate.append(replicate)
        self.s.epochs.append(0)
        return len(self.s.index) - 1

    def advance(self, t: int, to_epoch: int) -> float | None:
        """Train trial `t` on to `to_epoch` (within the budget); its validation accuracy there, or None
        when the budget ran out first."""
        have = self.s.epochs[t]
        to_epoch = min(to_epoch, have + self.budget - self.s.spent())
        if to_epoch <= have:
            return None
        c = self.source.curve(self.s.index[t], self.s.replicate[t], to_epoch)
        for v in c[have:to_epoch]:
            self.s.events.append((t, float(v)))
        self.s.epochs[t] = to_epoch
        return float(c[to_epoch - 1])


def _configs(rng: np.random.Generator, n: int) -> list[int]:
    """`n` table configurations drawn uniformly (without replacement while the table lasts)."""
    total, picks = len(trial.all_configs()), []
    while len(picks) < n:
        picks += rng.permutation(total)[:n - len(picks)].tolist()
    return picks


def grid_indices(levels: int = GRID_LEVELS) -> list[int]:
    """The grid's table configurations: `levels` evenly spaced values of each axis (ends included)."""
    pick = lambda n: np.round(np.linspace(0, n - 1, levels)).astype(int)  # noqa: E731
    return [trial.table_index(a, w, d) for a in pick(len(trial.LOG_LRS)) for w in pick(len(trial.WIDTHS))
            for d in pick(len(trial.DECAYS))]


def successive_halving(run: _Runner, configs: Sequence[int], replicates: Sequence[int], r_min: int,
                       eta: int = ETA, r_max: int = trial.EPOCHS, bracket: int = 0) -> None:
    """Synchronous successive halving: train all `configs` to r_min epochs, keep the best ⌊n/η⌋, train
    those to η·r_min, … up to r_max. Ties keep the trial started first."""
    alive = [run.start(c, r) for c, r in zip(configs, replicates)]
    r = r_min
    while alive:
        scores = [run.advance(t, r) for t in alive]
        run.s.rungs.append((bracket, r, len(alive)))
        if r >= r_max or any(s is None for s in scores):
            return
        keep = len(alive) // eta
        order = sorted(range(len(alive)), key=lambda i: (-scores[i], i))[:keep]
        alive = [alive[i] for i in sorted(order)]
        r = min(r * eta, r_max)


def hyperband_brackets(r_max: int = trial.EPOCHS, eta: int = ETA) -> list[tuple[int, int]]:
    """(n trials, r_min epochs) of each bracket, most aggressive first (Li et al. 2017, Algorithm 1)."""
    s_max = int(math.floor(math.log(r_max, eta) + 1e-9))
    return [(int(math.ceil((s_max + 1) / (s + 1) * eta ** s)), int(round(r_max * eta ** -s)))
            for s in range(s_max, -1, -1)]


def run_search(strategy: str, seed: int, source: Source, budget: int = BUDGET, into: Search | None = None) -> Search:
    """One search of `strategy` with search seed `seed` until `budget` epochs are spent (filling `into`
    if given, so that a caller keeps what an interrupted search had done)."""
    rng = np.random.default_rng(seed)
    s = Search(strategy, seed) if into is None else into
    run = _Runner(s, source, budget)
    if strategy == "Grid":
        configs = [grid_indices()[i] for i in rng.permutation(GRID_LEVELS ** 3)]
    elif strategy in ("Random", "TPE"):
        configs = _configs(rng, FULL_TRIALS)
    if strategy in ("Grid", "Random"):
        for c in configs:
            run.advance(run.start(c, int(rng.integers(trial.REPLICATES))), trial.EPOCHS)
    elif strategy == "Successive halving":
        n = FULL_TRIALS * ETA ** 2  # 243 trials at 1 epoch: each rung then costs a quarter of the budget
        successive_halving(run, _configs(rng, n), rng.integers(trial.REPLICATES, size=n).tolist(), 1)
    elif strategy == "Hyperband":
        bracket = 0
        while s.spent() < budget:
            for n, r in hyperband_brackets():
                if s.spent() >= budget:
                    break
                successive_halving(run, _configs(rng, n), rng.integers(trial.REPLICATES, size=n).tolist(), r,
                                   bracket=bracket)
                bracket += 1
    elif strategy == "TPE":
        _tpe(run, seed, rng)
    else:
        raise ValueError(f"unknown strategy {strategy!r}")
    return _drop_untrained(s)


def _drop_untrained(s: Search) -> Search:
    """Forget trials started when the budget had run out (no epoch trained); renumber the rest."""
    kept = [t for t in range(len(s.index)) if s.epochs[t] > 0]
    new = {t: i for i, t in enumerate(kept)}
    s.index, s.replicate, s.epochs = ([getattr(s, a)[t] for t in kept] for a in ("index", "replicate", "epochs"))
    s.events = [(new[t], v) for t, v in s.events]
    return s


def live_search(strategy: str, seed: int, budget: int = BUDGET, on_progress: Callable[..., Any] | None = None) -> Search:
    """The same search with every trial trained now, from the table's seeds (`trial.LiveSource`);
    `on_progress(fraction, best-so-far array)` after every epoch. A Stop keeps what was trained."""
    s, source = Search(strategy, seed), trial.LiveSource()
    if on_progress is not None:
        source.on_epoch = lambda: on_progress(source.epochs_trained / budget,
                                              np.maximum.accumulate(source.trained))
    start = time.perf_counter()
    try:
        run_search(strategy, seed, source, budget, into=s)
    except Exception as err:  # the UI's Stop, recognised by name (demos/ never imports the UI)
        if type(err).__name__ != "Stopped":
            raise
        s.stopped = True
        _drop_untrained(s)
    s.seconds = time.perf_counter() - start
    return s


def reproduction_gap(s: Search, table: trial.Table) -> float:
    """Largest |live − committed| validation accuracy over every epoch the search trained."""
    gaps = [abs(s.curve(t) - table.curve(s.index[t], s.replicate[t], s.epochs[t])).max() for t in range(len(s.index))]
    return float(max(gaps, default=0.0))


def _tpe(run: _Runner, seed: int, rng: np.random.Generator) -> None:
    """Optuna's TPE sampler (its defaults: 10 random start-up trials) picks each trial's table indices."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.ERROR)
    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=seed))
    for _ in range(FULL_TRIALS):
        q = study.ask()
        index = trial.table_index(q.suggest_int("log_lr", 0, len(trial.LOG_LRS) - 1),
                                  q.suggest_int("width", 0, len(trial.WIDTHS) - 1),
                                  q.suggest_int("decay", 0, len(trial.DECAYS) - 1))
        value = run.advance(run.start(index, int(rng.integers(trial.REPLICATES))), trial.EPOCHS)
        if value is None:
            break
        study.tell(q, value)


def asha_stops(curves: Sequence[Sequence[float]], eta: int = ETA, min_resource: int = 1) -> list[int]:
    """Optuna's SuccessiveHalvingPruner rule, trials run one after another: at each rung epoch
    r = min_resource·η^k a trial goes on only if its value is among the best ⌊m/η⌋ of the m values
    reported at that rung so far, itself included (the best one while m < η). Returns the epoch each
    trial stopped at (its curve's length if never pruned)."""
    seen: list[list[float]] = []  # values reported at each rung so far
    stops = []
    for c in curves:
        stop, k = len(c), 0
        while min_resource * eta ** k <= len(c):
            r = min_resource * eta ** k
            value = c[r - 1]
            if len(seen) <= k:
                seen.append([])
            seen[k].append(value)
            rank = max(len(seen[k]) // eta, 1)
            if value < sorted(seen[k], reverse=True)[rank - 1]:
                stop = r
                break
            k += 1
        stops.append(stop)
    return stops
