"""The compression page's pruning runs on the digit CNN (`mnist_cnn`): held-out accuracy over a sparsity
grid (unstructured / structured × global / per layer, without and with a short fine-tuning), the measured
bytes and CPU latency of dense + mask vs zeros vs the structured model rebuilt smaller, and the two
committed pruned models (`compression_pruned80`, `compression_slim50`).

    python -m train.compression_pruning            # ~3 min on 2 busy cores
    python -m train.compression_pruning --dry-run  # one sparsity, 2 fine-tuning steps, nothing saved
"""
from __future__ import annotations

import argparse
import copy
import json
import time
from pathlib import Path

import torch
import torch.nn.utils.prune as prune

from demos.compression import measure, pruning
from demos.compression.results import PRUNING, RESULTS
from models.data import mnist_split, validation_split
from models.registry import WEIGHTS_DIR, load_pretrained
from train.common import command_line, mnist_card, save_pretrained, seed_everything

FT_SPARSITIES = (0.5, 0.8, 0.9)
FT_STEPS = 100
ACCURACY_BAR = 0.95  # held-out accuracy the tests demand of both committed pruned models


def pruned(teacher, kind: str, scope: str, sparsity: float):
    """(model to evaluate, masks to keep while fine-tuning) for one cell of the sweep."""
    if kind == "unstructured":
        masks = pruning.magnitude_masks(pruning.prunable(teacher), sparsity, scope)
        return pruning.apply_masks(teacher, masks), masks
    return pruning.rebuild(teacher, pruning.kept_channels(teacher, sparsity, scope)), {}


def table(teacher, sparsity: float) -> list[dict]:
    """Bytes on disk and latency of the same pruning kept in four forms."""
    masks = pruning.magnitude_masks(pruning.prunable(teacher), sparsity, "global")
    hooked = copy.deepcopy(teacher)
    for name, module in hooked.named_modules():
        if name in masks:
            prune.custom_from_mask(module, "weight", masks[name])
    zeros = pruning.apply_masks(teacher, masks)
    sparse = {k: v for k, v in zeros.state_dict().items()}
    for name in masks:
        csr = sparse.pop(name + ".weight").flatten(1).to_sparse_csr()
        sparse |= {name + ".values": csr.values(), name + ".col": csr.col_indices(), name + ".row": csr.crow_indices()}
    slim = pruning.rebuild(teacher, pruning.kept_channels(teacher, sparsity, "per layer"))
    rows = [("dense teacher", teacher, teacher.state_dict()),
            ("dense + mask (torch.nn.utils.prune hooks)", hooked, hooked.state_dict()),
            ("unstructured, zeros stored dense", zeros, zeros.state_dict()),
            ("unstructured, stored as CSR (values + int64 indices)", None, sparse),
            ("structured (per layer), rebuilt as smaller layers", slim, slim.state_dict())]
    timed = measure.latencies({form: model for form, model, _ in rows if model is not None}, rounds=15)
    return [{"form": form, "bytes": measure.safetensors_bytes(state),
             "latency_ms": round(timed[form], 2) if form in timed else None,
             "parameters": sum(v.numel() for k, v in state.items() if "running" not in k and "num_batches" not in k)}
            for form, model, state in rows]


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--epochs", type=int, default=FT_STEPS, help="fine-tuning steps (batches of 64)")
    p.add_argument("--dry-run", action="store_true")
    p.add_argument("--out", default=str(WEIGHTS_DIR))
    p.add_argument("--results", default=str(RESULTS))
    p.add_argument("--tables-only", action="store_true", help="re-measure the bytes/latency tables only")
    args = p.parse_args(argv)
    seed_everything(args.seed)
    if args.tables_only:
        path = Path(args.results) / PRUNING
        saved = json.loads(path.read_text())
        saved["tables"] = {str(s): table(load_pretrained("mnist_cnn"), s) for s in saved["sweep"]["sparsities"]}
        path.write_text(json.dumps(saved | {"tables_command": command_line("train.compression_pruning", argv)}) + "\n")
        return saved
    start, teacher, split = time.time(), load_pretrained("mnist_cnn"), mnist_split()
    fit_x, fit_y, val_x, val_y = validation_split()
    grid, ft_grid, steps = ((0.5,), (0.5,), 2) if args.dry_run else (pruning.SPARSITIES, FT_SPARSITIES, args.epochs)

    def test(model) -> float:
        return round(measure.accuracy(model, split.test_images, split.test_labels), 4)

    sweep: dict = {"sparsities": list(grid), "ft_sparsities": list(ft_grid), "ft_steps": steps, "dense": test(teacher)}
    keep: dict = {}
    for kind in pruning.KINDS:
        sweep[kind] = {}
        for scope in pruning.SCOPES:
            row = {"no_ft": [test(pruned(teacher, kind, scope, s)[0]) for s in grid], "ft": []}
            for s in ft_grid:
                model, masks = pruned(teacher, kind, scope, s)
                model = pruning.fine_tune(model, masks, fit_x, fit_y, steps, args.seed)
                row["ft"].append(test(model))
                keep[(kind, scope, s)] = model
            sweep[kind][scope] = row
            print(kind, scope, row, f"{time.time() - start:.0f}s", flush=True)
    tables = {str(s): table(teacher, s) for s in grid}
    if args.dry_run:
        return sweep
    models = {"compression_pruned80": (keep[("unstructured", "global", 0.8)], "global magnitude pruning of 80% of "
                                       "the conv and linear weights (mask kept while fine-tuning)"),
              "compression_slim50": (keep[("structured", "per layer", 0.5)], "half the filters of every conv layer "
                                     "removed (smallest L1 norm), rebuilt as smaller layers")}
    for name, (model, how) in models.items():
        save_pretrained(model, name, args.out, {
            "architecture": f"{type(model).__name__}: the digit CNN (mnist_cnn) after {how}",
            "task": "digit classification (10 classes)", "input": "(B, 1, 28, 28) in [0, 1]",
            "data": mnist_card(split, len(fit_x), len(val_x)), "seed": args.seed,
            "recipe": {"from": "mnist_cnn", "fine_tune_steps": steps, "batch_size": 64, "lr": 1e-3, "optimizer": "Adam"},
            "metrics": {"test_accuracy": test(model),
                        "val_accuracy": round(measure.accuracy(model, val_x, val_y), 4)},
            "metric_bar": {"test_accuracy": ACCURACY_BAR}, "command": command_line("train.compression_pruning", argv)})
    (Path(args.results) / PRUNING).write_text(json.dumps({
        "command": command_line("train.compression_pruning", argv), "sweep": sweep, "tables": tables,
        "latency_batch": measure.LATENCY_BATCH, "threads": torch.get_num_threads(),
        "seconds": round(time.time() - start, 1)}) + "\n")
    print(f"{time.time() - start:.0f}s")
    return sweep


if __name__ == "__main__":
    main()
