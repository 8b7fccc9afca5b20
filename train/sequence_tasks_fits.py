"""Record the forecasting hero's default fits (window 24, seed 0, without and with leakage) so the
page's first view shows them at once; any other setting trains live.

    python -m train.sequence_tasks_fits
"""
from __future__ import annotations

import argparse

import numpy as np
import torch

from demos.sequence_tasks.forecasting import COMMITTED, FITS, fit_arrays, fit_co2


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seed", type=int, default=0, help="(the committed fits use seed 0)")
    p.add_argument("--epochs", type=int, default=0, help="(unused: forecasting.STEPS sets the steps)")
    p.add_argument("--dry-run", action="store_true", help="fit once, write nothing")
    p.add_argument("--out", default=str(FITS))
    args = p.parse_args(argv)
    torch.set_num_threads(1)  # as the server computes: the committed fit equals a live one
    arrays = {}
    for window, leak, seed in COMMITTED[:1] if args.dry_run else COMMITTED:
        arrays |= fit_arrays(fit_co2(window, leak, seed), seed)
    if not args.dry_run:
        np.savez_compressed(args.out, **arrays)
    print(f"{len(arrays)} arrays")


if __name__ == "__main__":
    main()
