"""demos/optimisers/lesson.py: the lesson's answers against the theory the page teaches."""
from demos.optimisers import lesson, surfaces


def test_sgd_diverges_on_the_quadratic_exactly_above_two_over_lambda_max():
    # stable iff η < 2/λ_max = 2/10 = 0.2: 10^-0.6 ≈ 0.251 is above, 10^-0.8 ≈ 0.158 below
    assert surfaces.LAMBDA_MAX == 10.0
    assert lesson.sgd_fate({"lr_sgd": "-0.6"}) == "Diverges"
    assert lesson.sgd_fate({"lr_sgd": "-0.8"}) != "Diverges"


def test_first_to_tolerance_is_the_runner_with_the_fewest_steps_or_none():
    results = lesson.race_results({})
    steps = {r.name: r.steps_to_tol for r in results if r.steps_to_tol is not None}
    assert lesson.first_to_tolerance({}) == {"sgd": "SGD", "momentum": "Momentum", "adam": "Adam"}[min(steps, key=steps.get)]
    # a race too short for anyone to get within 10^-12: nobody reaches it
    assert lesson.first_to_tolerance({"steps": "50", "tol": "-12"}) == lesson.NONE


def test_the_view_takes_the_chosen_surfaces_own_start_and_rates():
    v = lesson.view({"surface": "rosenbrock"})
    assert v["start"] == (surfaces.PRESETS["rosenbrock"]["x0"], surfaces.PRESETS["rosenbrock"]["y0"])
    assert dict(v["runners"])["sgd"] == (("lr", 10 ** surfaces.PRESETS["rosenbrock"]["lr_sgd"]),)
