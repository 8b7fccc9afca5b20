"""The hero: the player's frames and panels, histogram bins, frame labels, the curves' y range; its captions
as strings from the same recording (finished, early-stopped, stopped, digits) and the linearity caption
for every case it distinguishes."""
from dataclasses import replace

import numpy as np
import pytest

from demos.playground import figures, network
from demos.replay import Recording

FINAL = {"train_loss": 0.1234, "val_loss": 0.2345, "train_acc": 0.95, "val_acc": 0.875}


def recording(epochs=40, **meta):
    """A recording as training leaves it (frames are not read by the captions)."""
    curves = {k: np.linspace(1, v, epochs) for k, v in FINAL.items()}
    base = {"final": FINAL, "best_epoch": 0, "best_val_loss": np.inf, "restored": False, "n_train": 300, "n_val": 200}
    return Recording(np.linspace(0, epochs, 5).astype(int), {}, curves, 0.456, meta=base | meta)


def test_the_hero_player_has_one_frame_per_snapshot_and_opens_on_the_trained_network(small):
    data, rec = small
    fig = figures.hero_figure(rec, data)
    assert len(fig.frames) == 6 and fig.layout.sliders[0].active == 5
    assert fig.data[0].type == "heatmap" and fig.data[0].z.shape == (60, 60)  # the decision boundary
    assert [t.name for t in fig.data[1:3]] == ["train", "validation"] and len(fig.data[1].x) == rec.meta["n_train"]
    assert figures.frame_labels(rec) == [f"epoch {s}" for s in rec.steps]


def test_the_digits_hero_shows_first_layer_weights_and_accuracy():
    from demos.playground import training

    config = network.Config(dataset="digits", n_points=100, layers=1, width=16, epochs=2, n_frames=2)
    rec = training.train(config)
    fig = figures.hero_figure(rec, training.load_data(config))
    assert fig.data[0].z.shape == (4 * 29, 4 * 29) and len(fig.frames) == rec.n_frames
    assert "Accuracy per epoch" in [a.text for a in fig.layout.annotations]


def test_histogram_bins_are_shared_and_symmetric():
    weights = np.array([[-1.0, 0.0, 0.5], [0.2, 2.0, -0.3]])
    centres, counts = figures.histogram_frames(weights, bins=4)
    assert centres.tolist() == [-1.5, -0.5, 0.5, 1.5] and counts.sum(1).tolist() == [3, 3]
    assert counts.tolist() == [[0, 1, 2, 0], [0, 1, 1, 1]]


def test_the_curve_range_ignores_a_late_blow_up():
    calm = np.r_[np.linspace(1, 0.2, 97), 1e6, np.inf, np.nan]
    assert figures.curve_range(calm) == pytest.approx(1.05)  # the start (1.0) × 1.05, not the blow-up
    assert figures.curve_range(np.array([np.nan])) == 1.0


def test_the_hero_caption_states_the_final_numbers():
    text = figures.hero_caption(recording(), network.Config())
    assert text == ("After 40 epochs (0.46 s to train and record 5 frames): train loss 0.123, validation loss 0.234; "
                    "accuracy 95% on the 300 training and 88% on the 200 validation examples.")


def test_the_hero_caption_names_the_best_epoch_the_early_stop_and_a_stopped_run():
    best = figures.hero_caption(recording(best_epoch=12, best_val_loss=0.2), network.Config())
    assert best.endswith("Validation loss was lowest at epoch 12 (0.200, green dashed line).")
    restored = figures.hero_caption(recording(27, best_epoch=12, best_val_loss=0.2, restored=True),
                                    network.Config(patience=15))
    assert ("early stopping (patience 15) ended the run at epoch 27 (red dotted line) and restored those weights"
            in restored)
    stopped = replace(recording(9), stopped=True)
    assert figures.hero_caption(stopped, network.Config()).endswith("You stopped the run at epoch 9: the frames end there.")
    digits = figures.hero_caption(recording(test_acc=0.9123), network.Config(dataset="digits"))
    assert digits.endswith("never used to choose anything: 91.2% accuracy.")


@pytest.mark.parametrize("config, residual, expected", [
    (network.Config(activation="none", layers=3), 2e-8,
     "No activation: the 3 hidden layers and the output multiply out to one affine map. An affine fit of the output "
     "over the grid misses by 2e-08 of its range, so the boundary is a straight line in the input features."),
    (network.Config(activation="none", layers=1, features=("x1", "x1sq")), 3e-9,
     "No activation: the 1 hidden layer and the output multiply out to one affine map. An affine fit of the output "
     "over the grid misses by 3e-09 of its range, so the boundary is a straight line in the input features (it looks "
     "curved here only because x₁², sin x₁ … are among the features)."),
    (network.Config(activation="relu", layers=0), 1e-7,
     "No hidden layer: the output neuron alone is an affine map. An affine fit of the output over the grid misses by "
     "1e-07 of its range, so the boundary is a straight line in the input features."),
    (network.Config(activation="gelu", layers=2), 0.314,
     "With GELU between the layers the output is not an affine function of the inputs: the best affine fit misses by "
     "31% of its range. That is what lets the boundary bend."),
    (network.Config(), np.nan, "The network's output is not finite, so its shape cannot be measured."),
])
def test_the_linearity_caption_follows_the_measured_residual(config, residual, expected):
    assert figures.linearity_caption(config, recording(linear_residual=residual)) == expected
