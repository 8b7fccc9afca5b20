"""Precompute the transfer page's default results, which depend only on committed models: the
accuracy-vs-k sweep (fine-tuning rate 1e-3, seeds 0-4, so the Seeds slider's 1-5 open at once), the
forgetting experiment, the "Which layers" experiment at every examples-per-class choice (rate 1e-3)
and the few-shot curves for every N-way. The page shows them at once and computes every other setting
live; tests recompute a sample and compare.

    python -m train.transfer_precompute            # about 8 minutes single-threaded (seconds per part: in the file)
    python -m train.transfer_precompute --dry-run  # a tiny sweep, nothing saved
"""
from __future__ import annotations

import json
import platform
import time
from pathlib import Path

import numpy as np
import torch

from demos.precomputed import RESULTS_DIR
from demos.transfer_learning.few_shot import WAYS, digit_embeddings, few_shot_curve
from demos.transfer_learning.forgetting import FORGET_K, forgetting_experiment
from demos.transfer_learning.imagenet import digit_imagenet_features
from demos.transfer_learning.layers import LAYER_KS, freeze_experiment
from demos.transfer_learning.results import recipe
from demos.transfer_learning.sweep import label_sweep, sweep_summary
from demos.transfer_learning.task import new_task
from models import load_pretrained
from train.common import command_line, parser, seed_everything


def main(argv: list[str] | None = None) -> dict:
    p = parser(__doc__, lr=1e-3)
    p.set_defaults(out=str(RESULTS_DIR))  # committed results live in models/results/, not with the weights
    p.add_argument("--seeds", type=int, default=5, help="seeds of the sweep (the page's Seeds slider goes to 5)")
    args = p.parse_args(argv)
    torch.set_num_threads(1)  # many tiny ops (L-BFGS, small batches): one thread is faster on 2 shared cores
    seed_everything(args.seed)  # nothing below draws from the global generators; set anyway
    backbone = load_pretrained("mnist_cnn_04")
    start, seconds = time.time(), {}

    def lap(name: str) -> None:
        seconds[name] = round(time.time() - start - sum(seconds.values()), 1)

    if args.dry_run:
        table = label_sweep(backbone, None, args.lr, seeds=1, k_values=(1,), steps=2)
        print(table)
        return {"rows": len(table)}
    effnet = load_pretrained("efficientnet_lite0")
    features = {part: digit_imagenet_features(effnet, part) for part in ("pool", "test")}
    lap("imagenet_features")
    sweep = label_sweep(backbone, features, args.lr, args.seeds,
                        on_progress=lambda f, _=None: print(f"sweep {f:.0%}", flush=True))
    lap("sweep")
    forgetting = forgetting_experiment(backbone, FORGET_K)
    lap("forgetting")
    layers = {str(k): freeze_experiment(backbone, k, args.lr).round(6).to_dict("records") for k in LAYER_KS}
    lap("layers")
    every = digit_embeddings(backbone, features["test"])
    curves = {str(n): few_shot_curve(every, new_task()["test_y"], n).round(6).to_dict("records") for n in WAYS}
    lap("few_shot")
    out = {"recipe": recipe(), "lr": args.lr, "seeds": args.seeds,
           "sweep": sweep.round(6).to_dict("records"), "forgetting": forgetting.round(6).to_dict("records"),
           "layers": layers, "few_shot": curves, "seconds": seconds,
           "command": command_line("train.transfer_precompute", argv),
           "versions": {"python": platform.python_version(), "torch": torch.__version__, "numpy": np.__version__}}
    path = Path(args.out) / "transfer_learning.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=1, allow_nan=True) + "\n")
    print(sweep_summary(sweep).round(3).to_string(), out["seconds"], sep="\n")
    return out


if __name__ == "__main__":
    main()
