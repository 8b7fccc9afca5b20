"""The deep MLPs trained with plain SGD: an all-zero start never breaks the symmetry, training is
deterministic, an explosion stops it; the player and the captions."""
import math

import numpy as np
import pytest

from demos.backprop import flow, training

pytestmark = pytest.mark.filterwarnings("ignore")


def test_zeros_init_keeps_all_units_identical_through_training():
    rec = training.train_flow(flow.FlowConfig(depth=3, activation="tanh", init="zeros"), steps=12, lr=0.1, n_frames=3)
    assert (rec.frames["distinct"] == 1).all()  # every hidden layer: one distinct unit out of 64, at every frame
    units = rec.frames["units"][-1]
    assert np.allclose(units, units[:, :1])  # each digit's row: 64 equal values
    assert training.units_caption(rec) == ("1 of 64 units in layer 1 have distinct weights: with zeros every unit "
                                           "computes the same thing and gets the same gradient, forever.")
    assert "layer 1's gradient is still exactly 0" in training.training_caption(rec)
    random = training.train_flow(flow.FlowConfig(depth=3, activation="tanh", init="xavier"), steps=3, n_frames=2)
    assert (random.frames["distinct"][-1] == 64).all()
    assert training.units_caption(random) == "64 of 64 units in layer 1 have distinct weights."
    assert training.units_figure(random).data[0].z.shape == (16, 64)  # 16 digits × 64 units


def test_training_is_deterministic_and_stops_when_it_explodes():
    a = training.train_flow(flow.FlowConfig(depth=3, activation="relu", init="he"), steps=12, n_frames=3)
    b = training.train_flow(flow.FlowConfig(depth=3, activation="relu", init="he"), steps=12, n_frames=3)
    assert np.array_equal(a.curves["train_loss"], b.curves["train_loss"]) and a.curves["train_loss"][-1] < 2.3
    caption = training.training_caption(a)
    assert caption.startswith("After 12 steps, ") and f"validation loss {float(a.frames['val_loss'][-1]):.3f}" in caption
    assert f"{int(a.frames['stuck'][-1].sum())} of 192 units are stuck" in caption  # 3 hidden layers × 64
    assert len(training.training_figure(a).frames) == len(a.steps)
    boom = training.train_flow(flow.preset_config("ReLU + N(0, 1) explodes"), steps=50, n_frames=3)
    assert boom.steps[-1] < 50 and not math.isfinite(boom.curves["train_loss"][-1])
    assert "overflowed" in training.training_caption(boom)
