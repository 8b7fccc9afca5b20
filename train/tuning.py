"""Record the tuning page's committed results: the table of learning curves the hero's searches replay
(every configuration of demos.tuning.trial's space × 2 training seeds × 27 epochs), the best-so-far band of
every strategy over 10 search seeds (replayed from that table), the clinic's nine recorded trainings on
MNIST-5k, and the architecture search's random sample.

    python -m train.tuning                   # all three, ~10 min on 2 busy cores
    python -m train.tuning --part curves     # models/results/tuning_curves.npz only
    python -m train.tuning --dry-run         # 3 configurations × 2 epochs, 1 clinic case, 2 architectures; nothing saved
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import torch

from demos.tuning import trial
from train.common import command_line, seed_everything

RESULTS = Path(__file__).resolve().parent.parent / "models" / "results"


def curves(epochs: int, dry_run: bool) -> dict[str, np.ndarray]:
    configs = trial.all_configs()[:3] if dry_run else trial.all_configs()
    val = np.zeros((len(configs), trial.REPLICATES, epochs), np.float16)
    test = np.zeros_like(val)
    start = time.perf_counter()
    for i, config in enumerate(configs):
        for r in range(trial.REPLICATES):
            v, t = trial.train_trial(config, trial.trial_seed(i, r), epochs)
            val[i, r], test[i, r] = v, t
        if i % 25 == 0:
            print(f"{i + 1}/{len(configs)} {config.label()}: val {val[i, :, -1]}", flush=True)
    return {"val": val, "test": test, "seconds": np.float64(time.perf_counter() - start)}


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seed", type=int, default=0, help="seed of the architecture search's sample")
    p.add_argument("--epochs", type=int, default=trial.EPOCHS, help="epochs of every table trial")
    p.add_argument("--part", choices=["all", "curves", "band", "clinic", "nas"], default="all")
    p.add_argument("--dry-run", action="store_true", help="a few trials, nothing saved")
    p.add_argument("--out", default=str(RESULTS))
    args = p.parse_args(argv)
    seed_everything(args.seed)
    out, made = Path(args.out), {}
    cmd = command_line("train.tuning", argv)
    if args.part in ("all", "curves"):
        table = curves(2 if args.dry_run else args.epochs, args.dry_run)
        made["curves"] = table["val"].shape
        if not args.dry_run:
            np.savez_compressed(out / "tuning_curves.npz", command=cmd, torch=torch.__version__, **table)
    if args.part in ("all", "band") and not args.dry_run:  # replays the committed table: run after `curves`
        from demos.tuning import hero
        band = hero.compute_band()
        made["band"] = {k: v.shape for k, v in band.items()}
        np.savez_compressed(out / "tuning_band.npz", command=cmd, **{k: v.astype(np.float16) for k, v in band.items()})
    if args.part in ("all", "clinic"):
        from demos.tuning import clinic
        runs = clinic.record_all(list(clinic.CASES)[:1] if args.dry_run else list(clinic.CASES), 1 if args.dry_run else clinic.EPOCHS)
        made["clinic"] = sorted(runs)
        if not args.dry_run:
            np.savez_compressed(out / "tuning_clinic.npz", command=cmd, torch=torch.__version__,
                                **{f"{case}/{k}": v for case, curves_ in runs.items() for k, v in curves_.items()})
    if args.part in ("all", "nas"):
        from demos.tuning import nas
        sample = nas.random_search(2 if args.dry_run else nas.SAMPLES, args.seed, epochs=2 if args.dry_run else nas.EPOCHS)
        made["nas"] = len(sample["params"])
        if not args.dry_run:
            np.savez_compressed(out / "tuning_nas.npz", command=cmd, torch=torch.__version__, **sample)
    print(made, flush=True)
    return made


if __name__ == "__main__":
    main()
