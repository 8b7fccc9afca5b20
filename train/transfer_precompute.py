"""Precompute the transfer page's default results, which depend only on committed models: the
accuracy-vs-k sweep (fine-tuning rate 1e-3, 3 seeds) and the forgetting experiment. The page shows
them at once and computes every other setting live; tests recompute a sample and compare.

    python -m train.transfer_precompute            # a few minutes on 2 quiet cores
    python -m train.transfer_precompute --dry-run  # a tiny sweep, nothing saved
"""
from __future__ import annotations

import json
import platform
import time
from pathlib import Path

import numpy as np
import torch

from demos import transfer
from demos.precomputed import RESULTS_DIR
from models import load_pretrained
from train.common import command_line, parser, seed_everything


def main(argv: list[str] | None = None) -> dict:
    p = parser(__doc__, lr=1e-3)
    p.set_defaults(out=str(RESULTS_DIR))  # committed results live in models/results/, not with the weights
    p.add_argument("--seeds", type=int, default=3, help="seeds of the sweep")
    args = p.parse_args(argv)
    torch.set_num_threads(1)  # many tiny ops (L-BFGS, small batches): one thread is faster on 2 shared cores
    seed_everything(args.seed)  # nothing below draws from the global generators; set anyway
    backbone = load_pretrained("mnist_cnn_04")
    start = time.time()
    if args.dry_run:
        table = transfer.label_sweep(backbone, None, args.lr, seeds=1, k_values=(1,), steps=2)
        print(table)
        return {"rows": len(table)}
    effnet = load_pretrained("efficientnet_lite0")
    features = {part: transfer.digit_imagenet_features(effnet, part) for part in ("pool", "test")}
    t_features = time.time() - start
    sweep = transfer.label_sweep(backbone, features, args.lr, args.seeds,
                                 on_progress=lambda f: print(f"sweep {f:.0%}", flush=True))
    t_sweep = time.time() - start - t_features
    forgetting = transfer.forgetting_experiment(backbone, transfer.FORGET_K)
    out = {"recipe": transfer.recipe(), "lr": args.lr, "seeds": args.seeds,
           "sweep": sweep.round(6).to_dict("records"), "forgetting": forgetting.round(6).to_dict("records"),
           "seconds": {"imagenet_features": round(t_features, 1), "sweep": round(t_sweep, 1),
                       "forgetting": round(time.time() - start - t_features - t_sweep, 1)},
           "command": command_line("train.transfer_precompute", argv),
           "versions": {"python": platform.python_version(), "torch": torch.__version__, "numpy": np.__version__}}
    path = Path(args.out) / "transfer.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=1, allow_nan=True) + "\n")
    print(transfer.sweep_summary(sweep).round(3).to_string(), out["seconds"], sep="\n")
    return out


if __name__ == "__main__":
    main()
