"""The "With vs without" tab: one regulariser switched on, named, played beside the plain run; the caption's
verdict at both sides of its threshold; the overfitting preset does overfit."""
from dataclasses import replace

import numpy as np
import pytest

from demos.playground import compare, network, training
from demos.replay import Recording
from tests.playground.conftest import OVERFIT, SMALL


def finished(val_loss, train_loss=0.3, val_acc=0.8):
    final = {"train_loss": train_loss, "val_loss": val_loss, "train_acc": 0.9, "val_acc": val_acc}
    return Recording(np.arange(3), {}, {}, 0.1, meta={"final": final})


@pytest.mark.parametrize("name, strength, field, value, label", [
    ("l2", 0.1, "l2", 0.1, "L2 (λ₂ = 0.1)"), ("l1", 0.003, "l1", 0.003, "L1 (λ₁ = 0.003)"),
    ("dropout", 0.3, "dropout", 0.3, "dropout (p = 0.3)"), ("early", 20.0, "patience", 20, "early stopping (patience 20)"),
])
def test_one_regulariser_is_switched_on_and_named(name, strength, field, value, label):
    plain = network.Config(l1=0.01, l2=0.1, dropout=0.2, patience=5).without_regularisers()
    assert (plain.l1, plain.l2, plain.dropout, plain.patience) == (0.0, 0.0, 0.0, 0)
    regular = compare.with_regulariser(plain, name, strength)
    assert getattr(regular, field) == value and type(getattr(regular, field)) is type(value)
    assert replace(regular, **{field: getattr(plain, field)}) == plain  # nothing else changed
    assert compare.regulariser_name(name, strength) == label
    assert set(compare.REGULARISERS) == {"l2", "l1", "dropout", "early"}


def test_the_caption_gives_a_verdict_only_beyond_half_a_hundredth():
    plain = finished(0.500, 0.200, 0.75)
    text = compare.compare_caption(plain, finished(0.450, 0.300, 0.8), "L2 (λ₂ = 0.1)")
    assert text == ("Validation loss 0.500 without and 0.450 with L2 (λ₂ = 0.1): lower on this data and seed. "
                    "Validation accuracy 75% vs 80%; the gap between validation and training loss 0.300 vs 0.150.")
    assert ": higher on this" in compare.compare_caption(plain, finished(0.506), "x")
    assert ": about the same on this" in compare.compare_caption(plain, finished(0.504), "x")
    assert ": about the same on this" in compare.compare_caption(plain, finished(0.496), "x")


def test_the_figure_plays_both_runs_together(small):
    data, plain = small
    regular = training.train(compare.with_regulariser(SMALL, "early", 3), data)  # stops at epoch 4
    assert regular.meta["early_stopped"] and regular.n_frames < plain.n_frames  # it holds its last frame
    fig = compare.compare_figure(plain, regular, data, "early stopping (patience 3)")
    assert len(fig.frames) == max(plain.n_frames, regular.n_frames) == plain.n_frames
    assert [a.text for a in fig.layout.annotations][:2] == ["without regulariser", "with early stopping (patience 3)"]


def test_the_overfitting_preset_sets_the_controls_of_a_set_up_that_overfits(overfit_plain):
    assert compare.OVERFIT == {"data": OVERFIT.dataset, "noise": OVERFIT.noise, "points": OVERFIT.n_points,
                               "train": round(OVERFIT.train_share * 100), "layers": OVERFIT.layers,
                               "width": OVERFIT.width, "act": OVERFIT.activation, "opt": OVERFIT.optimiser,
                               "lr": f"{OVERFIT.lr:g}", "batch": str(OVERFIT.batch_size), "epochs": OVERFIT.epochs}
    a = overfit_plain
    assert a.meta["final"]["val_loss"] > 2 * a.meta["best_val_loss"]  # it overfits


def test_strength_sliders_hold_their_default_inside_their_range():
    for lo, hi, default, step in compare.STRENGTH_SLIDERS.values():
        assert lo <= default <= hi and step > 0
