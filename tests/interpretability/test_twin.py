"""The committed shuffled-label twin: it loads through the registry, meets the bars on its card (chance
on held-out digits, its shuffled training labels memorised), and its script's --dry-run is tested with every script's in tests/models."""
import pytest

from models import metadata
from models.data import validation_split
from train.common import accuracy
from train.mnist_cnn_shuffled import shuffled_labels


def test_the_twin_knows_nothing_about_digits_and_memorised_its_labels(pretrained, mnist):
    twin, meta = pretrained("mnist_cnn_shuffled"), metadata("mnist_cnn_shuffled")
    held_out = accuracy(twin, mnist.test_images, mnist.test_labels)
    assert held_out <= meta["metric_bar"]["test_accuracy_at_most"] <= 0.2  # chance is 0.1
    assert held_out == pytest.approx(meta["metrics"]["test_accuracy"], abs=1e-3)
    # the same permutation the script drew: its generator's first draw after seeding
    from train.common import seed_everything
    fit_x, fit_y, _, _ = validation_split()
    fake = shuffled_labels(fit_y, seed_everything(meta["seed"]))
    assert accuracy(twin, fit_x, fake) >= meta["metric_bar"]["fit_accuracy_shuffled_labels"]
    assert sorted(fake.tolist()) == sorted(fit_y.tolist())  # a permutation: the same label counts

