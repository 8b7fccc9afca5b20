"""Compute the optimisers page's digit experiments at the page's default settings (the batch-size
runs, the gradient noise, the six schedules, the LR range test) and store them in
models/results/optimisers.json, so that their tabs open at once; every other setting trains live.
Tests recompute the deterministic parts and compare.

The batch-size experiment's equal-wall-clock runs depend on this machine's speed: the file records
the CPU and date they were timed on, and the page's caption says so.

    python -m train.precompute_optimisers            # ~40 s on 2 busy cores (one thread, as the server)
    python -m train.precompute_optimisers --dry-run  # the LR range test over 20 steps, nothing saved
"""
from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

import numpy as np
import torch

from demos.optimisers.committed import grid, plain, this_machine
from demos.optimisers.range_test import lr_range_test
from demos.precomputed import RESULTS_DIR, entry_key
from train.common import command_line


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dry-run", action="store_true", help="one short run, nothing saved")
    p.add_argument("--out", type=Path, default=RESULTS_DIR, help="folder for optimisers.json")
    args = p.parse_args(argv)
    torch.set_num_threads(1)  # as the server runs them (ui.cache.TORCH_THREADS): the timings are its kind
    if args.dry_run:
        test = lr_range_test(0, steps=20)
        print(f"dry run: {len(test['lr'])} steps, suggested η {test['suggested']:.3g}")
        return {"steps": len(test["lr"])}
    entries, seconds, start = {}, {}, time.time()
    for fn, fn_args in grid():
        t0 = time.time()
        result = plain(fn(*fn_args))
        if fn.__name__ == "batch_size_experiment":  # its equal-time runs were timed here, not on the server
            result["timed_on"] = this_machine()
        key = entry_key(fn, fn_args)
        entries[key], seconds[key] = result, round(time.time() - t0, 1)
        print(f"{key}  {seconds[key]} s", flush=True)
    out = {"module": "demos.optimisers", "weights": {},  # seeded fresh MLPs: no committed weights involved
           "seconds": seconds, "command": command_line("train.precompute_optimisers", argv),
           "versions": {"python": platform.python_version(), "torch": torch.__version__, "numpy": np.__version__},
           "entries": entries}
    path = args.out / "optimisers.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, separators=(",", ":")) + "\n")
    print(f"{path}: {path.stat().st_size:,} bytes in {time.time() - start:.0f} s")
    return out


if __name__ == "__main__":
    main()
