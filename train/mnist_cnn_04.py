"""Train `mnist_cnn_04`, the pretrained backbone of the transfer-learning page: the project's digit CNN
(a narrower one) taught digits 0-4 ONLY, so that digits 5-9 are a new task it has never seen.

Fits on the 1,750 training digits 0-4 of `models.data.validation_split()`, watches their 250
validation digits every epoch, and measures the 500 held-out digits 0-4 once at the end.

    python -m train.mnist_cnn_04            # ~40 s on 2 quiet cores
    python -m train.mnist_cnn_04 --dry-run  # one batch, nothing saved
"""
from __future__ import annotations

import time

import torch

from models.data import mnist_split, validation_split
from models.transfer_cnn import MnistCnnConfig, TransferCnn
from train.common import (accuracy, batches, command_line, cross_entropy, fit, mnist_card, n_batches,
                          parser, random_affine, recipe, save_pretrained, seed_everything)

NAME = "mnist_cnn_04"
OLD_CLASSES = (0, 1, 2, 3, 4)  # the only digits this backbone is taught
CONFIG = MnistCnnConfig(width=16, num_classes=len(OLD_CLASSES))  # narrow: the page fine-tunes it live
ACCURACY_BAR = 0.985  # on the 500 held-out digits 0-4


def old_task(images: torch.Tensor, labels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Only the digits 0-4 (their labels are already 0-4)."""
    keep = labels < len(OLD_CLASSES)
    return images[keep], labels[keep]


def main(argv: list[str] | None = None) -> dict:
    args = parser(__doc__, epochs=12, batch_size=64, lr=3e-3, weight_decay=1e-4).parse_args(argv)
    gen = seed_everything(args.seed)
    data = mnist_split()
    fit_x, fit_y, val_x, val_y = validation_split()
    fit_x, fit_y = old_task(fit_x, fit_y)
    val_x, val_y = old_task(val_x, val_y)
    test_x, test_y = old_task(data.test_images, data.test_labels)
    model = TransferCnn(CONFIG)
    start = time.time()
    history = fit(model, lambda e: ((x, y, e) for x, y in batches(fit_x, fit_y, batch_size=args.batch_size,
                                                                    generator=gen)),
                  cross_entropy(model, lambda x, y, e: random_affine(x, gen)),
                  n_batches(len(fit_x), args.batch_size), 1 if args.dry_run else args.epochs, args.lr,
                  args.weight_decay, lambda: {"val_accuracy": round(accuracy(model, val_x, val_y), 4)},
                  dry_run=args.dry_run)
    metrics = {"test_accuracy": round(accuracy(model, test_x, test_y), 4),
               "val_accuracy": history[-1].get("val_accuracy"), "train_seconds": round(time.time() - start, 1)}
    if not args.dry_run:
        print(metrics)
        card_data = mnist_card(data, len(fit_x), len(val_x)) | {
            "classes_used": "digits 0-4 only (fit 1,750, validation 250, held-out test 500); digits 5-9 "
                            "are never seen: they are the page's new task"}
        save_pretrained(model, NAME, args.out, {
            "architecture": "MnistCnn (width 16): 4 conv3x3 + BN + ReLU (2 stages, max-pool), dropout, linear",
            "task": "digit classification, digits 0-4 only (5 classes): the transfer page's backbone",
            "input": "(B, 1, 28, 28) in [0, 1]; the model normalises internally",
            "data": card_data,
            "seed": args.seed,
            "recipe": recipe(args, optimizer="AdamW + OneCycle", augmentation="random affine"),
            "history": history,
            "metrics": metrics, "metric_bar": {"test_accuracy": ACCURACY_BAR},
            "command": command_line("train.mnist_cnn_04", argv),
        })
    return metrics


if __name__ == "__main__":
    main()
