"""Train the generative page's committed runs: the 2-D GAN under each preset (the page's default is
"Healthy") and at the default's neighbours (every target with either sigmoid loss), and the Saturation
tab's default experiment, stored in models/results/generative_*.npz
(demos/generative/committed.py), so they open at once; every other setting trains live.

    python -m train.precompute_generative            # ~1 min on 2 quiet cores (10 x 2,000 GAN steps)
    python -m train.precompute_generative --dry-run  # 20 steps of each run, nothing saved
"""
from __future__ import annotations

import argparse
import platform
import time
from pathlib import Path

import numpy as np
import torch

from demos.generative import committed, gan_2d, saturation
from demos.precomputed import RESULTS_DIR
from train.common import command_line, seed_everything


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dry-run", action="store_true", help="20 steps of each run, nothing saved")
    p.add_argument("--out", type=Path, default=RESULTS_DIR, help="folder for generative_*.npz")
    args = p.parse_args(argv)
    seed_everything(committed.SEED)  # one thread, as the server trains (nothing draws from the global generators)
    info = {"command": command_line("train.precompute_generative", argv), "threads": torch.get_num_threads(),
            "versions": {"python": platform.python_version(), "torch": torch.__version__, "numpy": np.__version__}}
    done = {}
    for name, run_args in committed.RUNS.items():
        if args.dry_run:  # the same call, 20 steps
            run_args = run_args[:7] + (20,) + run_args[8:]
        rec = gan_2d.train_gan_2d(*run_args)
        print(f"{name}: {rec.seconds:.1f} s, {int(rec.frames['regions'][-1])} regions", flush=True)
        if not args.dry_run:
            committed.save_recording(rec, run_args, args.out / name, **info)
        done[name] = rec.seconds
    for name, sat_args in committed.SATURATIONS.items():
        start = time.perf_counter()
        result = saturation.saturation_experiment(*sat_args, **({"steps": 20, "head_start": 10} if args.dry_run else {}))
        done[name] = time.perf_counter() - start
        print(f"{name}: {done[name]:.1f} s", flush=True)
        if not args.dry_run:
            committed.save_saturation(result, sat_args, args.out / name, seconds=round(done[name], 1), **info)
    return done


if __name__ == "__main__":
    main()
