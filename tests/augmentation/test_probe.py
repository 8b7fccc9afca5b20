"""demos/augmentation/probe.py and the committed encoders: the linear probe reaches the held-out
accuracy on each encoder's card, agrees with scikit-learn's logistic regression, and the committed
probe results hold the cards' numbers."""
import numpy as np
import pytest
import torch

from demos.augmentation import probe, ssl_view
from models.data import validation_split
from models.registry import metadata


@pytest.mark.parametrize("name", ["ssl_digits", "ssl_digits_crop"])
def test_the_probe_meets_the_held_out_accuracy_on_the_card(pretrained, mnist, name):
    fit_x, fit_y, _, _ = validation_split()
    acc = probe.probe_accuracy(pretrained(name), fit_x, fit_y, mnist.test_images, mnist.test_labels)
    bar = metadata(name)["metric_bar"]["probe_test_accuracy"]
    assert acc >= bar - 0.002  # L-BFGS to the optimum of a convex loss: the same number up to float order
    assert ssl_view.probe_results()["probe"][name][-1] == pytest.approx(bar, abs=1e-4)  # the committed curve's 100 %


def test_the_probe_agrees_with_scikit_learns_logistic_regression():
    from sklearn.linear_model import LogisticRegression

    g = torch.Generator().manual_seed(0)
    centres = torch.randn(10, 6, generator=g) * 3
    y = torch.arange(10).repeat(30)
    x = centres[y] + torch.randn(300, 6, generator=g)
    ours = probe.linear_probe(x, y, weight_decay=0.0)(x).argmax(1)
    # the same model (softmax regression on standardised features, nearly unregularised) fitted by sklearn
    xs = ((x - x.mean(0)) / x.std(0, unbiased=False)).numpy()
    theirs = LogisticRegression(C=1e6, max_iter=2000).fit(xs, y.numpy()).predict(xs)
    assert np.mean(ours.numpy() == theirs) > 0.98


def test_labelled_subsets_are_stratified_and_seeded(mnist):
    labels = validation_split()[1]
    idx = probe.labelled_subset(labels, 0.01, 0)
    assert torch.bincount(labels[idx], minlength=10).tolist() == [4] * 10  # round(0.01 · 350) = 4 per class
    assert torch.equal(idx, probe.labelled_subset(labels, 0.01, 0))
    assert len(probe.labelled_subset(labels, 1.0, 0)) == len(labels)
