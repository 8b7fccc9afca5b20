"""Train `mnist_cnn_shuffled`, the interpretability page's sanity-check twin: the project's digit CNN
(same architecture, no dropout) fitted to the 3,500 training digits with their labels randomly
permuted (Adebayo et al. 2018, "Sanity Checks for Saliency Maps"; Zhang et al. 2017). Whatever it
learns is memorisation: its held-out accuracy on the true labels is chance, so an explanation method
whose maps look the same for this model and for `mnist_cnn` is not explaining the model.

Watches, every epoch, the 500 validation digits with their true labels (chance is the goal) and the
fit accuracy on the shuffled labels (memorisation); measures the 1,000 held-out digits once at the end.

    nice -n 5 python -m train.mnist_cnn_shuffled            # ~4 min on 2 quiet cores (8 s an epoch)
    python -m train.mnist_cnn_shuffled --dry-run            # one batch, nothing saved
"""
from __future__ import annotations

import time

import torch

from models.data import mnist_split, validation_split
from models.mnist_cnn import MnistCnn, MnistCnnConfig
from train.common import (accuracy, batches, command_line, cross_entropy, fit, mnist_card, n_batches, parser,
                          recipe, save_pretrained, seed_everything)

NAME = "mnist_cnn_shuffled"
CONFIG = MnistCnnConfig(dropout=0.0)  # no dropout: memorising random labels is the point
CHANCE_BAR = 0.2  # held-out accuracy on the TRUE labels must stay below this (chance is 0.1)
MEMORY_BAR = 0.5  # accuracy on its own shuffled training labels must reach this (chance is 0.1)


def shuffled_labels(labels: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """A random permutation of the labels: the same label counts, no relation to the images."""
    return labels[torch.randperm(len(labels), generator=generator)]


def main(argv: list[str] | None = None) -> dict:
    args = parser(__doc__, epochs=30, batch_size=64, lr=3e-3, weight_decay=0.0).parse_args(argv)
    gen = seed_everything(args.seed)
    data = mnist_split()
    fit_x, fit_y, val_x, val_y = validation_split()
    fake_y = shuffled_labels(fit_y, gen)
    model = MnistCnn(CONFIG)
    start = time.time()
    history = fit(model, lambda e: ((x, y, e) for x, y in batches(fit_x, fake_y, batch_size=args.batch_size,
                                                                    generator=gen)),
                  cross_entropy(model), n_batches(len(fit_x), args.batch_size), 1 if args.dry_run else args.epochs,
                  args.lr, args.weight_decay,
                  lambda: {"val_accuracy_true_labels": round(accuracy(model, val_x, val_y), 4),
                           "fit_accuracy_shuffled_labels": round(accuracy(model, fit_x, fake_y), 4)},
                  dry_run=args.dry_run)
    metrics = {"test_accuracy": round(accuracy(model, data.test_images, data.test_labels), 4),
               "fit_accuracy_shuffled_labels": round(accuracy(model, fit_x, fake_y), 4),
               "fit_accuracy_true_labels": round(accuracy(model, fit_x, fit_y), 4),
               "train_seconds": round(time.time() - start, 1)}
    if not args.dry_run:
        print(metrics)
        save_pretrained(model, NAME, args.out, {
            "architecture": "MnistCnn without dropout: 4 conv3x3 + BN + ReLU (2 stages, max-pool), linear",
            "task": "sanity-check twin of mnist_cnn: digits with randomly permuted labels (memorisation only)",
            "input": "(B, 1, 28, 28) in [0, 1]; the model normalises internally",
            "data": mnist_card(data, len(fit_x), len(val_x)) | {
                "labels": "the 3,500 fit labels permuted by torch.randperm under the seed (no augmentation)"},
            "seed": args.seed,
            "recipe": recipe(args, optimizer="AdamW + OneCycle", augmentation="none", dropout=0.0),
            "history": history, "metrics": metrics,
            "metric_bar": {"test_accuracy_at_most": CHANCE_BAR, "fit_accuracy_shuffled_labels": MEMORY_BAR},
            "command": command_line("train.mnist_cnn_shuffled", argv),
        })
    return metrics


if __name__ == "__main__":
    main()
