"""The optimisers page driven by AppTest: what only the page can show. Its captions equal what the demo
functions compute for the same control values; a surface brings its own settings; the theory tab's
buttons set the controls; every tab renders; bad URL values fall back with a notice. Five page opens."""
import functools
import math

import pytest

from demos.text import literal

from demos.optimisers import (batch_size, bias_correction, committed, gradient_noise, race, range_test, rules, saddles,
                              scaling, schedules, surfaces, theory)
from demos.precomputed import lookup
from tests.support import captions, open_page, plotly_specs

pytestmark = pytest.mark.filterwarnings("ignore")
PAGE = "pages/07_optimisers.py"
TOGGLES = dict(zip(rules.OPTIMISERS, ("on_sgd", "on_mom", "on_nag", "on_ada", "on_rms", "on_adam", "on_adamw")))


@pytest.fixture(scope="module")
def page():
    return open_page(PAGE, timeout=120)


def expected_caption(at, name="quadratic", kappa=50, steps=500, tol=1e-6, batch=256, seed=0):
    values = {k: at.session_state[k] for k in surfaces.PRESETS[name]}
    runners = rules.runners({n: at.toggle(key=k).value for n, k in TOGGLES.items()}, values)
    rec = race.run(name, runners, (values["x0"], values["y0"]), steps, float(kappa), batch, seed)
    return race.race_caption(race.results(rec, tol), tol, steps, surfaces.surface(name, kappa))


def test_page_races_the_optimisers_and_says_who_won(page):
    assert not page.exception
    assert captions(page)[0] == expected_caption(page)
    spec = plotly_specs(page)[0]
    assert len(spec["frames"]) == 60 and spec["layout"]["updatemenus"][0]["buttons"][0]["label"] == "▶ Play"
    assert spec["layout"]["height"] == 470
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
    page.slider(key="lr_sgd").set_value(surfaces.PRESETS["quadratic"]["lr_sgd"]).run()
    assert not page.warning


def test_every_optimiser_off_races_sgd_alone(page):
    for key in TOGGLES.values():
        page.toggle(key=key).set_value(False)
    page.run()
    assert any("racing SGD alone" in i.value for i in page.info)
    assert captions(page)[0] == expected_caption(page) and " of 1 reached" in captions(page)[0]
    for name, key in TOGGLES.items():  # back to the default race: SGD, momentum and Adam
        page.toggle(key=key).set_value(name in rules.RACING_BY_DEFAULT)
    page.run()
    assert not page.info


def test_theory_tab_numbers_equal_a_direct_computation(page):
    rows_caption = [c for c in captions(page) if c.startswith("SGD: predicted ρ")]
    assert rows_caption
    lr = 10 ** surfaces.PRESETS["quadratic"]["lr_sgd"]
    assert f"predicted ρ = {theory.predicted_rate('sgd', lr, 0.0, 50):.4f}" in rows_caption[0]
    assert theory.facts(50) in [m.value for m in page.markdown]
    best_button = next(b for b in page.button if b.label.startswith("Use these best settings"))
    best_button.click().run()
    best = theory.optimal(50)
    assert page.slider(key="mu_mom").value == pytest.approx(round(best["hb_mu"], 2))
    assert page.query_params["lr_sgd"] == f"{theory.best_settings(50)['lr_sgd']:g}"  # in the URL, as a visitor's
    caption = next(c for c in captions(page) if c.startswith("SGD: predicted ρ"))
    snapped = 10 ** round(math.log10(best["gd_lr"]), 2)  # the slider's 0.01-decade grid
    assert f"predicted ρ = {theory.predicted_rate('sgd', snapped, 0.0, 50):.4f}" in caption


def test_a_surface_brings_its_settings_and_the_theory_tab_switches_back(page):
    page.selectbox(key="surface").set_value("saddle").run()
    assert not page.exception
    assert page.slider(key="y0").value == surfaces.PRESETS["saddle"]["y0"]
    assert page.slider(key="lr_adam").value == surfaces.PRESETS["saddle"]["lr_adam"]
    assert captions(page)[0] == expected_caption(page, "saddle")
    assert "Switch to the quadratic" in [b.label for b in page.button]
    switch = next(b for b in page.button if b.label == "Switch to the quadratic")
    switch.click().run()
    assert page.selectbox(key="surface").value == "quadratic"
    assert page.slider(key="lr_adam").value == surfaces.PRESETS["quadratic"]["lr_adam"]
    assert captions(page)[0] == expected_caption(page)


@pytest.mark.parametrize("view,expected", [
    ("Learning-rate sensitivity", "Learning rates that reached"),
    ("Adam's bias correction", "torch.optim.Adam's first step is"),
    ("Feature scaling", "Standardised: Hessian eigenvalues"),
    ("Saddle points", "Of 20,000 random symmetric Hessians"),
])
def test_every_light_tab_renders_with_computed_captions(page, view, expected):
    page.slider(key="steps").set_value(200)
    page.session_state["view"] = view
    page.run()
    assert not page.exception, page.exception
    assert any(c.startswith(expected) for c in captions(page)), captions(page)
    if view == "Adam's bias correction":  # the caption the demo function computes for the page's values
        lr, betas = 10 ** page.session_state["lr_adam"], (page.session_state["b1_adam"], page.session_state["b2_adam"])
        assert bias_correction.bias_caption(bias_correction.adam_step_sizes(lr, betas), lr, betas) in captions(page)
    if view == "Feature scaling":
        assert scaling.scaling_caption(scaling.scaling_runs(10.0, 2.0, 1e-6)["raw"], "raw", 1e-6) in captions(page)
    if view == "Saddle points":
        assert saddles.minima_caption(saddles.minima_fraction()) in captions(page)


def test_noisy_surface_has_a_batch_size_and_seed_and_a_new_surface_its_start():
    at = open_page(PAGE, timeout=120, surface="noisy", batch="4", seed="7", steps="150")
    assert not at.exception and not at.warning
    assert at.slider(key="lr_sgd").value == surfaces.PRESETS["noisy"]["lr_sgd"]  # the URL's surface, its defaults
    assert captions(at)[0] == expected_caption(at, "noisy", steps=150, batch=4, seed=7)
    at.selectbox(key="surface").set_value("himmelblau").run()
    assert not at.exception and not at.warning
    assert at.slider(key="x0").value == surfaces.PRESETS["himmelblau"]["x0"]
    assert captions(at)[0] == expected_caption(at, "himmelblau", steps=150)


BAD_URL = {  # hostile or broken URL values: each falls back with a notice and the page keeps working
    "surface": "mordor", "x0": "1e309", "y0": "nan", "steps": "-5", "tol": "10^-6", "lr_sgd": "inf", "kappa": "0",
    "b2_adam": "1.5", "on_sgd": "perhaps", "view": "<script>",
}


def test_bad_url_values_fall_back_with_a_notice():
    at = open_page(PAGE, timeout=120, **BAD_URL)
    assert not at.exception
    notes = " ".join(w.value for w in at.warning)
    for bad_key in BAD_URL:
        assert f"“{literal(bad_key)}=" in notes
    assert plotly_specs(at)


def test_bad_values_of_a_surfaces_own_controls_fall_back_with_a_notice():
    """x0 = 4.5 is outside Rosenbrock's plotted range; the seed and batch URL values wait until the
    noisy quadratic draws their controls."""
    at = open_page(PAGE, timeout=120, surface="rosenbrock", x0="4.5", seed="99999999999999999999", batch="0")
    assert not at.exception
    assert "“x0=" in " ".join(w.value for w in at.warning)
    assert plotly_specs(at)
    at.selectbox(key="surface").set_value("noisy").run()
    assert not at.exception
    notes = " ".join(w.value for w in at.warning)
    assert "“seed=" in notes and "“batch=" in notes
    assert plotly_specs(at)


LIVE = []  # the digit experiments the page ran live (module-level: a job's function closes over nothing)


def counted(fn):
    """`fn`, noting each live call; same name and module, so the committed store still finds it."""
    @functools.wraps(fn)
    def run(*args, **kwargs):
        LIVE.append(fn.__name__)
        return fn(*args, **kwargs)
    return run


def test_heavy_tabs_open_from_committed_runs_and_other_settings_train_live(monkeypatch):
    for module, name in ((batch_size, "batch_size_experiment"), (gradient_noise, "gradient_noise"),
                         (schedules, "schedule_experiment"), (range_test, "lr_range_test")):
        monkeypatch.setattr(module, name, counted(getattr(module, name)))
    LIVE.clear()
    at = open_page(PAGE, timeout=300, view="Batch size on MNIST", steps="100")
    assert not at.exception, at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "⌈3,500/32⌉ = **110**" in text and "109 full batches and a last one of 12" in text
    run, _ = lookup(batch_size.batch_size_experiment, (*committed.BATCH_DEFAULTS, committed.SEED))
    noise, _ = lookup(gradient_noise.gradient_noise, (committed.SEED,))
    caps = captions(at)  # the committed runs' numbers, and where their clock ran
    assert batch_size.batch_caption(run, "equal_epochs") in caps and batch_size.batch_caption(run, "equal_time") in caps
    assert any("timed on the machine that made the committed run: " in c for c in caps)
    assert gradient_noise.noise_caption(noise) in caps
    at.session_state["view"] = "Schedules"
    at.run(timeout=300)
    assert not at.exception, at.exception
    runs, _ = lookup(schedules.schedule_experiment, (*committed.SCHEDULE_DEFAULTS, committed.SEED))
    test, _ = lookup(range_test.lr_range_test, (committed.SEED,))
    assert schedules.schedule_caption(runs) in captions(at) and range_test.range_caption(test) in captions(at)
    note = "Precomputed by `python -m train.precompute_optimisers`, from the same code and seed as a live run."
    assert captions(at).count(note) == 2  # seeded MLPs, no committed weights: the note says so
    assert LIVE == []  # both tabs' defaults: nothing trained live
    at.session_state["sch_epochs"] = 1  # a setting off the committed grid trains live
    at.run(timeout=300)
    assert not at.exception, at.exception
    assert LIVE == ["schedule_experiment"]
    peak = 10 ** -1.3
    lrs = schedules.lrs_caption(schedules.schedules_for_run(round(peak, 6), 1), 1, peak)
    assert lrs in captions(at)
    assert any(c.startswith("Validation accuracy after 1 epochs") for c in captions(at))
    assert any("LR range test" in s.get("layout", {}).get("title", {}).get("text", "") for s in plotly_specs(at))
