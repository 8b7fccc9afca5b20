"""Precompute two results of the recurrent page so their tabs open at once: the default "Train at
your lag" run (three fresh cells trained at lag 40, ~30 s on one quiet core; every other setting
trains live), which depends only on its arguments, and the committed recall models' accuracy at nine
lags ("Accuracy vs lag", ~2 s), stored with their weights' sha256. Tests recompute them and compare.

    python -m train.precompute_recurrent            # the default run, saved to models/results/recurrent.json
    python -m train.precompute_recurrent --dry-run  # a few steps, nothing saved
"""
from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

import torch

from demos.precomputed import RESULTS_DIR, entry_key
from demos.recurrent.cells import CELL_NAMES
from demos.recurrent.recall import committed_lag_accuracy, recording_to_json, train_recall
from models.registry import weights_digest
from train.common import command_line

# train_recall's arguments as the page passes them at its default controls: lag, ρ, memory bias b,
# the vanilla RNN's activation, gradient clipping, seed
RUNS = [(40, 1.0, 3.0, "tanh", True, 0)]


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dry-run", action="store_true", help="a few steps of the first run, nothing saved")
    p.add_argument("--out", type=Path, default=RESULTS_DIR, help="folder for recurrent.json")
    args = p.parse_args(argv)
    torch.set_num_threads(1)  # as the server computes: small recurrent layers, one thread each
    if args.dry_run:
        rec = train_recall(*RUNS[0], steps=3, n_frames=2)
        print(entry_key(train_recall, RUNS[0]), "dry run:", rec.steps.tolist(), rec.meta["test_accuracy"])
        return {"steps": int(rec.steps[-1])}
    entries, start = {}, time.time()
    for run in RUNS:
        rec = train_recall(*run)
        entries[entry_key(train_recall, run)] = recording_to_json(rec)
        print(entry_key(train_recall, run), f"{rec.steps[-1]} steps, {rec.seconds:.0f} s", rec.meta["test_accuracy"],
              flush=True)
    entries[entry_key(committed_lag_accuracy, ())] = committed_lag_accuracy()
    weights = {f"recall_{cell}": weights_digest(f"recall_{cell}") for cell in CELL_NAMES}  # (the runs use none)
    store = {"module": "demos.recurrent", "weights": weights,
             "seconds": round(time.time() - start, 1), "command": command_line("train.precompute_recurrent", argv),
             "versions": {"python": platform.python_version(), "torch": torch.__version__}, "entries": entries}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "recurrent.json").write_text(json.dumps(store, separators=(",", ":")) + "\n")
    return {"entries": len(entries)}


if __name__ == "__main__":
    main()
