"""Record the distributed-learning page's experiments so that its views open without computing:
FedAvg / FedProx / centralised over every offered (clients, α, E) and the recorded seeds; active
learning (five strategies × both start sizes × both batch sizes × five seeds); one 2-process gloo run;
the hero's batch-size sweep at the page's default learning rate.
Each goes to its own models/results/distributed_learning_*.json; the page reruns any other seed live.

    python -m train.distributed_learning                 # everything (~15 min on 2 busy cores)
    python -m train.distributed_learning --only active   # one part: federated | active | gloo | scaling
    python -m train.distributed_learning --dry-run       # one short run of each, nothing saved
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import platform
import time
from pathlib import Path

import numpy as np
import torch

from demos.distributed_learning import active, data_parallel, federated, gloo_run, lesson
from train.common import command_line

OUT = Path(__file__).resolve().parent.parent / "models" / "results"


def rounded(values: list[float]) -> list[float]:
    return [round(float(v), 4) for v in values]


def record_federated(seeds: tuple[int, ...]) -> dict:
    runs: dict = {}
    central: dict = {}  # centralised training depends on neither clients nor α: trained once per (E, seed)
    for clients in federated.CLIENTS:
        for alpha in federated.ALPHAS:
            for e in federated.LOCAL_EPOCHS:
                entry = {}
                for m in federated.METHODS:
                    entry[m] = []
                    for s in seeds:
                        if m == "Centralised" and (e, s) in central:
                            r = central[(e, s)]
                        else:
                            r = federated.run(m, int(clients), float(alpha), int(e), s)
                            r = {"acc": rounded(r["acc"]), "drift": rounded(r["drift"]), "test": round(r["test"], 4)}
                            if m == "Centralised":
                                central[(e, s)] = r
                        entry[m].append(r)
                runs[f"{clients}|{alpha}|{e}"] = entry
                print(f"federated {clients} clients, α={alpha}, E={e}: "
                      + ", ".join(f"{m} {np.mean([r['acc'][-1] for r in entry[m]]):.3f}" for m in federated.METHODS),
                      flush=True)
    return {"seeds": list(seeds), "rounds": federated.ROUNDS, "lr": federated.LR, "batch": federated.BATCH,
            "mu": federated.MU, "runs": runs}


def record_active(seeds: tuple[int, ...]) -> dict:
    runs: dict = {}
    for start in active.STARTS:
        for batch in active.BATCHES:
            entry = {}
            for st in active.STRATEGIES:
                entry[st] = []
                for s in seeds:
                    r = active.run(st, int(start), int(batch), s)
                    entry[st].append({"labels": r["labels"], "acc": rounded(r["acc"]), "test": round(r["test"], 4),
                                      "queries": r["queries"][:2] if s == seeds[0] else []})
            runs[f"{start}|{batch}"] = entry
            print(f"active start={start}, batch={batch}: "
                  + ", ".join(f"{st} {np.mean([r['acc'][-1] for r in entry[st]]):.3f}" for st in active.STRATEGIES),
                  flush=True)
    return {"seeds": list(seeds), "budget": active.BUDGET, "runs": runs}


def record_gloo() -> dict:
    run = gloo_run.distributed(gloo_run.STEPS, gloo_run.BATCH, gloo_run.LR, 0)
    print(gloo_run.run_caption(run), flush=True)
    return {"settings": {"steps": gloo_run.STEPS, "batch": gloo_run.BATCH, "lr": gloo_run.LR, "seed": 0},
            "run": dataclasses.asdict(run), "machine": f"{platform.machine()}, {platform.processor() or 'cpu'}"}


def record_scaling() -> dict:
    lr = lesson.DEFAULTS["lr"]
    sweep = data_parallel.scaling_sweep(lr, 0)
    print(data_parallel.scaling_caption(sweep), flush=True)
    return {"seed": 0, "sweep": sweep}


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--only", choices=("federated", "active", "gloo", "scaling"), help="record one part only")
    p.add_argument("--seed", type=int, default=0, help="first seed (the page's recorded seeds start here)")
    p.add_argument("--epochs", type=int, default=federated.ROUNDS, help="(federated rounds; fixed by the page)")
    p.add_argument("--dry-run", action="store_true", help="one short run of each part, nothing saved")
    p.add_argument("--out", type=Path, default=OUT, help="folder for the JSON files")
    args = p.parse_args(argv)
    torch.set_num_threads(1)  # as the server computes (ui.cache.TORCH_THREADS)
    if args.dry_run:
        f = federated.run("FedAvg", 5, 0.3, 1, args.seed, rounds=2)
        a = active.run("Margin", 10, 10, args.seed, budget=30)
        print(f"dry run: FedAvg 2 rounds {f['acc'][-1]:.3f}, margin 30 labels {a['acc'][-1]:.3f}")
        return {"federated": f, "active": a}
    meta = {"command": command_line("train.distributed_learning", argv),
            "versions": {"python": platform.python_version(), "torch": torch.__version__, "numpy": np.__version__}}
    parts = {"federated": lambda: record_federated(tuple(args.seed + i for i in range(len(federated.SEEDS)))),
             "active": lambda: record_active(tuple(args.seed + i for i in range(len(active.SEEDS)))),
             "gloo": record_gloo, "scaling": record_scaling}
    done = {}
    for name, fn in parts.items():
        if args.only and name != args.only:
            continue
        t = time.time()
        done[name] = {**fn(), **meta, "seconds": round(time.time() - t, 1)}
        path = args.out / f"distributed_learning_{name}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(done[name], separators=(",", ":")) + "\n")
        print(f"{path}: {path.stat().st_size:,} bytes in {time.time() - t:.0f} s", flush=True)
    return done


if __name__ == "__main__":
    main()
