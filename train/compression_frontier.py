"""The compression page's measurements, all in one run on one machine: the teacher's held-out accuracy at
2–8 bits per weight (per tensor / per channel × affine / symmetric), and every frontier point's held-out
accuracy, bytes on disk and CPU latency (one thread, median of 7 batches). Run it after
train.compression_students and train.compression_pruning (it reads their committed models).

    python -m train.compression_frontier            # ~1 min on 2 busy cores
    python -m train.compression_frontier --dry-run  # 8 bits and two points, nothing saved
"""
from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

import torch

from demos.compression import frontier, measure, quantisation
from demos.compression.results import FRONTIER, QUANTISATION, RESULTS
from models.data import mnist_split
from models.registry import load_pretrained, weights_digest
from train.common import command_line, seed_everything


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else ""
    return f"{cpu}, torch {torch.__version__}, {torch.get_num_threads()} thread"


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seed", type=int, default=0, help="seed of the timing batch")
    p.add_argument("--epochs", type=int, default=0, help="unused: nothing is trained")
    p.add_argument("--dry-run", action="store_true")
    p.add_argument("--out", default=str(RESULTS))
    args = p.parse_args(argv)
    seed_everything(args.seed)
    start, split = time.time(), mnist_split()
    teacher = load_pretrained("mnist_cnn")

    def test(model) -> float:
        return round(measure.accuracy(model, split.test_images, split.test_labels), 4)

    bits = [8] if args.dry_run else list(range(quantisation.BITS_RANGE[0], quantisation.BITS_RANGE[1] + 1))
    sweep: dict = {"bits": bits, "dense": test(teacher)}
    for scheme in quantisation.SCHEMES:
        sweep[scheme] = {mode: [test(quantisation.quantise_model(teacher, b, mode == "symmetric", scheme == "per channel"))
                                for b in bits] for mode in quantisation.MODES}
        print(scheme, sweep[scheme], f"{time.time() - start:.0f}s", flush=True)
    sweep["packed_bytes"] = {s: [quantisation.packed_bytes(teacher, b, s == "per channel") for b in bits]
                             for s in quantisation.SCHEMES}
    _, note = quantisation.dynamic_int8(teacher)
    points, models = {}, {}
    for name in (["teacher", "student (distilled)"] if args.dry_run else frontier.POINTS):
        model, state = frontier.build(name, load_pretrained)
        models[name] = model
        points[name] = {"accuracy": test(model),
                        "bytes": measure.torch_save_bytes(model) if state is None else measure.safetensors_bytes(state),
                        "parameters": sum(v.numel() for v in load_pretrained(frontier.POINTS[name][1]).parameters()),
                        "weights_sha256": weights_digest(frontier.POINTS[name][1])}
        print(name, points[name], flush=True)
    timed = measure.latencies(models, rounds=3 if args.dry_run else 21, seed=args.seed)
    for name, ms in timed.items():
        points[name]["latency_ms"] = round(ms, 3)
    if not args.dry_run:
        command = command_line("train.compression_frontier", argv)
        out = Path(args.out)
        (out / QUANTISATION).write_text(json.dumps({"command": command, "sweep": sweep,
                                                    "deprecation": note}) + "\n")
        (out / FRONTIER).write_text(json.dumps({"command": command, "machine": machine(), "batch": measure.LATENCY_BATCH,
                                                "points": points, "seconds": round(time.time() - start, 1)}) + "\n")
    return points


if __name__ == "__main__":
    main()
