"""The 2-D loss surfaces against autograd (their gradients), their minima, the quadratic's condition
number, the noisy quadratic's data, every surface's preset race, and the switch-to buttons' values."""
import math

import numpy as np
import pytest
import torch

from demos.optimisers import race, rules, surfaces


@pytest.mark.parametrize("name", list(surfaces.SURFACES))
def test_surface_gradients_equal_autograd_and_minima_are_stationary(name):
    s = surfaces.surface(name, kappa=17.0)
    rng = np.random.default_rng(0)
    for x, y in rng.uniform([s.x_range[0], s.y_range[0]], [s.x_range[1], s.y_range[1]], (5, 2)):
        w = torch.tensor([x, y], dtype=torch.float64, requires_grad=True)
        (g,) = torch.autograd.grad(s.f(w[0], w[1]), w)
        assert np.allclose(s.grad(x, y), g.numpy(), rtol=1e-10)
    for m in s.minima:
        assert s.f(*m) == pytest.approx(s.f_min, abs=1e-9)
        assert np.hypot(*s.grad(*m)) < 1e-4


@pytest.mark.parametrize("name", list(surfaces.SURFACES))
def test_every_surfaces_preset_race_stays_on_the_plane(name):
    preset = surfaces.PRESETS[name]
    runners = rules.runners(dict.fromkeys(rules.OPTIMISERS, True), preset)
    rec = race.run(name, runners, (preset["x0"], preset["y0"]), 500, kappa=50.0, batch=16)
    results = race.results(rec, 1e-6)
    assert all(r.diverged_at is None for r in results), name  # a fresh surface opens without a warning
    s = surfaces.surface(name, 50.0)
    assert all(r.final_gap < s.f(preset["x0"], preset["y0"]) - s.f_min for r in results)  # everyone went down


def test_the_quadratics_hessian_has_the_requested_condition_number():
    a, b, c = surfaces.surface("quadratic", kappa=40.0).hessian
    lam = np.linalg.eigvalsh([[a, b], [b, c]])
    assert lam[1] == pytest.approx(surfaces.LAMBDA_MAX) and lam[1] / lam[0] == pytest.approx(40.0)


def test_the_noisy_quadratic_is_the_quadratic_on_average():
    data = surfaces.noisy_data(25.0, seed=3)
    a, b, c = surfaces.surface("noisy", 25.0).hessian
    assert np.allclose(data.x.T @ data.x / len(data.y), [[a, b], [b, c]])
    assert np.allclose(data.x.T @ data.y, 0, atol=1e-9)  # the full-batch gradient vanishes at w = 0
    assert data.y.std() == pytest.approx(1.0)
    rows = np.arange(0, 256, 3)  # a mini-batch's gradient is the mean of xᵢ(xᵢᵀw − yᵢ) over its rows
    w = np.array([[0.3, -1.2]])
    by_hand = np.mean([x * (x @ w[0] - y) for x, y in zip(data.x[rows], data.y[rows])], axis=0)
    assert np.allclose(surfaces.gradients(None, data, w, rows)[0], by_hand)


def test_the_local_stability_limit_is_two_over_the_largest_curvature():
    s = surfaces.surface("quadratic", 30.0)
    assert surfaces.local_stable_lr(s, 0.7, -1.1) == pytest.approx(2 / surfaces.LAMBDA_MAX, rel=1e-6)
    # Rosenbrock at (−1.2, 1): Hessian [[2 − 400(y − 3x²), −400x], [−400x, 200]], by hand
    x, y = -1.2, 1.0
    lmax = np.linalg.eigvalsh([[2 - 400 * (y - 3 * x * x), -400 * x], [-400 * x, 200]])[-1]
    assert surfaces.local_stable_lr(surfaces.surface("rosenbrock"), x, y) == pytest.approx(2 / lmax, rel=1e-6)
    # the saddle f = x²/2 + y⁴/4 − y²/2 at (0, 0): Hessian diag(1, −1), so λ_max = 1; where every
    # curvature is negative there is no limit
    assert surfaces.local_stable_lr(surfaces.surface("saddle"), 0.0, 0.0) == pytest.approx(2.0, rel=1e-6)
    assert math.isinf(surfaces.local_stable_lr(surfaces.surface("himmelblau"), -0.270845, -0.923039))  # its maximum


def test_choosing_a_surface_sets_it_with_its_start_and_settings():
    values = surfaces.choose("quadratic")
    assert values["surface"] == "quadratic" and values["x0"] == -2.5 and values["lr_sgd"] == -0.8
    assert set(values) == {"surface"} | set(surfaces.PRESETS["rosenbrock"])
    assert all(set(p) == set(surfaces.PRESETS["quadratic"]) for p in surfaces.PRESETS.values())
