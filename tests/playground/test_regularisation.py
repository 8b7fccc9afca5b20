"""The "Dropout & batch norm" tab: inverted dropout's one pass, mean and evaluation pass; one batch-norm
neuron in training mode (the batch's own statistics) and evaluation mode (running averages), against
the formulas; the figures and the captions at several slider values."""
import numpy as np
import pytest

from demos.playground import regularisation


@pytest.mark.parametrize("p", [0.2, 0.5, 0.9])
def test_dropout_keeps_the_expectation_and_evaluation_is_the_identity(p):
    drop = regularisation.dropout_demo(p, 0)
    h = drop["input"]
    kept = drop["one"] != 0
    assert np.allclose(drop["one"][kept], h[kept] / (1 - p))  # survivors × 1/(1 − p)
    assert np.array_equal(drop["eval"], h)
    assert np.abs(drop["mean"] - h).max() < 4 * h.max() * np.sqrt(p / (1 - p) / 1000)  # 4 sd of the mean of 1,000
    assert np.array_equal(regularisation.dropout_demo(p, 0)["one"], drop["one"])  # seeded


@pytest.mark.parametrize("batch", [2, 8, 64])
def test_batch_norm_uses_the_batch_in_training_and_running_averages_in_evaluation(batch):
    bn = regularisation.batchnorm_demo(batch, 0)
    x = bn["x"]
    assert bn["batch_mean"] == pytest.approx(x.mean(), abs=1e-5) and bn["batch_std"] == pytest.approx(x.std(), abs=1e-5)
    assert np.allclose(bn["train"], (x - x.mean()) / np.sqrt(x.var() + 1e-5), atol=1e-4)
    # the training-mode pass moves the running averages (momentum 0.1, unbiased variance: BatchNorm1d's
    # update rule, written out), and evaluation uses exactly the moved values the page reports (the
    # issue's case: it printed the averages from before the update, 3.15/1.77, while evaluation used 3.17/1.71)
    assert bn["running_mean"] == pytest.approx(0.9 * bn["running_mean_before"] + 0.1 * x.mean(), abs=1e-5)
    assert bn["running_std"] ** 2 == pytest.approx(0.9 * bn["running_std_before"] ** 2 + 0.1 * x.var(ddof=1), abs=1e-4)
    assert np.allclose(bn["eval"], (x - bn["running_mean"]) / np.sqrt(bn["running_std"] ** 2 + 1e-5), atol=1e-5)
    assert abs(bn["running_mean"] - 3) < 0.6 and abs(bn["running_std"] - 2) < 0.6  # the data are N(3, 2²)


def test_the_figures_show_three_dropout_passes_and_two_batch_norm_modes():
    a, b = regularisation.mechanics_figures(regularisation.dropout_demo(0.5, 0), regularisation.batchnorm_demo(8, 0))
    assert [t.name for t in a.data] == ["one training pass", "mean of 1,000 training passes", "evaluation (identity)"]
    assert len(b.data) == 2 and list(b.data[0].x) == sorted(b.data[0].x)


def test_the_captions_follow_the_sliders():
    drop, bn = regularisation.dropout_demo(0.2, 0), regularisation.batchnorm_demo(8, 0)
    first, second = regularisation.mechanics_captions(drop, bn, 0.2)
    kept = int((drop["one"] != 0).sum())
    assert first.startswith(f"One training pass kept {kept} of 8 units, each multiplied by 1/(1 − p) = 1.25;")
    assert f"within {np.abs(drop['mean'] - drop['eval']).max():.3f} of its evaluation value" in first
    assert second.startswith(f"This batch of 8 has mean {bn['batch_mean']:.2f} and standard deviation "
                             f"{bn['batch_std']:.2f}; its training pass moved the running averages to "
                             f"{bn['running_mean']:.2f} and {bn['running_std']:.2f}, which evaluation mode uses.")
    assert f"by up to {np.abs(bn['train'] - bn['eval']).max():.2f}: forgetting model.eval()" in second
    assert "1/(1 − p) = 2.00" in regularisation.mechanics_captions(regularisation.dropout_demo(0.5, 0), bn, 0.5)[0]
    off, one = regularisation.mechanics_captions(regularisation.dropout_demo(0.0, 0), regularisation.batchnorm_demo(1, 0), 0.0)
    assert off == "With p = 0 dropout does nothing: training and evaluation passes are the input itself."
    assert one.startswith("A batch of one has no spread")
