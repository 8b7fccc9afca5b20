"""Train `mnist_mlp`, the differently shaped digit model used for transfer attacks.

    python -m models.train_mnist_mlp            # ~30 s on 2 cores
    python -m models.train_mnist_mlp --dry-run  # one batch, nothing saved
"""
from __future__ import annotations

import argparse
import time

from models.data import MNIST_SOURCE, mnist_split
from models.mnist_mlp import MnistMlp, MnistMlpConfig
from models.training import (WEIGHTS_DIR, command_line, fit, random_affine, robust_metrics,
                             save_pretrained, seed_everything)

NAME = "mnist_mlp"
ACCURACY_BAR = 0.96


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--weight-decay", type=float, default=1e-4)
    parser.add_argument("--dry-run", action="store_true", help="one batch, nothing saved")
    parser.add_argument("--out", default=str(WEIGHTS_DIR))
    args = parser.parse_args(argv)

    gen = seed_everything(args.seed)
    data = mnist_split()
    model = MnistMlp(MnistMlpConfig())
    start = time.time()
    acc = fit(model, data.train_images, data.train_labels, data.test_images, data.test_labels,
              1 if args.dry_run else args.epochs, args.batch_size, args.lr, args.weight_decay, gen,
              lambda x, y, epoch: random_affine(x, gen, degrees=8, translate=0.08), args.dry_run)
    metrics = {"test_accuracy": round(acc, 4), "train_seconds": round(time.time() - start, 1)}
    if not args.dry_run:
        metrics |= robust_metrics(model, data.test_images, data.test_labels)
        save_pretrained(model, NAME, args.out, {
            "architecture": "MnistMlp: 784 -> 512 -> 512 -> 10, ReLU, dropout",
            "task": "digit classification (10 classes)",
            "input": "(B, 1, 28, 28) in [0, 1]; the model flattens and normalises internally",
            "data": {"source": MNIST_SOURCE, "split": "models.data.mnist_split()",
                     "split_fingerprint": data.fingerprint(), "train": len(data.train_images),
                     "test": len(data.test_images)},
            "seed": args.seed,
            "recipe": {k: v for k, v in vars(args).items() if k not in ("dry_run", "out")}
                      | {"optimizer": "AdamW + OneCycle", "augmentation": "random affine"},
            "metrics": metrics, "metric_bar": {"test_accuracy": ACCURACY_BAR},
            "command": command_line("models.train_mnist_mlp", argv),
        })
    return metrics


if __name__ == "__main__":
    main()
