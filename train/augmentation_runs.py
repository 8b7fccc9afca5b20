"""Record the "Does it help?" runs of the augmentation page: the quarter-width digit CNN on 20, 50,
100 and 200 digits per class, without augmentation and with the standard one, three seeds each; and
at 50 per class every batch transform (label-breaking ones included). Writes
models/results/augmentation_runs.json (curves at 11 evaluations, rounded).

    nice -n 5 python -m train.augmentation_runs             # 39 runs: 13 min on a busy 2-core host (7-13 s a run once it quietened)
    python -m train.augmentation_runs --dry-run             # one short run, nothing saved
"""
from __future__ import annotations

import argparse
import json
import time

from demos.augmentation import helps
from demos.augmentation.batch import BATCH_TRANSFORMS
from train.common import command_line, seed_everything


def settings() -> list[tuple[int, str]]:
    grid = [(k, arm) for k in helps.PER_CLASS for arm in ("none", "standard")]
    return grid + [(helps.TRANSFORM_K, t) for t in BATCH_TRANSFORMS if t not in ("none", "standard")]


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    p.add_argument("--dry-run", action="store_true")
    p.add_argument("--out", default=str(helps.RUNS_FILE))
    args = p.parse_args(argv)
    seed_everything(0)  # one thread: the committed curves reproduce bit for bit
    runs, start = {}, time.perf_counter()
    for k, arm in settings()[:1] if args.dry_run else settings():
        for s in range(helps.SEEDS):
            rec = helps.training_run(k, arm, s, 20 if args.dry_run else helps.STEPS)
            runs[f"{k}|{arm}|{s}"] = helps.curves_of(rec)
            print(k, arm, s, f"val {float(rec.frames['val_acc'][-1]):.3f}", f"{rec.seconds:.1f} s", flush=True)
    out = {"command": command_line("train.augmentation_runs", argv), "steps": helps.STEPS,
           "seconds": round(time.perf_counter() - start, 1), "runs": runs}
    if not args.dry_run:
        with open(args.out, "w") as f:
            json.dump(out, f, separators=(",", ":"))
            f.write("\n")
    return out


if __name__ == "__main__":
    main()
