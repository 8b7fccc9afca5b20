"""Record the recurrent page's "Bidirectional and padding" run: a forward and a bidirectional RNN
tagger trained on the last-letter task (demos.recurrent.bidirectional.train_taggers) from each seed,
so the tab opens at once at the page's default seed (other seeds train live, from the same code).

    python -m train.recurrent_birnn                  # seed 0, saved to models/results/recurrent_birnn.json
    python -m train.recurrent_birnn --dry-run        # a few steps, nothing saved
"""
from __future__ import annotations

import argparse
import json
import platform
from pathlib import Path

import torch

from demos.recurrent.bidirectional import RESULTS, STEPS, train_taggers
from train.common import command_line


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seed", type=int, nargs="+", default=[0], help="one run per seed")
    p.add_argument("--epochs", type=int, default=STEPS, help="training steps (fresh batches: no epochs)")
    p.add_argument("--dry-run", action="store_true", help="three steps of the first seed, nothing saved")
    p.add_argument("--out", type=Path, default=RESULTS.parent, help="folder for recurrent_birnn.json")
    args = p.parse_args(argv)
    torch.set_num_threads(1)  # as the server computes
    if args.dry_run:
        run = train_taggers(args.seed[0], steps=3)
        print("dry run:", run["steps"], run["val_accuracy"])
        return run
    if args.epochs != STEPS:
        raise SystemExit(f"the page looks up the {STEPS}-step run; other lengths are for trying only (--dry-run)")
    runs = {str(s): train_taggers(s) for s in args.seed}
    for s, run in runs.items():
        print(f"seed {s}: {run['seconds']} s, held-out accuracy by distance", run["by_distance"], flush=True)
    store = {"command": command_line("train.recurrent_birnn", argv), "runs": runs,
             "versions": {"python": platform.python_version(), "torch": torch.__version__}}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / RESULTS.name).write_text(json.dumps(store, separators=(",", ":")) + "\n")
    return store


if __name__ == "__main__":
    main()
