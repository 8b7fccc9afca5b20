"""Record the transfer page's continual-learning tab at given settings (committed: the defaults and
λ = 100000, buffer 500, the neighbours tests/gallery/test_pages.py moves to) (split MNIST, three
tasks; plain fine-tuning, EWC and replay; seeds 0..seeds-1) into
models/results/transfer_learning_continual.json, keyed "lambda/buffer".

    python -m train.transfer_continual [--seeds 2] [--lam 10000] [--buffer 100] [--out PATH] [--dry-run]
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import torch

from demos.transfer_learning import continual


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=continual.DEFAULT_SEEDS)
    parser.add_argument("--lam", type=float, default=float(continual.DEFAULT_LAMBDA))
    parser.add_argument("--buffer", type=int, default=int(continual.DEFAULT_BUFFER))
    parser.add_argument("--out", type=Path, default=continual.STORE)
    parser.add_argument("--dry-run", action="store_true", help="one seed, nothing written")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    result = continual.continual_runs(args.lam, args.buffer, 1 if args.dry_run else args.seeds)
    if not args.dry_run:
        store = json.loads(args.out.read_text()) if args.out.exists() else {}
        store[f"{args.lam:g}/{args.buffer}"] = result
        args.out.write_text(json.dumps(store, separators=(",", ":")))
    return result


if __name__ == "__main__":
    main()
