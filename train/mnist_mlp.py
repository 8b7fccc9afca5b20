"""Train `mnist_mlp`, the differently shaped digit model used for transfer attacks (3,500 digits to
fit, 500 to validate, the 1,000 held-out digits measured once at the end).

    python -m train.mnist_mlp            # ~30 s on 2 cores
    python -m train.mnist_mlp --dry-run  # one batch, nothing saved
"""
from __future__ import annotations

from models.data import mnist_split, validation_split
from models.mnist_mlp import MnistMlp, MnistMlpConfig
from train.common import (command_line, fit_digit_classifier, mnist_card, parser, random_affine, recipe,
                          save_pretrained, seed_everything)

NAME = "mnist_mlp"
ACCURACY_BAR = 0.96


def main(argv: list[str] | None = None) -> dict:
    args = parser(__doc__, epochs=30, batch_size=64, lr=2e-3, weight_decay=1e-4).parse_args(argv)
    gen = seed_everything(args.seed)
    model = MnistMlp(MnistMlpConfig())
    history, metrics = fit_digit_classifier(model, args, gen,
                                            lambda x, y, e: random_affine(x, gen, degrees=8, translate=0.08))
    if not args.dry_run:
        save_pretrained(model, NAME, args.out, {
            "architecture": "MnistMlp: 784 -> 512 -> 512 -> 10, ReLU, dropout",
            "task": "digit classification (10 classes)",
            "input": "(B, 1, 28, 28) in [0, 1]; the model flattens and normalises internally",
            "data": mnist_card(mnist_split(), *(len(t) for t in validation_split()[::2])),
            "seed": args.seed,
            "recipe": recipe(args, optimizer="AdamW + OneCycle", augmentation="random affine"),
            "history": history, "metrics": metrics, "metric_bar": {"test_accuracy": ACCURACY_BAR},
            "command": command_line("train.mnist_mlp", argv),
        })
    return metrics


if __name__ == "__main__":
    main()
