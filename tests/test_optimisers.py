"""Optimisers against independent references: torch.optim (the hand-written update rules, step by step),
torch.optim.lr_scheduler (the schedules), autograd (the surfaces' gradients), closed-form convergence
rates on the quadratic, torch's DataLoader (iterations per epoch), exact enumeration (mini-batch
variance), a known random-matrix value; determinism; and the page driven by AppTest."""
import itertools
import math

import numpy as np
import pytest
import torch

from conftest import captions, open_page, plotly_specs
from demos import optimisers as opt
from demos import training_dynamics as td

pytestmark = pytest.mark.filterwarnings("ignore")
PAGE = "pages/07_optimisers.py"
NON_DEFAULT = {  # each optimiser with settings away from torch's defaults, so every term matters
    "sgd": {"lr": 1e-3},
    "momentum": {"lr": 7e-4, "momentum": 0.8},
    "nesterov": {"lr": 5e-4, "momentum": 0.95, "nesterov": True},
    "adagrad": {"lr": 0.3},
    "rmsprop": {"lr": 0.01, "alpha": 0.9},
    "adam": {"lr": 0.05, "betas": (0.8, 0.99)},
    "adamw": {"lr": 0.05, "betas": (0.85, 0.995), "weight_decay": 0.3},
}


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    """These models are tiny: one intra-op thread avoids OpenMP's spin-waiting on a shared 2-core host
    (see the design notes) and is restored afterwards."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def runners_for(names, **overrides):
    return tuple((n, tuple(sorted((NON_DEFAULT[n] | overrides.get(n, {})).items()))) for n in names)


# ------------------------------------------------------------------ update rules = torch.optim
@pytest.mark.parametrize("name", list(opt.OPTIMISERS))
def test_hand_written_update_equals_torch_optim_over_100_steps(name):
    s = opt.surface("rosenbrock")  # curved: any difference in a rule would grow along the path
    hp = NON_DEFAULT[name]
    w_torch = torch.tensor([-1.2, 1.0], dtype=torch.float64, requires_grad=True)
    torch_opt = opt.TORCH_CLASS[name]([w_torch], **hp)
    w_hand, state = torch.tensor([-1.2, 1.0], dtype=torch.float64), {}
    for _ in range(100):
        w_torch.grad = torch.tensor(s.grad(*w_torch.tolist()), dtype=torch.float64)
        torch_opt.step()
        w_hand = opt.update(name, w_hand, torch.tensor(s.grad(*w_hand.tolist()), dtype=torch.float64), state, hp)
        assert torch.allclose(w_hand, w_torch.detach(), rtol=1e-12, atol=1e-14)
    assert not torch.equal(w_hand, torch.tensor([-1.2, 1.0], dtype=torch.float64))


def test_the_race_runs_real_torch_optim_instances_step_for_step():
    names = list(opt.OPTIMISERS)
    rec = opt.race("himmelblau", runners_for(names), (-0.3, -0.9), 120)
    paths = opt.paths(rec)
    s = opt.surface("himmelblau")
    for name in names:  # an independent plain loop: one optimiser, autograd gradients
        w = torch.tensor([-0.3, -0.9], dtype=torch.float64, requires_grad=True)
        o = opt.TORCH_CLASS[name]([w], **NON_DEFAULT[name])
        for t in range(1, 121):
            o.zero_grad()
            s.f(w[0], w[1]).backward()
            o.step()
        assert np.allclose(paths[name][-1], w.detach().numpy(), rtol=1e-10, atol=1e-12), name


def test_the_learning_rate_sweep_agrees_with_the_race():
    start, tol = (-2.5, 2.0), 1e-6
    for name in ("momentum", "adam", "rmsprop"):
        hp = dict(NON_DEFAULT[name])
        lrs = (-2.0, -1.5, -1.0)
        sweep = opt.sweep_lr("quadratic", name, tuple(sorted(hp.items())), lrs, start, 300, tol, kappa=30)
        for log_lr, steps in zip(lrs, sweep["steps_to_tol"]):
            runner = (name, tuple(sorted((hp | {"lr": 10 ** log_lr}).items())))
            rec = opt.race("quadratic", (runner,), start, 300, kappa=30)
            got = opt.results(rec, tol)[0].steps_to_tol
            assert (got is None and np.isnan(steps)) or got == steps


# ------------------------------------------------------------------ surfaces
@pytest.mark.parametrize("name", list(opt.SURFACES))
def test_surface_gradients_equal_autograd_and_minima_are_stationary(name):
    s = opt.surface(name, kappa=17.0)
    rng = np.random.default_rng(0)
    for x, y in rng.uniform([s.x_range[0], s.y_range[0]], [s.x_range[1], s.y_range[1]], (5, 2)):
        w = torch.tensor([x, y], dtype=torch.float64, requires_grad=True)
        (g,) = torch.autograd.grad(s.f(w[0], w[1]), w)
        assert np.allclose(s.grad(x, y), g.numpy(), rtol=1e-10)
    for m in s.minima:
        assert s.f(*m) == pytest.approx(s.f_min, abs=1e-9)
        assert np.hypot(*s.grad(*m)) < 1e-4


@pytest.mark.parametrize("name", list(opt.SURFACES))
def test_every_surfaces_preset_race_stays_on_the_plane(name):
    preset = opt.PRESETS[name]
    runners = tuple((n, tuple(sorted(opt.settings(n, preset).items()))) for n in opt.OPTIMISERS)
    rec = opt.race(name, runners, (preset["x0"], preset["y0"]), 500, kappa=50.0, batch=16)
    results = opt.results(rec, 1e-6)
    assert all(r.diverged_at is None for r in results), name  # a fresh surface opens without a warning
    s = opt.surface(name, 50.0)
    assert all(r.final_gap < s.f(preset["x0"], preset["y0"]) - s.f_min for r in results)  # everyone went down


def test_the_quadratics_hessian_has_the_requested_condition_number():
    a, b, c = opt.surface("quadratic", kappa=40.0).hessian
    lam = np.linalg.eigvalsh([[a, b], [b, c]])
    assert lam[1] == pytest.approx(opt.LAMBDA_MAX) and lam[1] / lam[0] == pytest.approx(40.0)


def test_the_noisy_quadratic_is_the_quadratic_on_average():
    data = opt.noisy_data(25.0, seed=3)
    a, b, c = opt.surface("noisy", 25.0).hessian
    assert np.allclose(data.x.T @ data.x / len(data.y), [[a, b], [b, c]])
    assert np.allclose(data.x.T @ data.y, 0, atol=1e-9)  # the full-batch gradient vanishes at w = 0
    assert data.y.std() == pytest.approx(1.0)


def test_races_are_deterministic_and_seeded():
    r = runners_for(["sgd", "adam"])
    one = opt.race("noisy", r, (-2.0, 2.0), 80, kappa=10.0, batch=4, seed=1)
    two = opt.race("noisy", r, (-2.0, 2.0), 80, kappa=10.0, batch=4, seed=1)
    other = opt.race("noisy", r, (-2.0, 2.0), 80, kappa=10.0, batch=4, seed=2)
    assert all(np.array_equal(one.curves[k], two.curves[k]) for k in one.curves)
    assert not np.array_equal(one.curves["sgd:x"], other.curves["sgd:x"])
    full = opt.race("noisy", r, (-2.0, 2.0), 80, kappa=10.0, batch=opt.NOISY_N)
    exact = opt.race("quadratic", r, (-2.0, 2.0), 80, kappa=10.0)
    assert np.allclose(full.curves["sgd:x"], exact.curves["sgd:x"])  # B = N is the exact gradient


def test_a_recording_replays_in_the_browser_with_small_frames():
    rec = opt.race("rosenbrock", runners_for(opt.OPTIMISERS), (-1.2, 1.0), 300)
    fig = opt.race_figure(rec)
    assert len(fig.frames) == rec.n_frames == 60
    assert fig.layout.updatemenus[0].buttons[0].label == "▶ Play"
    assert all(len(f.data) == 3 for f in fig.frames)  # trail, heads, loss markers: 3 traces per frame
    last = fig.frames[-1].data[1]
    assert np.allclose(np.c_[last.x, last.y], [opt.paths(rec)[n][-1] for n in opt.OPTIMISERS], atol=1e-5)


# ------------------------------------------------------------------ theory on the quadratic
@pytest.mark.parametrize("kappa", [5.0, 50.0, 150.0])
def test_sgd_above_two_over_lambda_max_diverges_and_below_converges_at_the_predicted_rate(kappa):
    lmax, lmin = opt.eigenvalues(kappa)
    assert opt.stable_lr("sgd", 0.0, kappa) == pytest.approx(2 / lmax)
    for lr in (0.3 / lmax, 1.0 / lmax, 1.9 / lmax):
        rho = max(abs(1 - lr * lmax), abs(1 - lr * lmin))  # by hand: e ← (1 − ηλ) e per eigen-direction
        assert opt.predicted_rate("sgd", lr, 0.0, kappa) == pytest.approx(rho)
        rec = opt.race("quadratic", (("sgd", (("lr", lr),)),), (-2.5, 2.0), 400, kappa=kappa)
        measured = opt.measured_rate(np.hypot(*opt.paths(rec)["sgd"].T))
        assert measured == pytest.approx(rho, rel=0.05)
        assert opt.results(rec, 1e-6)[0].diverged_at is None
    rec = opt.race("quadratic", (("sgd", (("lr", 2.1 / lmax),)),), (-2.5, 2.0), 400, kappa=kappa)
    result = opt.results(rec, 1e-6)[0]
    assert result.diverged_at is not None and result.steps_to_tol is None
    note = opt.divergence_note("sgd", {"lr": 2.1 / lmax}, result, opt.surface("quadratic", kappa), kappa, (-2.5, 2.0))
    assert f"{2 / lmax:.3g}" in note and "|1 − ηλ_max| = 1.10" in note


@pytest.mark.parametrize("name", ["momentum", "nesterov"])
def test_momentum_stability_limits_are_where_the_rate_crosses_one(name):
    for mu, kappa in itertools.product((0.0, 0.5, 0.9), (4.0, 80.0)):
        limit = opt.stable_lr(name, mu, kappa)
        assert opt.predicted_rate(name, 0.98 * limit, mu, kappa) < 1 < opt.predicted_rate(name, 1.02 * limit, mu, kappa)


@pytest.mark.parametrize("kappa", [10.0, 100.0])
def test_optimal_heavy_ball_settings_reach_the_sqrt_kappa_rate(kappa):
    best = opt.optimal(kappa)
    r = math.sqrt(kappa)
    assert opt.predicted_rate("sgd", best["gd_lr"], 0.0, kappa) == pytest.approx((kappa - 1) / (kappa + 1))
    assert opt.predicted_rate("momentum", best["hb_lr"], best["hb_mu"], kappa) == pytest.approx((r - 1) / (r + 1),
                                                                                            rel=1e-6)
    rec = opt.race("quadratic", (("momentum", (("lr", best["hb_lr"]), ("momentum", best["hb_mu"]))),), (-2.5, 2.0),
                   600, kappa=kappa)
    assert opt.measured_rate(np.hypot(*opt.paths(rec)["momentum"].T)) == pytest.approx((r - 1) / (r + 1), rel=0.05)
    # any other momentum at that rate's learning rate is no better
    for mu in (0.1, 0.3, 0.95):
        assert opt.predicted_rate("momentum", best["hb_lr"], mu, kappa) >= (r - 1) / (r + 1) - 1e-9


def test_theory_table_and_sentence_use_the_race():
    kappa = 30.0
    runners = (("sgd", (("lr", 0.12),)), ("momentum", (("lr", 0.03), ("momentum", 0.8))))
    rec = opt.race("quadratic", runners, (-2.5, 2.0), 400, kappa=kappa)
    rows = opt.theory_table(rec, dict(runners), kappa, ["sgd", "momentum"])
    assert rows[0]["predicted ρ"] == pytest.approx(max(abs(1 - 0.12 * 10), abs(1 - 0.12 * 10 / kappa)))
    assert all(abs(r["difference"]) < 0.05 for r in rows)
    sentence = opt.theory_sentence(rows)
    assert f"{rows[0]['predicted ρ']:.4f}" in sentence and f"{rows[1]['measured ρ']:.4f}" in sentence


def test_theory_copes_with_a_one_step_convergence():
    # κ = 1 and η = 1/λ: every direction is solved in one step, ρ = 0 and no rate can be fitted
    runners = (("sgd", (("lr", 1 / opt.LAMBDA_MAX),)),)
    rec = opt.race("quadratic", runners, (-2.5, 2.0), 50, kappa=1.0)
    rows = opt.theory_table(rec, dict(runners), 1.0, ["sgd"])
    assert rows[0]["predicted ρ"] == pytest.approx(0, abs=1e-12) and math.isnan(rows[0]["difference"])
    assert "too fast to measure a rate" in opt.theory_sentence(rows)
    assert opt.theory_rows_table(rows)["difference"][0] == "—"


# ------------------------------------------------------------------ Adam's bias correction
@pytest.mark.parametrize("scale", [1e-4, 1e-2, 1.0, 1e2, 1e4])
def test_adams_first_step_is_the_learning_rate_whatever_the_gradient_scale(scale):
    w = torch.zeros(3, dtype=torch.float64, requires_grad=True)
    adam = torch.optim.Adam([w], lr=0.07)
    w.grad = torch.tensor([scale, -3 * scale, 0.5 * scale], dtype=torch.float64)
    adam.step()
    assert torch.allclose(w.detach().abs(), torch.full((3,), 0.07, dtype=torch.float64), rtol=1e-3)
    sizes = opt.adam_step_sizes(0.07, (0.9, 0.999), steps=5, scale=scale)
    assert sizes["adam"][0] == pytest.approx(0.07, rel=1e-3)
    # without correction, step 1 is η m/(√v + ε) = η (1 − β₁) g / (g √(1 − β₂) + ε) ≈ 3.162 η
    assert sizes["uncorrected"][0] == pytest.approx(0.07 * 0.1 * scale / (scale * math.sqrt(0.001) + 1e-8), rel=1e-9)


# ------------------------------------------------------------------ schedules = torch.optim.lr_scheduler
@pytest.mark.parametrize("name", list(td.SCHEDULES))
@pytest.mark.parametrize("total", [30, 110, 333])
def test_schedule_formulas_equal_torch_lr_scheduler(name, total):
    lr = 0.2
    torch_values = td.schedule_lrs(name, lr, total)
    hand = np.array([td.schedule_formula(name, lr, t, total) for t in range(total)])
    assert np.allclose(hand, torch_values, rtol=1e-9, atol=1e-12)


def test_schedules_have_their_shapes():
    total, lr = 100, 0.1
    v = {k: td.schedule_lrs(k, lr, total) for k in td.SCHEDULES}
    assert np.all(v["constant"] == lr)
    assert v["step"][33] == pytest.approx(lr) and v["step"][34] == pytest.approx(lr / 10)
    assert v["exponential"][-1] == pytest.approx(lr * 0.01 ** (99 / 100))
    assert v["warmup_cosine"][0] == pytest.approx(lr * 0.01) and v["warmup_cosine"].max() == pytest.approx(lr)
    assert v["onecycle"][0] == pytest.approx(lr / 25) and np.argmax(v["onecycle"]) == 29


# ------------------------------------------------------------------ batches, epochs, gradient noise
@pytest.mark.parametrize("n,batch", [(3500, 32), (5000, 100), (10, 3), (7, 7), (7, 1)])
def test_iterations_per_epoch_equals_a_dataloaders_length(n, batch):
    from torch.utils.data import DataLoader
    for drop_last in (False, True):
        assert td.iterations_per_epoch(n, batch, drop_last) == len(DataLoader(range(n), batch, drop_last=drop_last))
    assert td.iterations_per_epoch(5000, 100) == 50  # the seed's worked example: 50 batches, not 100


def test_mini_batch_variance_formula_by_exact_enumeration():
    # N = 6 per-example gradients; every batch of B drawn without replacement, enumerated exactly
    rng = np.random.default_rng(0)
    g = rng.normal(size=(6, 3))
    mean = g.mean(0)
    sigma2 = np.mean(np.sum((g - mean) ** 2, 1))
    for b in range(1, 7):
        errs = [np.sum((g[list(rows)].mean(0) - mean) ** 2) for rows in itertools.combinations(range(6), b)]
        assert np.mean(errs) == pytest.approx(sigma2 / b * (6 - b) / 5)


def test_per_example_gradient_norms_equal_torch_func(mnist):
    from torch.func import functional_call, grad, vmap
    model = td.tiny_mlp(3)
    x, y = mnist.train_images[:40], mnist.train_labels[:40]
    params = {k: v.detach() for k, v in model.named_parameters()}
    def loss(p, xi, yi):
        return torch.nn.functional.cross_entropy(functional_call(model, p, (xi[None],)), yi[None])

    per = vmap(grad(loss), in_dims=(None, 0, 0))(params, x, y)
    reference = sum(v.reshape(len(x), -1).pow(2).sum(1) for v in per.values())
    assert torch.allclose(td.per_example_sq_norms(model, x, y), reference, rtol=1e-4)


def test_gradient_noise_on_digits_falls_like_one_over_b():
    noise = td.gradient_noise(0, batch_sizes=(1, 16, 256), draws=24)  # 24 draws: ±~30 % Monte Carlo noise
    assert noise["n"] == 3500 and noise["sigma2"] > 0
    assert np.all(np.abs(noise["measured"] / noise["theory"] - 1) < 0.45)
    assert noise["measured"][0] / noise["measured"][2] > 100


@pytest.fixture(scope="module")
def small_batch_run():
    return td.batch_size_experiment(1, 0.05, 0, batch_sizes=(16, 128, td.FULL), max_seconds=0.3)


def test_batch_size_runs_count_updates_as_ceil_n_over_b(small_batch_run):
    run = small_batch_run
    assert run["n"] == 3500  # the validation split's fit part: the held-out test digits are never used
    for r, b in zip(run["equal_epochs"], (16, 128, 3500)):
        assert r["batch"] == b and r["updates"][-1] == math.ceil(3500 / b)
        assert r["epochs"][-1] == pytest.approx(1)  # samples seen / N, the short last batch included
        assert 0 <= r["val_acc"][-1] <= 1
    assert run["equal_epochs"][0]["val_acc"][-1] > run["equal_epochs"][2]["val_acc"][-1]  # 219 updates beat 1
    for r in run["equal_time"]:
        assert r["seconds"][-1] == pytest.approx(run["budget"], rel=0.5)
    assert "⌈3,500/16⌉ = **219**" in td.iterations_text(run)
    assert "B = 16: 219 updates" in td.batch_sentence(run, "equal_epochs")


# ------------------------------------------------------------------ feature scaling, saddles, LR range test
def test_standardising_the_feature_makes_the_loss_round():
    runs = td.scaling_runs(10.0, 2.0, 1e-6, max_steps=2000)
    raw, std = runs["raw"], runs["standardised"]
    assert std["kappa"] == pytest.approx(1.0) and std["steps"] == 1  # Hessian = I and η = 1: one Newton step
    assert raw["kappa"] > 1000 and raw["steps"] is None and raw["predicted"] > 2000
    h, best = raw["hessian"], raw["optimum"]
    w = np.zeros(2)  # plain gradient descent by hand: w ← w − η H (w − w*)
    for t in range(1, 51):
        w = w - raw["lr"] * h @ (w - best)
        assert np.allclose(raw["path"][t], w)
    small = td.scaling_runs(0.0, 1.0, 1e-6)  # an already centred, unit-spread feature needs few steps
    assert small["raw"]["steps"] <= 5


def test_random_critical_points_are_mostly_saddles():
    fr = td.minima_fraction(dims=(1, 2, 3, 6), samples=20000, seed=1)
    # GOE: P(all eigenvalues > 0) is 1/2 for n = 1 and (2 − √2)/4 ≈ 0.146 for n = 2
    assert fr["minima"][0] == pytest.approx(0.5, abs=0.015)
    assert fr["minima"][1] == pytest.approx((2 - math.sqrt(2)) / 4, abs=0.012)
    assert fr["minima"][2] < fr["minima"][1] and fr["minima"][3] < 1e-3
    assert np.allclose(fr["index"], 0.5, atol=0.02)
    assert "0.00%" not in td.minima_sentence(fr)


def test_lr_range_test_grows_the_rate_and_suggests_one_inside_it():
    test = td.lr_range_test(0, steps=120)
    assert np.allclose(np.diff(np.log(test["lr"])), math.log(1e5) / 119)
    assert test["lr"][0] <= test["suggested"] <= test["min_loss_lr"]
    assert test["smooth"][np.searchsorted(test["lr"], test["min_loss_lr"])] < test["smooth"][0]


# ------------------------------------------------------------------ sentences
def test_summary_counts_the_race():
    lmax = opt.LAMBDA_MAX
    runners = (("sgd", (("lr", 2.2 / lmax),)), ("momentum", (("lr", 0.02), ("momentum", 0.9))),
               ("adagrad", (("lr", 1e-4),)))
    rec = opt.race("quadratic", runners, (-2.5, 2.0), 300, kappa=20.0)
    res = opt.results(rec, 1e-6)
    text = opt.summary(res, 1e-6, 300, opt.surface("quadratic", 20.0))
    assert text.startswith("In 300 steps 1 of 3 reached f − f* ≤ 10⁻⁶: Momentum")
    assert "Adagrad did not" in text and f"SGD diverged at step {res[0].diverged_at}" in text
    him = opt.race("himmelblau", runners_for(["sgd", "adagrad", "rmsprop"]), (-0.3, -0.9), 200)
    ends = {r.nearest_minimum for r in opt.results(him, 1e-6)}
    assert opt.summary(opt.results(him, 1e-6), 1e-6, 200, opt.surface("himmelblau")).endswith(
        f"they ended nearest to {len(ends)} of its 4 minima.")


# ------------------------------------------------------------------ the page
@pytest.fixture(scope="module")
def page():
    return open_page(PAGE, timeout=120)


def expected_caption(at, name="quadratic", kappa=50, steps=500, tol=1e-6, batch=256, seed=0):
    values = {k: at.session_state[k] for k in opt.PRESETS[name]}
    on = {n: at.toggle(key=k).value for n, k in zip(opt.OPTIMISERS, ("on_sgd", "on_mom", "on_nag", "on_ada", "on_rms",
                                                                       "on_adam", "on_adamw"))}
    runners = tuple((n, tuple(sorted(opt.settings(n, values).items()))) for n in opt.OPTIMISERS if on[n])
    rec = opt.race(name, runners, (values["x0"], values["y0"]), steps, float(kappa), batch, seed)
    return opt.summary(opt.results(rec, tol), tol, steps, opt.surface(name, kappa))


def test_page_races_the_optimisers_and_says_who_won(page):
    assert not page.exception
    assert captions(page)[0] == expected_caption(page)
    spec = plotly_specs(page)[0]
    assert len(spec["frames"]) == 60 and spec["layout"]["updatemenus"][0]["buttons"][0]["label"] == "▶ Play"
    assert any("ran once on the server" in m.value for m in page.markdown)


def test_condition_number_and_tolerance_move_the_caption(page):
    page.slider(key="kappa").set_value(120).run()
    page.slider(key="tol").set_value(-3).run()
    assert not page.exception
    assert captions(page)[0] == expected_caption(page, kappa=120, tol=1e-3)
    page.slider(key="kappa").set_value(50).run()
    page.slider(key="tol").set_value(-6).run()


def test_a_learning_rate_above_the_limit_diverges_and_the_page_says_why(page):
    page.slider(key="lr_sgd").set_value(round(math.log10(0.25), 2)).run()
    assert not page.exception
    notes = " ".join(w.value for w in page.warning)
    assert "SGD diverged at step" in notes and "stability limit 0.2 = 2/λ_max" in notes
    assert "SGD diverged at step" in captions(page)[0]
    page.slider(key="lr_sgd").set_value(opt.PRESETS["quadratic"]["lr_sgd"]).run()
    assert not page.warning


def test_theory_tab_numbers_equal_a_direct_computation(page):
    rows_caption = [c for c in captions(page) if c.startswith("SGD: predicted ρ")]
    assert rows_caption
    lr = 10 ** opt.PRESETS["quadratic"]["lr_sgd"]
    assert f"predicted ρ = {opt.predicted_rate('sgd', lr, 0.0, 50):.4f}" in rows_caption[0]
    best_button = next(b for b in page.button if b.label.startswith("Use these best settings"))
    best_button.click().run()
    best = opt.optimal(50)
    assert page.slider(key="mu_mom").value == pytest.approx(round(best["hb_mu"], 2))
    caption = next(c for c in captions(page) if c.startswith("SGD: predicted ρ"))
    snapped = 10 ** round(math.log10(best["gd_lr"]), 2)  # the slider's 0.01-decade grid
    assert f"predicted ρ = {opt.predicted_rate('sgd', snapped, 0.0, 50):.4f}" in caption


def test_switching_surface_loads_its_start_and_settings():
    at = open_page(PAGE, timeout=120, surface="himmelblau")
    assert not at.exception and not at.warning
    assert at.slider(key="x0").value == opt.PRESETS["himmelblau"]["x0"]
    at.selectbox(key="surface").set_value("saddle").run()
    assert not at.exception
    assert at.slider(key="y0").value == opt.PRESETS["saddle"]["y0"]
    assert at.slider(key="lr_adam").value == opt.PRESETS["saddle"]["lr_adam"]
    assert captions(at)[0] == expected_caption(at, "saddle")
    assert "Switch to the quadratic" in [b.label for b in at.button]


@pytest.mark.parametrize("view,expected", [
    ("Learning-rate sensitivity", "Learning rates that reached"),
    ("Adam's bias correction", "torch.optim.Adam's first step is"),
    ("Feature scaling", "Standardised: Hessian eigenvalues"),
    ("Saddle points", "Of 20,000 random symmetric Hessians"),
])
def test_every_light_tab_renders_with_computed_captions(view, expected):
    at = open_page(PAGE, timeout=120, view=view, steps="200")
    assert not at.exception, at.exception
    assert any(c.startswith(expected) for c in captions(at)), captions(at)


def test_heavy_tabs_render_on_digits():
    at = open_page(PAGE, timeout=300, view="Schedules", sch_epochs="1", steps="100")
    assert not at.exception, at.exception
    assert any(c.startswith("Validation accuracy after 1 epochs") for c in captions(at))
    assert any("LR range test" in s.get("layout", {}).get("title", {}).get("text", "") for s in plotly_specs(at))


def test_noisy_surface_has_a_batch_size_and_seed():
    at = open_page(PAGE, timeout=120, surface="noisy", batch="4", seed="7", steps="150")
    assert not at.exception and not at.warning
    assert captions(at)[0] == expected_caption(at, "noisy", steps=150, batch=4, seed=7)


BAD_URLS = [  # hostile or broken URL values: each falls back with a notice and the page keeps working
    {"surface": "mordor"}, {"x0": "1e309"}, {"y0": "nan"}, {"steps": "-5"}, {"tol": "10^-6"},
    {"lr_sgd": "inf"}, {"kappa": "0"}, {"b2_adam": "1.5"}, {"on_sgd": "perhaps"}, {"view": "<script>"},
    {"surface": "rosenbrock", "x0": "4.5"}, {"surface": "noisy", "seed": "99999999999999999999"},
    {"surface": "noisy", "batch": "0"},
]


@pytest.mark.parametrize("params", BAD_URLS, ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()))
def test_bad_url_values_fall_back_with_a_notice(params):
    at = open_page(PAGE, timeout=120, **params)
    assert not at.exception
    notes = " ".join(w.value for w in at.warning)
    bad_key = [k for k in params if not (k == "surface" and params[k] in opt.SURFACES)][0]
    assert f"`{bad_key}=" in notes
    assert plotly_specs(at)


def test_batch_size_tab_trains_on_digits_and_spells_out_the_arithmetic():
    at = open_page(PAGE, timeout=300, view="Batch size on MNIST", steps="100")
    assert not at.exception, at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "⌈3,500/32⌉ = **110**" in text and "109 full batches and a last one of 12" in text
    caps = captions(at)
    assert any(c.startswith("After 1 epoch: B = 1: 3,500 updates") for c in caps)
    assert any(c.startswith("In ") and "of training each" in c for c in caps)
    assert any(c.startswith("From B = 1 to B = 1,024 the mean squared gradient error fell") for c in caps)
