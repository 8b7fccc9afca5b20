"""Train the playground's first-visit runs once and store them in models/results/playground.json
(`demos.playground.stored`): the default network and the default "With vs without" pair.

    python -m train.precompute_playground [--dry-run] [--out PATH]
"""
from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path

import torch

from demos.playground import compare, network, stored, training


def first_visit_configs() -> list[network.Config]:
    """The configurations a first visit trains: the default run (also the tab's "without") and its "with L2"."""
    default = training.within_budget(network.Config(), 300)
    return [default, compare.with_regulariser(default.without_regularisers(), "l2", 0.01)]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true", help="train 2 epochs of each, write nothing")
    parser.add_argument("--out", type=Path, default=stored.STORE)
    args = parser.parse_args(argv)
    runs = []
    training.train(network.Config(epochs=2, n_frames=2))  # warm up torch, so each run's stored seconds are its own
    for config in first_visit_configs():
        if args.dry_run:
            config = dataclasses.replace(config, epochs=2, n_frames=2)
        rec = training.train(config)
        runs.append({"config": dataclasses.asdict(config), "recording": stored.encode(rec)})
        print(f"{config!r}: {rec.seconds:.2f} s")
    if not args.dry_run:
        store = {"command": stored.COMMAND, "torch": torch.__version__, "runs": runs}
        args.out.write_text(json.dumps(store, separators=(",", ":")) + "\n")
        print(f"wrote {args.out} ({args.out.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
