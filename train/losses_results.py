"""Record the losses page's committed results: the loss zoo (five losses × three seeds on the imbalanced
digits, at the page's default γ and ε) in models/results/losses_zoo.json, and temperature scaling with
its reliability bins for every committed digit model × every input shift in
models/results/losses_calibration.json. The page shows these at once; other settings train live.

    python -m train.losses_results                 # both files (~1 min on 2 busy cores)
    python -m train.losses_results --dry-run       # one loss, one seed, 2 epochs; nothing saved
"""
from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

import numpy as np
import torch

from demos.losses import calibration, zoo
from models.registry import WEIGHTS_DIR
from train.common import command_line

RESULTS_DIR = Path(__file__).resolve().parent.parent / "models" / "results"


def _round(value):
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, dict):
        return {k: _round(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_round(v) for v in value]
    return value


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seed", type=int, default=0, help="first of the zoo's three seeds (seed, seed+1, seed+2)")
    p.add_argument("--epochs", type=int, default=zoo.EPOCHS)
    p.add_argument("--dry-run", action="store_true", help="one loss, one seed, 2 epochs; nothing saved")
    p.add_argument("--out", type=Path, default=RESULTS_DIR, help="folder for the two JSON files")
    p.add_argument("--only", choices=("zoo", "calibration"), help="make one of the two files")
    args = p.parse_args(argv)
    torch.set_num_threads(1)  # as the server runs them
    if args.dry_run:
        run = zoo.train_one("cross-entropy", args.seed, zoo.DEFAULT_GAMMA, zoo.DEFAULT_EPS, 2)
        print(f"dry run: balanced validation accuracy {run['curve']}")
        return run
    meta = {"command": command_line("train.losses_results", argv),
            "versions": {"python": platform.python_version(), "torch": torch.__version__, "numpy": np.__version__}}
    args.out.mkdir(parents=True, exist_ok=True)
    out = {}
    if args.only in (None, "zoo"):
        seeds = tuple(range(args.seed, args.seed + len(zoo.SEEDS)))
        rec = zoo.train_zoo(zoo.DEFAULT_GAMMA, zoo.DEFAULT_EPS, seeds, args.epochs)
        out["zoo"] = _round({**rec, **meta})
        (args.out / "losses_zoo.json").write_text(json.dumps(out["zoo"], separators=(",", ":")) + "\n")
        print(f"zoo: {rec['seconds']:.1f} s")
    if args.only in (None, "calibration"):
        start, results = time.time(), {}
        for name in calibration.MODELS:
            for shift in calibration.SHIFTS:
                results[f"{name}|{shift}"] = calibration.to_json(calibration.calibration_for(name, shift))
        sha = {name: json.loads((WEIGHTS_DIR / f"{name}.json").read_text()).get("sha256") for name in calibration.MODELS}
        out["calibration"] = {"bins": calibration.BINS, "weights_sha256": sha, "seconds": round(time.time() - start, 1),
                              **meta, "results": results}
        (args.out / "losses_calibration.json").write_text(json.dumps(out["calibration"], separators=(",", ":")) + "\n")
        print(f"calibration: {time.time() - start:.0f} s")
    return out


if __name__ == "__main__":
    main()
