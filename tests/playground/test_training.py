"""Training, recorded: linear collapse without activations (the decision function's level sets are
straight at any depth), early stopping restores the best validation epoch, determinism under the seed,
the recording's shapes, the step budget and the warnings the page shows."""
from dataclasses import replace

import numpy as np
import pytest
import torch

from demos.playground import datasets, figures, network, training
from demos.replay import Recording
from tests.playground.conftest import SMALL

pytestmark = pytest.mark.filterwarnings("ignore")


@pytest.mark.parametrize("layers", [1, 3, 6])
@pytest.mark.parametrize("extras", [{}, {"batch_norm": True, "residual": True}])
def test_no_activation_gives_a_linear_decision_function_at_any_depth(layers, extras):
    config = replace(SMALL, activation="none", layers=layers, width=5, epochs=3, **extras)
    data = training.load_data(config)
    rec = training.train(config, data)
    assert training.linear_residual(config, rec.meta["state"], data) < 1e-9
    # level sets are straight: three points of one level set (found by bisection along x2) are collinear
    model = network.build(config, data).double()
    model.load_state_dict(rec.meta["state"])
    model.eval()
    logit = lambda p: model(datasets.features(torch.tensor(p, dtype=torch.double), config.features, data.lo, data.hi).double())[0][:, 0]  # noqa: E731
    level = float(logit([[0.0, 0.0]]))
    points = []
    for x1 in (-2.0, 0.5, 2.5):
        lo, hi = -50.0, 50.0
        up = float(logit([[x1, hi]])) > float(logit([[x1, lo]]))
        for _ in range(80):
            mid = (lo + hi) / 2
            if (float(logit([[x1, mid]])) > level) == up:
                hi = mid
            else:
                lo = mid
        points.append((x1, (lo + hi) / 2))
    (ax, ay), (bx, by), (cx, cy) = points
    assert abs((bx - ax) * (cy - ay) - (by - ay) * (cx - ax)) < 1e-6


def test_a_nonlinear_activation_bends_the_boundary(small):
    data, rec = small
    assert training.linear_residual(SMALL, rec.meta["state"], data) > 0.05


def test_early_stopping_restores_the_best_validation_epoch():
    config = network.Config(dataset="moons", n_points=60, noise=0.6, train_share=0.5, layers=4, width=16, activation="relu",
                       lr=0.03, epochs=400, patience=15, n_frames=20)
    data = training.load_data(config)
    rec = training.train(config, data)
    val = rec.curves["val_loss"]
    best = int(np.argmin(val)) + 1
    assert rec.meta["early_stopped"] and rec.meta["restored"] and rec.meta["best_epoch"] == best
    assert len(val) == best + config.patience  # stopped `patience` epochs after the best
    assert rec.steps[-1] == best and rec.steps[-2] == len(val)  # the extra frame shows the restored weights
    assert rec.meta["final"]["val_loss"] == pytest.approx(val[best - 1], rel=1e-5)
    assert "restored those weights" in figures.hero_caption(rec, config)


def test_a_recording_is_deterministic_under_its_seed(small):
    data, rec = small
    again = training.train(SMALL, training.load_data(SMALL))
    for k in rec.frames:
        assert np.array_equal(rec.frames[k], again.frames[k])
    for k in rec.curves:
        assert np.array_equal(rec.curves[k], again.curves[k])
    other = training.train(replace(SMALL, seed=1))
    assert not np.array_equal(rec.curves["train_loss"], other.curves["train_loss"])


def test_recording_shapes_and_sizes(small):
    data, rec = small
    assert rec.frames["p"].shape == (6, 60, 60) and rec.frames["p"].dtype == np.uint8 and rec.frames["p"].max() <= 100
    # 8 neurons × 3 layers of 13 × 13 tiles + gaps (tile_side(24) = isqrt(5000 // 24) - 1 = 13), bytes 0-100, gap 101
    assert rec.frames["neurons"].shape == (6, 8 * 14, 3 * 14) and rec.frames["neurons"].max() == training.GAP == 101
    assert len(rec.curves["val_loss"]) == 25 and rec.meta["n_train"] + rec.meta["n_val"] == 120


def test_a_run_is_capped_at_the_step_budget():
    config = network.Config(batch_size=1, epochs=1000)
    assert training.within_budget(config, 600).epochs == training.MAX_STEPS // 600
    assert training.within_budget(network.Config(), 300).epochs == 300  # the default run is far inside it
    assert training.within_budget(network.Config(batch_size=0, epochs=1000), 300).epochs == 1000
    assert training.within_budget(network.Config(n_points=1000, batch_size=1, epochs=1000), 600).epochs == 50


def test_the_budget_warning_names_both_epoch_counts_only_when_it_cuts():
    asked = network.Config(batch_size=1, epochs=1000)
    allowed = training.within_budget(asked, 600)
    assert training.budget_note(asked, allowed) == (
        "1000 epochs at batch size 1 would take more than 30,000 steps; training 50 epochs instead. "
        "A larger batch size allows more epochs.")
    assert training.budget_note(network.Config(), training.within_budget(network.Config(), 300)) is None


def test_the_divergence_warning_names_the_epoch_and_the_optimiser():
    rec = Recording(np.arange(2), {}, {}, 0.1, meta={"diverged": 7})
    assert training.diverged_note(rec, network.Config(optimiser="momentum")) == (
        "The loss became infinite at epoch 7: the learning rate is too high for SGD + momentum 0.9. Lower it.")
    assert training.diverged_note(replace(rec, meta={"diverged": None}), network.Config()) is None


def test_a_learning_rate_far_too_high_ends_the_run_where_the_loss_blows_up():
    config = replace(SMALL, optimiser="sgd", lr=1e6, layers=1, activation="relu", epochs=30)
    rec = training.train(config)
    assert rec.meta["diverged"] and int(rec.steps[-1]) == rec.meta["diverged"] < 30
    assert not np.isfinite(rec.curves["train_loss"][-1])


def test_an_upload_needs_its_data_passed_in():
    with pytest.raises(ValueError, match="needs its data passed in"):
        training.load_data(network.Config(dataset="upload"))
