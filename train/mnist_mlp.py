"""Train `mnist_mlp`, the differently shaped digit model used for transfer attacks (3,500 digits to
fit, 500 to validate, the 1,000 held-out digits measured once at the end).

    python -m train.mnist_mlp            # ~30 s on 2 cores
    python -m train.mnist_mlp --dry-run  # one batch, nothing saved
"""
from __future__ import annotations

import time

from models.data import mnist_split, validation_split
from models.mnist_mlp import MnistMlp, MnistMlpConfig
from train.common import (accuracy, batches, command_line, cross_entropy, fit, mnist_card, n_batches,
                          parser, random_affine, recipe, robust_metrics, save_pretrained, seed_everything)

NAME = "mnist_mlp"
ACCURACY_BAR = 0.96


def main(argv: list[str] | None = None) -> dict:
    args = parser(__doc__, epochs=30, batch_size=64, lr=2e-3, weight_decay=1e-4).parse_args(argv)
    gen = seed_everything(args.seed)
    data = mnist_split()
    fit_x, fit_y, val_x, val_y = validation_split()
    model = MnistMlp(MnistMlpConfig())
    start = time.time()
    history = fit(model, lambda e: ((x, y, e) for x, y in batches(fit_x, fit_y, batch_size=args.batch_size,
                                                                    generator=gen)),
                  cross_entropy(model, lambda x, y, e: random_affine(x, gen, degrees=8, translate=0.08)),
                  n_batches(len(fit_x), args.batch_size), 1 if args.dry_run else args.epochs, args.lr,
                  args.weight_decay, lambda: {"val_accuracy": round(accuracy(model, val_x, val_y), 4)},
                  dry_run=args.dry_run)
    metrics = {"test_accuracy": round(accuracy(model, data.test_images, data.test_labels), 4),
               "val_accuracy": history[-1].get("val_accuracy"), "train_seconds": round(time.time() - start, 1)}
    if not args.dry_run:
        metrics |= robust_metrics(model, data.test_images, data.test_labels)
        print(metrics)
        save_pretrained(model, NAME, args.out, {
            "architecture": "MnistMlp: 784 -> 512 -> 512 -> 10, ReLU, dropout",
            "task": "digit classification (10 classes)",
            "input": "(B, 1, 28, 28) in [0, 1]; the model flattens and normalises internally",
            "data": mnist_card(data, len(fit_x), len(val_x)),
            "seed": args.seed,
            "recipe": recipe(args, optimizer="AdamW + OneCycle", augmentation="random affine"),
            "history": history,
            "metrics": metrics, "metric_bar": {"test_accuracy": ACCURACY_BAR},
            "command": command_line("train.mnist_mlp", argv),
        })
    return metrics


if __name__ == "__main__":
    main()
