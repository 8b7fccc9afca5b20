"""Commit the Sanity-checks tab's default view (demos/interpretability/committed.py): the cascade of
six randomisation runs and the shuffled-label twin's maps on the page's default digit at the page's
default settings, with the two models' sha256.

    python -m train.interpretability_sanity            # writes models/results/interpretability_sanity.npz
    python -m train.interpretability_sanity --dry-run  # computes it, saves nothing
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import torch

from demos.interpretability import committed, hero, sanity
from models import load_pretrained
from models.data import mnist_split
from models.registry import weights_digest


def default_digit() -> torch.Tensor:
    """The image picker's default: held-out digit 7, example 0."""
    data = mnist_split()
    row = int((data.test_labels == committed.TARGET).nonzero()[0])
    return data.test_images[row:row + 1]


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dry-run", action="store_true", help="compute, save nothing")
    p.add_argument("--out", type=Path, default=committed.PATH, help="the .npz to write")
    args = p.parse_args(argv)
    torch.set_num_threads(1)  # as the server computes it
    start = time.time()
    model, twin = (load_pretrained(name) for name in committed.MODELS)
    x = default_digit()
    checks = sanity.sanity_checks(model, twin, x, committed.TARGET, hero.Settings(), True)
    if not args.dry_run:
        committed.save(checks, committed.PICTURE, x, committed.TARGET, hero.Settings(),
                       {name: weights_digest(name) for name in committed.MODELS}, args.out)
    print(f"{len(checks['maps'])} cascade runs + the twin in {time.time() - start:.1f} s"
          + ("" if args.dry_run else f" -> {args.out}"))
    return checks


if __name__ == "__main__":
    main()
