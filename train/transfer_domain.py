"""Record the transfer page's "Domain adaptation" tab: for every shift (rotated, inverted, noisy digits),
source-only and MMD-aligned (λ = 1, the default, and 3) training of the tab's small MLP, seeds 0-2, with the PCA
views of seed 0, in models/results/transfer_learning_domain.json. The tab shows these at once; other λ train live
(same code).

    python -m train.transfer_domain              # 36 runs, ~40 s of CPU on one thread
    python -m train.transfer_domain --dry-run    # 200 digits, 1 epoch, one seed, nothing saved
"""
from __future__ import annotations

import platform
from pathlib import Path

import torch

from demos.transfer_learning import domain
from train.common import command_line, parser, seed_everything, write_record

RESULTS = Path(__file__).resolve().parent.parent / domain.RESULTS


def main(argv: list[str] | None = None) -> dict:
    p = parser(__doc__, seed=domain.SEEDS[0], epochs=domain.EPOCHS)
    p.set_defaults(out=str(RESULTS))  # a file, or a folder to write the JSON in
    args = p.parse_args(argv)
    seed_everything(args.seed)  # one thread: the recording reproduces bit for bit
    seeds = tuple(args.seed + s for s in domain.SEEDS)
    n_fit, epochs, seeds = (200, 1, seeds[:1]) if args.dry_run else (None, args.epochs, seeds)
    results = {f"{kind}@{w:g}": domain.compare(kind, w, seeds, epochs, n_fit)
               for kind in domain.SHIFTS for w in domain.RECORDED}
    record = {"results": results, "command": command_line("train.transfer_domain", argv), "threads": 1,
              "versions": {"torch": torch.__version__, "python": platform.python_version()}}
    if not args.dry_run:
        write_record(record, args.out, RESULTS)
    return record


if __name__ == "__main__":
    main()
