"""The tuning page's lesson answers (`## Lesson` in pages/20_tuning.md, format: ui/lesson_data.py): each
function takes a beat's URL parameters (strings; missing ones take the page's defaults, read here the way
the page reads them) and computes the right choice from the same search the hero shows."""
from __future__ import annotations

from typing import Mapping

from demos.tuning import hero, search, trial

DEFAULTS = {"strategy": "Successive halving", "budget": search.BUDGET, "seed": 0}


def view(params: Mapping[str, str]) -> tuple[search.Search, int]:
    """The search a view shows, and its budget."""
    p = {k: params.get(k, v) for k, v in DEFAULTS.items()}
    budget = int(p["budget"])
    return search.run_search(str(p["strategy"]), int(p["seed"]), trial.committed_table(), budget), budget


def _rates(s: search.Search) -> int:
    configs = trial.all_configs()
    return len({configs[i].log_lr for i in s.index})


def distinct_learning_rates(params: Mapping[str, str]) -> str:
    """How many distinct learning rates the view's search tried."""
    return str(_rates(view(params)[0]))


def more_rates_than_grid(params: Mapping[str, str]) -> str:
    """"Yes" when the view's search tries more distinct learning rates than the grid at its budget."""
    s, budget = view(params)
    grid = search.run_search("Grid", s.seed, trial.committed_table(), budget)
    return "Yes" if _rates(s) > _rates(grid) else "No"


def trials_started(params: Mapping[str, str]) -> str:
    """How many trials the view's search started."""
    return str(len(view(params)[0].index))


def _higher_median(params: Mapping[str, str], a: str, b: str) -> str:
    """Which of strategies `a` and `b` has the higher median best-so-far over the band's seeds at the
    view's budget ("Equal" on a tie)."""
    _, budget = view(params)
    band = hero.committed_band() or hero.compute_band()
    m = hero.medians_at(band, budget)
    return "Equal" if m[a] == m[b] else a if m[a] > m[b] else b


def halving_or_random(params: Mapping[str, str]) -> str:
    return _higher_median(params, "Successive halving", "Random")


def hyperband_or_halving(params: Mapping[str, str]) -> str:
    return _higher_median(params, "Hyperband", "Successive halving")


def test_below_validation(params: Mapping[str, str]) -> str:
    """"Yes" when the winner's held-out test accuracy is below its validation accuracy."""
    s, _ = view(params)
    t, epoch = s.winner()
    test = float(trial.committed_table().test[s.index[t], s.replicate[t], epoch - 1])
    return "Yes" if test < s.events_value(t, epoch) else "No"
