"""Compute the experiments whose answers depend only on committed weights and a small grid of
settings, and store them in models/results/<slug>.json (one file per page) (with the weights' sha256), so that pages
show them at once instead of running minutes of attacks on first visit.

    python -m train.precompute                      # everything (~15 min on 2 quiet cores)
    python -m train.precompute --only attention     # one page
    python -m train.precompute --dry-run            # the smallest entry of each page, nothing saved
"""
from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path
from typing import Callable

import torch

from demos.attention import seq2seq
from demos.adversarial_attacks import defences, robustness, transfer
from demos.adversarial_attacks.attacks import DIGIT_MODELS
from demos.precomputed import RESULTS_DIR, encode, entry_key
from models.registry import weights_digest
from train.common import command_line

N_DIGITS = (200, 1000)  # the page's "Held-out digits" choices: both stored for the accuracy sweep
EPS_GRID = (0.05, 0.1, 0.15, 0.2, 0.25, 0.3)  # the Transfer and Defences ε sliders (step 0.05)
BITS = (1, 2, 3, 4)  # the bit-depth slider
MATRIX_DIGITS = 200  # transfer and defence tables are stored at the default 200 digits; 1,000 run live


def grid() -> dict[str, list[tuple[Callable, tuple, tuple[str, ...]]]]:
    """page slug (its results file) -> [(function, arguments, weights it depends on)]"""
    digit_models = tuple(DIGIT_MODELS)
    return {
        "adversarial_attacks": [(robustness.robustness_experiment, (n,), digit_models) for n in N_DIGITS]
        + [(transfer.transfer_experiment, (MATRIX_DIGITS, e), digit_models) for e in EPS_GRID]
        + [(defences.defence_experiment, (MATRIX_DIGITS, e, b), ("mnist_cnn", "mnist_cnn_robust"))
           for e in EPS_GRID for b in BITS],
        "attention": [(seq2seq.accuracy_by_length, (), ("seq2seq_dates", "seq2seq_dates_noattn"))],
    }


DRY_RUN = {"adversarial_attacks": (transfer.transfer_experiment, (20, 0.1), ()),
           "attention": (seq2seq.accuracy_by_length, (("seq2seq_dates", "seq2seq_dates_noattn"), 50), ())}


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--only", choices=sorted(grid()))
    p.add_argument("--dry-run", action="store_true", help="one small entry per page, nothing saved")
    p.add_argument("--out", type=Path, default=RESULTS_DIR, help="folder for <slug>.json")
    args = p.parse_args(argv)
    torch.manual_seed(0)
    done = {}
    for slug, calls in grid().items():
        if args.only and slug != args.only:
            continue
        if args.dry_run:  # the cheapest call of the page's functions, on a few digits or dates
            calls = [DRY_RUN[slug]]
        path = args.out / f"{slug}.json"
        old = json.loads(path.read_text()) if path.is_file() and not args.dry_run else {}
        entries, weights, start = {}, {}, time.time()
        for i, (fn, fn_args, uses) in enumerate(calls):
            key, digests = entry_key(fn, fn_args), {name: weights_digest(name) for name in uses}
            same_weights = all(old.get("weights", {}).get(n) == d for n, d in digests.items())
            if key in old.get("entries", {}) and same_weights:  # resume: made with these very weights
                entries[key] = old["entries"][key]
            else:
                entries[key] = encode(fn(*fn_args))
            weights |= digests
            print(f"{slug} {i + 1}/{len(calls)} {key}  {time.time() - start:.0f}s", flush=True)
            if not args.dry_run:  # saved after every entry: an interrupted run resumes where it stopped
                args.out.mkdir(parents=True, exist_ok=True)
                path.write_text(json.dumps({
                    "module": f"demos.{slug}", "weights": weights,
                    "seconds": round(time.time() - start, 1),  # this run's (reused entries cost nothing)
                    "command": command_line("train.precompute", argv if argv is not None else ["--only", slug]),
                    "versions": {"python": platform.python_version(), "torch": torch.__version__},
                    "entries": entries}, indent=1) + "\n")
        done[slug] = len(entries)
    return done


if __name__ == "__main__":
    main()
