"""The committed first-visit recordings (models/results/playground.json): found for exactly the page's
default configurations, and equal to a retraining now."""
from dataclasses import replace

import numpy as np
import pytest

from demos.playground import network, stored, training
from train import precompute_playground


@pytest.mark.parametrize("config", precompute_playground.first_visit_configs(), ids=["default", "with L2"])
def test_a_stored_recording_equals_a_retraining(config):
    rec, again = stored.lookup(config), training.train(config)
    assert rec is not None and np.array_equal(rec.steps, again.steps)
    # Frames are bytes rounded from float32 maths: a different CPU may round a value the other way (≤ 1 step)
    for k in again.frames:
        diff = np.abs(rec.frames[k].astype(float) - again.frames[k].astype(float))
        assert diff.max() <= (1 if rec.frames[k].dtype == np.uint8 else 1e-4), k
    for k in again.curves:
        np.testing.assert_allclose(rec.curves[k], again.curves[k], rtol=1e-4, atol=1e-6)
    assert rec.meta["final"] == pytest.approx(again.meta["final"], rel=1e-4)
    assert {k: v for k, v in rec.meta.items() if k not in ("final", "state", "linear_residual", "best_val_loss")} == \
        {k: v for k, v in again.meta.items() if k not in ("final", "state", "linear_residual", "best_val_loss")}
    for k, v in again.meta["state"].items():
        np.testing.assert_allclose(rec.meta["state"][k].numpy(), v.numpy(), rtol=1e-4, atol=1e-6)


def test_the_page_defaults_are_stored_and_nothing_else():
    # The page's default widgets give l1 = float("0") etc.: a value-equal config finds the stored run
    assert stored.lookup(replace(network.Config(), l1=float("0"), noise=0.2, train_share=60 / 100)) is not None
    assert stored.lookup(replace(network.Config(), layers=4)) is None  # any other is trained live
    assert stored.lookup(replace(network.Config(), seed=1)) is None


def test_the_precompute_script_dry_runs():
    precompute_playground.main(["--dry-run"])


REAL_TRAIN = training.train
TRAINED: list = []  # live trainings the page asked for (module-level: a job's function may close over nothing)


def counted_train(*args, **kwargs):
    TRAINED.append(args[0])
    return REAL_TRAIN(*args, **kwargs)


def test_the_default_view_replays_the_committed_run_and_says_so(monkeypatch):
    from tests.support import captions, open_page
    monkeypatch.setattr(training, "train", counted_train)
    TRAINED.clear()
    at = open_page("pages/06_playground.py", timeout=240)  # every control at its default
    assert not at.exception and TRAINED == []  # nothing trained: the committed recording is replayed
    assert stored.NOTE in captions(at)
    at = open_page("pages/06_playground.py", timeout=240, points="130", epochs="30")  # off the store (and
    # a setting no other test trains, so no finished job of this process answers it)
    assert not at.exception and len(TRAINED) == 1 and stored.NOTE not in captions(at)
