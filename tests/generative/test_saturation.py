"""Saturation: the minimax loss starves a generator that D rejects, measured; the figures and the
captions computed from a run."""
import numpy as np
import pytest

from demos.generative import saturation
from demos.replay import Recording


@pytest.fixture(scope="module")
def experiment():
    return saturation.saturation_experiment(steps=120, head_start=100)


def test_saturating_loss_starves_the_generator_where_the_non_saturating_one_does_not(experiment):
    mm, ns = experiment["minimax"], experiment["nonsaturating"]
    assert mm["d_fake"][0] < 0.01  # the head start made D confident
    assert ns["g_grad"][:12].mean() > 100 * mm["g_grad"][:12].mean()
    assert abs(mm["distance"][-1] - mm["distance"][0]) < 0.05  # the minimax generator barely moves
    assert ns["distance"][-1] < mm["distance"][-1]


def test_the_experiment_caption_and_figure(experiment):
    mm, ns = experiment["minimax"], experiment["nonsaturating"]
    text = saturation.saturation_experiment_caption(experiment)
    ratio = ns["g_grad"][:12].mean() / mm["g_grad"][:12].mean()  # the first tenth of 120 steps
    assert f"D(G(z)) ≈ {mm['d_fake'][0]:.1e}. Over the first 12 steps" in text
    assert f"({ratio:,.0f}× as much). Moved by plain SGD" in text  # over 100×: a whole number
    assert saturation.went(mm["distance"][0], mm["distance"][-1]) + " from the data" in text
    assert text.endswith(f"the non-saturating ones to {ns['distance'][-1]:.2f}.")
    fig = saturation.saturation_experiment_figure(experiment)
    assert [t.name for t in fig.data] == ["Minimax (saturating)"] * 2 + ["Non-saturating"] * 2
    assert len(fig.data[0].y) == 120 and list(fig.data[1].x) == list(range(0, 121, 10))


def recording(loss, d_fake, g_grad):
    return Recording(np.array([0, len(g_grad)]), {}, {"d_fake": np.asarray(d_fake, float), "g_grad": np.asarray(g_grad, float)},
                     1.0, meta={"target": "ring", "loss": loss})


def test_early_d_fake_is_the_first_twentieth_and_only_for_the_cross_entropy_losses():
    d = np.r_[np.full(5, 0.01), np.full(95, 0.5)]  # the first 5% of 100 steps: 0.01
    assert saturation.early_d_fake(recording("minimax", d, np.ones(100))) == pytest.approx(0.01)
    assert saturation.early_d_fake(recording("nonsaturating", d[:10], np.ones(10))) == pytest.approx(0.01)  # 1 step
    assert saturation.early_d_fake(recording("wgan_gp", d, np.ones(100))) is None  # a critic, not a probability
    assert saturation.early_d_fake(recording("hinge", d, np.ones(100))) is None
    assert saturation.early_d_fake(recording("minimax", [], [])) is None  # before any step


@pytest.mark.parametrize("early,loss,expected", [
    (0.01, "minimax", "D(G(z)) averaged 0.010: there the minimax loss passes on 0.010 of the logit's gradient and "
                      "the non-saturating loss 0.990, 99× as much."),
    (0.2, "nonsaturating", "D(G(z)) averaged 0.200: there the minimax loss passes on 0.200 of the logit's gradient "
                           "and the non-saturating loss 0.800, 4× as much."),
    (0.6, "minimax", "the non-saturating loss 0.400, only 0.667× as much."),  # 0.4 / 0.6: less, and said so
    (0.5, "nonsaturating", "the non-saturating loss 0.500, about as much."),
    (None, "wgan_gp", "WGAN-GP scores fakes with an unbounded critic instead"),
    (None, "hinge", "Hinge scores fakes with an unbounded critic instead"),
    (None, "minimax", "so this curve does not apply to it."),
])
def test_saturation_caption_at_several_runs(early, loss, expected):
    assert expected in saturation.saturation_caption(early, loss)


@pytest.mark.parametrize("ratio,said", [(1.16, "1.16× as much"), (0.81, "only 0.81× as much"), (1.003, "about as much"),
                                        (12.345, "12.3× as much"), (1234.5, "1,234× as much")])
def test_a_ratio_is_said_with_its_direction_and_enough_digits(ratio, said):
    # the cases: 1.16× at the defaults was printed "1× more", and 0.81× (the non-saturating loss
    # passing on less, lr_d = 0.0001) also "1× more"
    assert saturation.how_much(ratio) == said


def test_the_experiment_caption_says_less_when_the_non_saturating_loss_passes_on_less(experiment):
    flipped = {"minimax": experiment["nonsaturating"], "nonsaturating": experiment["minimax"]}
    text = saturation.saturation_experiment_caption(flipped)
    assert "× as much). Moved by plain SGD" in text and "(only 0.0" in text  # well under 1×


def test_the_two_curves_cross_at_one_half_and_mark_the_run():
    fig = saturation.saturation_figure(0.02)
    mm, ns = fig.data
    assert np.allclose(mm.y, mm.x) and np.allclose(ns.y, 1 - ns.x)  # |dL/da| = D(G(z)) and 1 - D(G(z))
    assert fig.layout.shapes[0].x0 == 0.02 and not saturation.saturation_figure(None).layout.shapes


def test_the_measured_gradient_figure_and_caption():
    g = np.r_[np.full(50, 4.0), np.full(950, 1.0)]  # 1,000 steps: the first and last 50 are 5%
    rec = recording("minimax", np.full(1000, 0.5), g)
    assert saturation.gradient_caption(rec) == (
        "Measured in this run (Minimax (saturating)): over the first 50 steps each generated point received a "
        "gradient of norm 4 on average, over the last 50 steps 1 (0.25×).")
    assert saturation.gradient_caption(recording("hinge", [0.5], [1.0])) == "No generator step has run yet."
    fig = saturation.gradient_figure(rec)
    assert fig.layout.yaxis.type == "log" and len(fig.data[0].x) == 200 and fig.data[0].y[0] == pytest.approx(4.0)


def test_a_distance_that_did_not_move_at_two_decimals_is_not_said_to_go_from_a_to_a():
    assert saturation.went(1.7204, 1.7211) == "stay at 1.72 (moved by 7.0e-04)"  # was "from 1.72 to 1.72"
    assert saturation.went(1.72, 0.85) == "go from 1.72 to 0.85"


def test_the_saturation_figure_marks_this_runs_d_on_its_own_axis():
    # on a log axis Plotly reads an annotation's x in log10 units: add_vline's label for D = 0.02 sat at
    # 10^0.02 and stretched the axis to 10; the label now sits at log10(0.02) and the axis ends at D = 1
    fig = saturation.saturation_figure(0.02)
    assert list(fig.layout.xaxis.range) == [-4, 0]
    assert fig.layout.annotations[0].x == pytest.approx(np.log10(0.02))
    assert fig.layout.shapes[0].x0 == 0.02
