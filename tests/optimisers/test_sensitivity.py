"""The learning-rate sweep (hand-written rules, all rates at once) against the race (torch.optim), and
its caption computed from the sweep."""
import math

import numpy as np
import pytest

from demos.optimisers import race, sensitivity
from tests.optimisers.helpers import NON_DEFAULT, runners_for


def test_the_learning_rate_sweep_agrees_with_the_race():
    start, tol = (-2.5, 2.0), 1e-6
    for name in ("momentum", "adam", "rmsprop"):
        hp = dict(NON_DEFAULT[name])
        lrs = (-2.0, -1.5, -1.0)
        sweep = sensitivity.sweep_lr("quadratic", name, tuple(sorted(hp.items())), lrs, start, 300, tol, kappa=30)
        for log_lr, steps in zip(lrs, sweep["steps_to_tol"]):
            runner = (name, tuple(sorted((hp | {"lr": 10 ** log_lr}).items())))
            rec = race.run("quadratic", (runner,), start, 300, kappa=30)
            got = race.results(rec, tol)[0].steps_to_tol
            assert (got is None and np.isnan(steps)) or got == steps


def test_a_working_range_with_holes_names_them():
    # the case: RMSprop on Himmelblau reached the tolerance from 0.01 to 3.2 but not at 0.32 or 0.56
    grid = np.arange(-2.0, 0.51, 0.25)  # 0.01 … 3.2, a quarter decade apart
    steps = np.array([50.0] * len(grid))
    steps[[6, 7]] = math.nan  # 10^-0.5 = 0.32 and 10^-0.25 = 0.56
    sweep = {"rmsprop": {"log_lr": grid, "steps_to_tol": steps, "final_gap": np.ones(len(grid))}}
    assert sensitivity.holes(sweep["rmsprop"]) == [-0.5, -0.25]
    assert "RMSprop 0.01 to 3.2 (2.50 decades) except 0.32 and 0.56." in sensitivity.sweep_caption(sweep, 1e-6)
    steps[3] = math.nan  # three holes: a list
    assert "(2.50 decades) except 0.056, 0.32 and 0.56." in sensitivity.sweep_caption(sweep, 1e-6)
    assert "except" not in sensitivity.sweep_caption({"rmsprop": {**sweep["rmsprop"], "steps_to_tol": np.full(len(grid), 5.0)}}, 1e-6)


@pytest.mark.parametrize("tol", [1e-6, 1e-3])
def test_the_sweep_caption_names_each_optimisers_working_range(tol):
    lrs = (-3.0, -2.0, -1.0, -0.75, 0.0)
    fractions = []
    sweeps = sensitivity.lr_sensitivity("quadratic", runners_for(["sgd", "adam"]), (-2.5, 2.0), 200, tol, kappa=30,
                                        log_lrs=lrs, on_progress=fractions.append)
    assert fractions == [0.5, 1.0]
    # SGD on λ_max = 10: stable below 0.2, so lr 1 diverges (NaN gap, a cross) and lr 0.001 is too slow
    assert np.isnan(sweeps["sgd"]["final_gap"][-1]) and np.isnan(sweeps["sgd"]["steps_to_tol"][0])
    span = sensitivity.working_decades(sweeps["sgd"])
    caption = sensitivity.sweep_caption(sweeps, tol)
    assert caption.startswith(f"Learning rates that reached f − f* ≤ 10{'⁻⁶' if tol == 1e-6 else '⁻³'} within the race")
    assert f"SGD {10 ** span[1]:.2g} to {10 ** span[2]:.2g} ({span[0]:.2f} decades)" in caption
    assert sensitivity.holes(sweeps["sgd"]) == [lr for lr, t in zip(lrs, sweeps["sgd"]["steps_to_tol"])
                                                if span[1] < lr < span[2] and np.isnan(t)]
    none = {"sgd": {"log_lr": np.array(lrs), "steps_to_tol": np.full(5, math.nan), "final_gap": np.ones(5)}}
    assert sensitivity.working_decades(none["sgd"]) is None and "SGD none." in sensitivity.sweep_caption(none, tol)
    fig = sensitivity.sweep_figure(sweeps, 200)
    assert list(fig.data[0].marker.symbol) == ["x" if not math.isfinite(g) else "circle-open" if math.isnan(t)
                                                else "circle" for t, g in zip(sweeps["sgd"]["steps_to_tol"],
                                                                              sweeps["sgd"]["final_gap"])]
    assert fig.data[0].y[0] == pytest.approx(200 * 1.15)  # "never" sits on the line above the race's length
