"""Record the convolutions page's "Train a CNN" tab: the digit CNN (models/mnist_cnn.py, width 8) trained
with standard and with depthwise separable blocks, same seed and recipe, validation curves, held-out accuracy
and its most confident mistakes, in models/results/convolutions_train.json. The page shows these at once;
"Recompute live" runs the same code.

    python -m train.convolutions_results              # both runs: ~10 s of CPU on one thread (a minute under load)
    python -m train.convolutions_results --dry-run    # 200 digits, 1 epoch, nothing saved
"""
from __future__ import annotations

import platform
from pathlib import Path

import torch

from demos.convolutions import training
from train.common import command_line, parser, seed_everything, write_record

RESULTS = Path(__file__).resolve().parent.parent / training.RESULTS


def main(argv: list[str] | None = None) -> dict:
    p = parser(__doc__, seed=training.SEED, epochs=training.EPOCHS)
    p.set_defaults(out=str(RESULTS))  # a file, or a folder to write convolutions_train.json in
    args = p.parse_args(argv)
    seed_everything(args.seed)  # one thread: the recording reproduces bit for bit
    n_fit, epochs = (200, 1) if args.dry_run else (None, args.epochs)
    runs = {block: training.train_cnn(block, training.WIDTH, epochs, args.seed, n_fit=n_fit)
            for block in ("standard", "separable")}
    record = {"runs": runs, "command": command_line("train.convolutions_results", argv), "threads": 1,
              "versions": {"torch": torch.__version__, "python": platform.python_version()}}
    if not args.dry_run:
        write_record(record, args.out, RESULTS)
    return record


if __name__ == "__main__":
    main()
