"""The Examples and Your image views: which images are shown, and the verdict on an upload."""
import numpy as np
import torch

from demos.anomaly_detection import examples, scoring


def test_extremes_are_the_highest_then_the_lowest_errors():
    errors = np.array([0.5, 0.1, 0.9, 0.3, 0.7, 0.2, 0.8, 0.05, 0.6])
    assert examples.extremes(errors) == [2, 6, 4, 8, 0, 7, 1, 5]


def test_examples_rows_show_input_reconstruction_and_squared_error(mnist, pretrained):
    ae = pretrained("mnist_ae")
    val = mnist.test_images[:2]
    s = scoring.score_mixture(ae, mnist.test_images, mnist.test_labels, val, 7, True, True, 0)
    picks = examples.extremes(s.errors)
    fig = examples.examples_figure(s, picks)
    first = picks[0]
    assert len(fig.data) == 3 * 8 and s.errors[first] == s.errors.max()
    x, r = s.images[first, 0].numpy(), s.reconstructions[first, 0].numpy()
    assert np.allclose(fig.data[2].z, (x - r) ** 2)
    assert "most anomalous" in examples.examples_caption()


def test_an_upload_is_judged_against_the_threshold(mnist, pretrained):
    ae = pretrained("mnist_ae")
    seven = mnist.test_images[mnist.test_labels == 7][:1]
    error, recon = examples.judge(ae, seven, 7)
    assert error == float(scoring.reconstruction_errors(ae, seven, 7)) and recon.shape == seven.shape
    assert examples.verdict_text(error, error * 2, 7) == (f"Error {error:.4f} vs threshold {error * 2:.4f}: "
                                                          "**normal** for a model of 7s.")
    assert "**anomalous**" in examples.verdict_text(error, error / 2, 7)
    assert len(examples.upload_figure(seven, torch.zeros_like(seven)).data) == 3
