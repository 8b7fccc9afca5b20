"""The compression page's distillation runs: the teacher's (`mnist_cnn`) logits on every split, the
validation-accuracy sweep over temperature (hard labels vs distilled, several seeds), the "student never
saw a 3" runs, and the two committed 784→32→10 MLP students (`compression_student_hard`,
`compression_student_kd`, T chosen on validation).

    python -m train.compression_students            # ~1 min on 2 busy cores
    python -m train.compression_students --dry-run  # one short epoch, nothing saved
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch

from demos.compression import distillation as kd
from demos.compression.results import DISTILLATION, RESULTS, TEACHER
from models.data import mnist_split, validation_split
from models.registry import WEIGHTS_DIR, load_pretrained
from train.common import command_line, mnist_card, save_pretrained, seed_everything

TEMPERATURES = (1.0, 2.0, 4.0, 8.0, 16.0)
SEEDS = (0, 1, 2)
ALPHA = kd.ALPHA_DEFAULT
OMIT = 3
ACCURACY_BAR = 0.85  # held-out accuracy the tests demand of both students


def teacher_logits(results: Path) -> None:
    teacher = load_pretrained("mnist_cnn")
    fit_x, _, val_x, _ = validation_split()
    with torch.no_grad():
        out = {k: torch.cat([teacher(x[i:i + 500]) for i in range(0, len(x), 500)]).numpy().astype(np.float16)
               for k, x in (("fit", fit_x), ("val", val_x), ("test", mnist_split().test_images))}
    np.savez_compressed(results / TEACHER, **out)


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--epochs", type=int, default=kd.EPOCHS)
    p.add_argument("--dry-run", action="store_true", help="one epoch of one student, nothing saved")
    p.add_argument("--out", default=str(WEIGHTS_DIR))
    p.add_argument("--results", default=str(RESULTS))
    args = p.parse_args(argv)
    seed_everything(args.seed)
    start, results = time.time(), Path(args.results)
    from demos.compression.results import teacher_data
    if args.dry_run:  # the teacher's logits into a folder that is removed at once, then one short epoch
        import tempfile
        with tempfile.TemporaryDirectory() as scratch:
            teacher_logits(Path(scratch))
            d = teacher_data(Path(scratch))
        kd.train_student(d["fit_x"][:256], d["fit_y"][:256], d["fit_logits"][:256], 4.0, ALPHA, args.seed,
                         (d["val_x"], d["val_y"]), 1)
        return {}
    teacher_logits(results)
    d = teacher_data(results)
    val = (d["val_x"], d["val_y"])
    sweep = {"temperatures": list(TEMPERATURES), "seeds": list(SEEDS), "alpha": ALPHA, "epochs": args.epochs,
             "hard": [], "distilled": {str(t): [] for t in TEMPERATURES}}
    for seed in SEEDS:
        sweep["hard"].append(kd.train_student(d["fit_x"], d["fit_y"], d["fit_logits"], 1.0, 0.0, seed, val,
                                              args.epochs)[1][-1])
        for t in TEMPERATURES:
            sweep["distilled"][str(t)].append(kd.train_student(d["fit_x"], d["fit_y"], d["fit_logits"], t, ALPHA,
                                                               seed, val, args.epochs)[1][-1])
        print(f"seed {seed} done {time.time() - start:.0f}s", flush=True)
    best_t = max(TEMPERATURES, key=lambda t: np.mean(sweep["distilled"][str(t)]))
    omitted = [kd.race(d, best_t, ALPHA, seed, omit=OMIT) for seed in SEEDS]
    metrics = {}
    for name, t, alpha in (("compression_student_hard", 1.0, 0.0), ("compression_student_kd", best_t, ALPHA)):
        seed_everything(args.seed)
        model, curve = kd.train_student(d["fit_x"], d["fit_y"], d["fit_logits"], t, alpha, args.seed, val,
                                        args.epochs)
        metrics[name] = {"test_accuracy": round(kd.accuracy(model, d["test_x"], d["test_y"]), 4),
                         "val_accuracy": round(curve[-1], 4)}
        save_pretrained(model, name, args.out, {
            "architecture": "MnistMlp 784 -> 32 -> 10 (ReLU), the compression page's student",
            "task": "digit classification (10 classes)", "input": "(B, 1, 28, 28) in [0, 1]",
            "data": mnist_card(mnist_split(), len(d["fit_x"]), len(d["val_x"])), "seed": args.seed,
            "recipe": {"epochs": args.epochs, "batch_size": kd.BATCH, "lr": kd.LR, "optimizer": "Adam",
                       "temperature": t, "alpha": alpha, "teacher": "mnist_cnn" if alpha else None,
                       "temperature_chosen_by": "mean validation accuracy over 3 seeds (sweep)" if alpha else None},
            "history": [{"epoch": i + 1, "val_accuracy": round(a, 4)} for i, a in enumerate(curve)],
            "metrics": metrics[name], "metric_bar": {"test_accuracy": ACCURACY_BAR},
            "command": command_line("train.compression_students", argv)})
    (results / DISTILLATION).write_text(json.dumps({
        "command": command_line("train.compression_students", argv), "sweep": sweep, "best_T": best_t,
        "omitted": omitted, "students": metrics, "seconds": round(time.time() - start, 1)}) + "\n")
    print(metrics, f"{time.time() - start:.0f}s")
    return metrics


if __name__ == "__main__":
    main()
