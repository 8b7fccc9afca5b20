"""The quadratic's theory against closed forms and the race's own trajectories: spectral radii, the
stability limits, the best fixed settings (Polyak 1964); the rate table, figure and caption; the
notes that say why a runner diverged."""
import itertools
import math

import numpy as np
import pytest

from demos.optimisers import race, surfaces, theory


@pytest.mark.parametrize("kappa", [5.0, 50.0, 150.0])
def test_sgd_above_two_over_lambda_max_diverges_and_below_converges_at_the_predicted_rate(kappa):
    lmax, lmin = theory.eigenvalues(kappa)
    assert theory.stable_lr("sgd", 0.0, kappa) == pytest.approx(2 / lmax)
    for lr in (0.3 / lmax, 1.0 / lmax, 1.9 / lmax):
        rho = max(abs(1 - lr * lmax), abs(1 - lr * lmin))  # by hand: e ← (1 − ηλ) e per eigen-direction
        assert theory.predicted_rate("sgd", lr, 0.0, kappa) == pytest.approx(rho)
        rec = race.run("quadratic", (("sgd", (("lr", lr),)),), (-2.5, 2.0), 400, kappa=kappa)
        measured = theory.measured_rate(np.hypot(*race.paths(rec)["sgd"].T))
        assert measured == pytest.approx(rho, rel=0.05)
        assert race.results(rec, 1e-6)[0].diverged_at is None
    rec = race.run("quadratic", (("sgd", (("lr", 2.1 / lmax),)),), (-2.5, 2.0), 400, kappa=kappa)
    result = race.results(rec, 1e-6)[0]
    assert result.diverged_at is not None and result.steps_to_tol is None
    note = theory.divergence_note("sgd", {"lr": 2.1 / lmax}, result, surfaces.surface("quadratic", kappa), kappa,
                                  (-2.5, 2.0))
    assert f"{2 / lmax:.3g}" in note and "|1 − ηλ_max| = 1.10" in note


@pytest.mark.parametrize("name", ["momentum", "nesterov"])
def test_momentum_stability_limits_are_where_the_rate_crosses_one(name):
    for mu, kappa in itertools.product((0.0, 0.5, 0.9), (4.0, 80.0)):
        limit = theory.stable_lr(name, mu, kappa)
        assert theory.predicted_rate(name, 0.98 * limit, mu, kappa) < 1 < theory.predicted_rate(name, 1.02 * limit,
                                                                                                  mu, kappa)


@pytest.mark.parametrize("kappa", [10.0, 100.0])
def test_optimal_heavy_ball_settings_reach_the_sqrt_kappa_rate(kappa):
    best = theory.optimal(kappa)
    r = math.sqrt(kappa)
    assert theory.predicted_rate("sgd", best["gd_lr"], 0.0, kappa) == pytest.approx((kappa - 1) / (kappa + 1))
    assert theory.predicted_rate("momentum", best["hb_lr"], best["hb_mu"], kappa) == pytest.approx((r - 1) / (r + 1),
                                                                                                  rel=1e-6)
    rec = race.run("quadratic", (("momentum", (("lr", best["hb_lr"]), ("momentum", best["hb_mu"]))),), (-2.5, 2.0),
                   600, kappa=kappa)
    assert theory.measured_rate(np.hypot(*race.paths(rec)["momentum"].T)) == pytest.approx((r - 1) / (r + 1), rel=0.05)
    # any other momentum at that rate's learning rate is no better
    for mu in (0.1, 0.3, 0.95):
        assert theory.predicted_rate("momentum", best["hb_lr"], mu, kappa) >= (r - 1) / (r + 1) - 1e-9


@pytest.mark.parametrize("kappa", [1, 50, 200])
def test_best_settings_are_the_optimal_ones_on_the_sliders_grid(kappa):
    best, values = theory.optimal(kappa), theory.best_settings(kappa)
    # κ = 50: η* = 2/(10 + 0.2) = 0.196 → log10 = −0.71; heavy ball μ* = ((√50 − 1)/(√50 + 1))² = 0.567 → 0.57
    assert values["lr_sgd"] == round(math.log10(2 / (10 + 10 / kappa)), 2)
    assert values["lr_mom"] == round(math.log10(best["hb_lr"]), 2) and values["mu_mom"] == round(best["hb_mu"], 2)
    assert values["on_sgd"] is True and values["on_mom"] is True and len(values) == 5
    assert theory.facts(kappa).startswith(f"λ_max = **10**, λ_min = **{10 / kappa:.3g}**, κ = **{kappa:g}**")
    assert f"rate (√κ − 1)/(√κ + 1) = **{best['hb_rate']:.3f}**" in theory.facts(kappa)
    if kappa == 50:
        assert values["lr_sgd"] == -0.71 and values["mu_mom"] == 0.57


def test_theory_table_and_sentence_use_the_race():
    kappa = 30.0
    runners = (("sgd", (("lr", 0.12),)), ("momentum", (("lr", 0.03), ("momentum", 0.8))))
    rec = race.run("quadratic", runners, (-2.5, 2.0), 400, kappa=kappa)
    rows = theory.rates(rec, dict(runners), kappa, ["sgd", "momentum"])
    assert rows[0]["predicted ρ"] == pytest.approx(max(abs(1 - 0.12 * 10), abs(1 - 0.12 * 10 / kappa)))
    assert all(abs(r["difference"]) < 0.05 for r in rows)
    sentence = theory.rates_caption(rows)
    assert f"{rows[0]['predicted ρ']:.4f}" in sentence and f"{rows[1]['measured ρ']:.4f}" in sentence
    assert theory.rates(rec, dict(runners), kappa) == rows  # by default: the linear optimisers in the race
    fig = theory.rates_figure(rec, rows)  # measured and predicted per runner, predicted = d₀ρᵗ
    assert [t.name for t in fig.data] == ["SGD measured", "SGD predicted ρᵗ", "Momentum measured",
                                          "Momentum predicted ρᵗ"]
    d0 = math.hypot(-2.5, 2.0)
    assert fig.data[1].y[10] == pytest.approx(d0 * rows[0]["predicted ρ"] ** 10)
    assert theory.rates_table(rows)["predicted ρ"][0] == f"{rows[0]['predicted ρ']:.4f}"
    # an unstable runner: ρ > 1 is named in the caption
    fast = (("sgd", (("lr", 0.21),)),)
    rows = theory.rates(race.run("quadratic", fast, (-2.5, 2.0), 100, kappa=kappa), dict(fast), kappa)
    assert theory.rates_caption(rows).endswith("ρ > 1 for SGD: the distance grows by that factor every step.")
    assert theory.rates(rec, {"adam": (("lr", 0.1),)}, kappa) == []  # no linear runner: nothing to predict


def test_theory_copes_with_a_one_step_convergence():
    # κ = 1 and η = 1/λ: every direction is solved in one step, ρ = 0 and no rate can be fitted
    runners = (("sgd", (("lr", 1 / surfaces.LAMBDA_MAX),)),)
    rec = race.run("quadratic", runners, (-2.5, 2.0), 50, kappa=1.0)
    rows = theory.rates(rec, dict(runners), 1.0, ["sgd"])
    assert rows[0]["predicted ρ"] == pytest.approx(0, abs=1e-12) and math.isnan(rows[0]["difference"])
    assert "too fast to measure a rate" in theory.rates_caption(rows)
    assert theory.rates_table(rows)["difference"][0] == "—"


def test_divergence_notes_say_why_with_this_runs_numbers():
    runners = (("sgd", (("lr", 0.25),)), ("momentum", (("lr", 0.5), ("momentum", 0.9))), ("adam", (("lr", 0.1),)))
    rec = race.run("quadratic", runners, (-2.5, 2.0), 200, kappa=50.0)
    results, s = race.results(rec, 1e-6), surfaces.surface("quadratic", 50.0)
    notes = theory.divergence_notes(results, runners, s, 50.0, (-2.5, 2.0))
    assert len(notes) == 2  # SGD above 2/λ_max = 0.2 and momentum above 2(1 + μ)/λ_max = 0.38; Adam stays
    assert notes[0].startswith("SGD diverged at step") and "stability limit 0.2 = 2/λ_max" in notes[0]
    assert "limit 0.38 = 2(1 + μ)/λ_max" in notes[1] and "spectral radius is" in notes[1]
    one = theory.divergence_notes(results, runners, s, 50.0, (-2.5, 2.0), one=True)
    assert one == [notes[0] + " (1 more diverged.)"]  # a slide shows one note
    # off the quadratic: the local stability limit at the start point
    ros = (("sgd", (("lr", 0.01),)),)
    result = race.results(race.run("rosenbrock", ros, (-1.2, 1.0), 100), 1e-6)
    limit = surfaces.local_stable_lr(surfaces.surface("rosenbrock"), -1.2, 1.0)
    (note,) = theory.divergence_notes(result, ros, surfaces.surface("rosenbrock"), 50.0, (-1.2, 1.0))
    assert note.endswith(f"2/λ_max(∇²f) = {limit:.3g} (this run: 0.01).")
