"""Record the graph-networks page's first view once and store it in models/results/graph_networks_default.npz
(`demos.graph_networks.node_classification.committed_record` / `committed_features`): the karate GCN's
recorded training at the page's defaults, its baselines, and the node-feature comparison; and the
Depth tab's sweep at the same settings in models/results/graph_networks_depth.json (`demos.graph_networks.depth.committed_sweep`).

    python -m train.graph_networks_precompute [--seed 0] [--epochs 200] [--dry-run] [--out PATH]
"""
from __future__ import annotations

import argparse
from pathlib import Path

import torch

from demos.graph_networks import depth, node_classification as nc

FEATURES, LR = "one-hot", 0.01  # the page's defaults (demos/graph_networks/lesson.py DEFAULTS)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--epochs", type=int, default=200)
    parser.add_argument("--dry-run", action="store_true", help="record 3 epochs, write nothing")
    parser.add_argument("--out", type=Path, default=nc.STORE)
    args = parser.parse_args(argv)
    torch.set_num_threads(1)  # as the server computes
    epochs = 3 if args.dry_run else args.epochs
    nc.record(FEATURES, 3, LR, args.seed)  # warm torch up, so the stored seconds are the run's own
    rec = nc.record(FEATURES, epochs, LR, args.seed)
    table = nc.compare_features(epochs, LR, args.seed)
    print(f"{epochs} epochs: {rec.seconds:.2f} s, unlabelled accuracy {rec.curves['accuracy'][-1]:.3f}; {table}")
    if not args.dry_run:
        nc.save(rec, table, (FEATURES, epochs, LR, args.seed), args.out)
        print(f"wrote {args.out} ({args.out.stat().st_size:,} bytes)")
    sweep = depth.sweep(FEATURES, epochs, LR, args.seed)  # the Depth tab's first view
    print(f"depth sweep: accuracy {[round(a, 3) for a in sweep.accuracy]}")
    if not args.dry_run:
        depth.save_sweep(sweep, (FEATURES, epochs, LR, args.seed), args.out.with_name(depth.STORE.name))
        print(f"wrote {depth.STORE.name}")


if __name__ == "__main__":
    main()
