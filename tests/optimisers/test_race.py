"""The race against independent references: a plain torch.optim loop with autograd gradients, step for
step; determinism under its seed; the replay figure's frames; the results, table and captions."""
import numpy as np
import torch

from demos.optimisers import race, rules, surfaces
from tests.optimisers.helpers import NON_DEFAULT, runners_for


def test_the_race_runs_real_torch_optim_instances_step_for_step():
    names = list(rules.OPTIMISERS)
    rec = race.run("himmelblau", runners_for(names), (-0.3, -0.9), 120)
    paths = race.paths(rec)
    s = surfaces.surface("himmelblau")
    for name in names:  # an independent plain loop: one optimiser, autograd gradients
        w = torch.tensor([-0.3, -0.9], dtype=torch.float64, requires_grad=True)
        o = rules.TORCH_CLASS[name]([w], **NON_DEFAULT[name])
        for t in range(1, 121):
            o.zero_grad()
            s.f(w[0], w[1]).backward()
            o.step()
        assert np.allclose(paths[name][-1], w.detach().numpy(), rtol=1e-10, atol=1e-12), name


def test_races_are_deterministic_and_seeded():
    r = runners_for(["sgd", "adam"])
    one = race.run("noisy", r, (-2.0, 2.0), 80, kappa=10.0, batch=4, seed=1)
    two = race.run("noisy", r, (-2.0, 2.0), 80, kappa=10.0, batch=4, seed=1)
    other = race.run("noisy", r, (-2.0, 2.0), 80, kappa=10.0, batch=4, seed=2)
    assert all(np.array_equal(one.curves[k], two.curves[k]) for k in one.curves)
    assert not np.array_equal(one.curves["sgd:x"], other.curves["sgd:x"])
    full = race.run("noisy", r, (-2.0, 2.0), 80, kappa=10.0, batch=surfaces.NOISY_N)
    exact = race.run("quadratic", r, (-2.0, 2.0), 80, kappa=10.0)
    assert np.allclose(full.curves["sgd:x"], exact.curves["sgd:x"])  # B = N is the exact gradient


def test_a_recording_replays_in_the_browser_with_small_frames():
    rec = race.run("rosenbrock", runners_for(rules.OPTIMISERS), (-1.2, 1.0), 300)
    fig = race.race_figure(rec)
    assert len(fig.frames) == rec.n_frames == 60
    assert fig.layout.updatemenus[0].buttons[0].label == "▶ Play"
    assert all(len(f.data) == 3 for f in fig.frames)  # trail, heads, loss markers: 3 traces per frame
    last = fig.frames[-1].data[1]
    assert np.allclose(np.c_[last.x, last.y], [race.paths(rec)[n][-1] for n in rules.OPTIMISERS], atol=1e-5)
    assert fig.layout.height == 440 and race.race_figure(rec, 340).layout.height == 340
    assert race.cost_text(rec).startswith(f"7 torch.optim optimisers × 300 steps ran once on the server in "
                                          f"{rec.seconds:.2f} s")


def test_a_click_on_the_contour_grid_is_a_new_start_and_other_clicks_are_not():
    rec = race.run("rosenbrock", runners_for(["sgd", "adam"]), (-1.2, 1.0), 50)
    fig, s = race.race_figure(rec), surfaces.surface("rosenbrock")
    grid = fig.data[-1]  # the last trace: 41 × 41 invisible points over the plotted range
    assert len(grid.x) == race.CLICK_GRID ** 2 and grid.marker.opacity == 0
    assert (min(grid.x), max(grid.x), min(grid.y), max(grid.y)) == (*s.x_range, *s.y_range)
    assert np.allclose(np.asarray(grid.x) * 100, np.round(np.asarray(grid.x) * 100), atol=1e-3)  # 0.01 steps
    last = len(fig.data) - 1
    assert race.clicked_start({"curve_number": last, "x": 0.3000001, "y": -1.25}, fig) == (0.3, -1.25)
    assert race.clicked_start({"curve_number": 0, "x": 0.3, "y": -1.2}, fig) is None  # the contour itself
    assert race.clicked_start({"curve_number": last - 1, "x": 1.0, "y": 1.0}, fig) is None  # a path's dot
    assert all(len(f.data) == 3 for f in fig.frames)  # the grid never travels with a frame


def test_summary_counts_the_race():
    lmax = surfaces.LAMBDA_MAX
    runners = (("sgd", (("lr", 2.2 / lmax),)), ("momentum", (("lr", 0.02), ("momentum", 0.9))),
               ("adagrad", (("lr", 1e-4),)))
    rec = race.run("quadratic", runners, (-2.5, 2.0), 300, kappa=20.0)
    res = race.results(rec, 1e-6)
    text = race.race_caption(res, 1e-6, 300, surfaces.surface("quadratic", 20.0))
    assert text.startswith("In 300 steps 1 of 3 reached f − f* ≤ 10⁻⁶: Momentum")
    assert "Adagrad did not" in text and f"SGD diverged at step {res[0].diverged_at}" in text
    him = race.run("himmelblau", runners_for(["sgd", "adagrad", "rmsprop"]), (-0.3, -0.9), 200)
    ends = {r.nearest_minimum for r in race.results(him, 1e-6)}
    assert race.race_caption(race.results(him, 1e-6), 1e-6, 200, surfaces.surface("himmelblau")).endswith(
        f"they ended nearest to {len(ends)} of its 4 minima.")
    # a looser tolerance: Momentum reaches it sooner, the sentence names the new power of ten
    loose = race.race_caption(race.results(rec, 1e-2), 1e-2, 300, surfaces.surface("quadratic", 20.0))
    assert loose.startswith("In 300 steps ") and "f − f* ≤ 10⁻²" in loose and "diverged" in loose
    # the table: one row per runner, its settings, steps to the tolerance, where it ended
    table = race.results_table(res, runners, 1e-6)
    assert list(table["optimiser"]) == ["SGD", "Momentum", "Adagrad"]
    assert table["final f − f*"][0] == "diverged" and table["diverged at step"][0] == f"{res[0].diverged_at:,}"
    assert table["steps to f − f* ≤ 1e-06"][1] == f"{res[1].steps_to_tol:,}" and table["settings"][1] == "lr 0.02, momentum 0.9"
