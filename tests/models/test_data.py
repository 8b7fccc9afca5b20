"""The one MNIST split: stratified, disjoint, fixed forever, values in [0, 1]."""
import json

import numpy as np
import torch

from models.data import SPLIT_SEED, stratified_split
from models.registry import WEIGHTS_DIR

# Pinned: if this changes, every reported held-out metric silently refers to other digits.
SPLIT_FINGERPRINT = "4ccaca026c6c226f63fd9496d244a1edcd3f24e7b3aa711da2fa95736b0ebb98"


def test_sizes_and_stratification(mnist):
    assert mnist.train_images.shape == (4000, 1, 28, 28)
    assert mnist.test_images.shape == (1000, 1, 28, 28)
    assert torch.bincount(mnist.test_labels, minlength=10).tolist() == [100] * 10
    assert torch.bincount(mnist.train_labels, minlength=10).tolist() == [400] * 10


def test_pixels_are_real_digits_in_unit_range(mnist):
    for x in (mnist.train_images, mnist.test_images):
        assert x.dtype == torch.float32 and 0.0 <= x.min() and x.max() <= 1.0
    # real handwriting: mostly background, some ink, never blank
    ink = (mnist.test_images > 0.5).float().mean(dim=(1, 2, 3))
    assert 0.05 < ink.mean() < 0.25 and ink.min() > 0.0


def test_split_is_fixed_and_recorded_in_model_metadata(mnist):
    assert mnist.fingerprint() == SPLIT_FINGERPRINT
    meta = json.loads((WEIGHTS_DIR / "mnist_cnn.json").read_text())
    assert meta["data"]["split_fingerprint"] == SPLIT_FINGERPRINT


def test_train_and_test_are_disjoint(mnist):
    train = {bytes(x.numpy().tobytes()) for x in (mnist.train_images * 255).to(torch.uint8)}
    test = [bytes(x.numpy().tobytes()) for x in (mnist.test_images * 255).to(torch.uint8)]
    assert sum(t in train for t in test) <= 2  # MNIST itself has a handful of exact duplicates


def test_stratified_split_is_seeded():
    labels = np.repeat(np.arange(3), 10)
    a = stratified_split(labels, 4, seed=1)
    assert np.array_equal(a, stratified_split(labels, 4, seed=1))
    assert not np.array_equal(a, stratified_split(labels, 4, seed=2))
    assert np.bincount(labels[a]).tolist() == [4, 4, 4]
    assert SPLIT_SEED == 20240607
