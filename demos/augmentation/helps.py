"""Does augmentation help? The gallery's digit CNN (at a quarter of its width) trained on 20 to 200
digits per class, with and without augmentation, several seeds; every 30 steps the accuracy on its own
(un-augmented) training digits and on the 500 validation digits. The gap between the two is the
overfitting augmentation is meant to shrink. The runs are committed (`train.augmentation_runs`) and
replayed in the browser; any other setting is recorded live under the same contract."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

import numpy as np
import torch
from torch.nn import functional as F

from demos import replay
from demos.augmentation.batch import BATCH_TRANSFORMS, LABEL_BREAKING, augment_batch
from models.data import validation_split
from models.mnist_cnn import MnistCnn, MnistCnnConfig

PER_CLASS = (20, 50, 100, 200)  # training digits per class
SEEDS = 3  # runs per setting (seeds 0, 1, 2)
STEPS = 300  # mini-batches of 32 per run, whatever the training-set size (20 per class: 48 epochs; 200: 4.8)
FRAMES = 11  # evaluations per run: every 30 steps, and before the first
BATCH = 32
LR = 3e-3  # Adam's rate at the start, cosine-decayed to 0 over the run
TRAIN_EVAL = 500  # training digits (of the run's own) whose accuracy is measured at each evaluation
CONFIG = MnistCnnConfig(width=8, dropout=0.0)  # a quarter of mnist_cnn's width, no dropout: augmentation alone regularises
TRANSFORM_K = 50  # per class, for the which-transform comparison
RUNS_FILE = Path(__file__).resolve().parents[2] / "models" / "results" / "augmentation_runs.json"
COMMAND = "nice -n 5 python -m train.augmentation_runs"


def training_subset(per_class: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """`per_class` fit digits of each class, seeded (the same digits with and without augmentation)."""
    fit_x, fit_y, _, _ = validation_split()
    gen = torch.Generator().manual_seed(1000 + seed)
    rows = torch.cat([(fit_y == c).nonzero().flatten()[torch.randperm(int((fit_y == c).sum()), generator=gen)[:per_class]]
                      for c in range(10)])
    return fit_x[rows], fit_y[rows]


def _accuracy(model: MnistCnn, x: torch.Tensor, y: torch.Tensor) -> tuple[float, float]:
    model.eval()
    with torch.no_grad():
        logits = model(x)
    return float((logits.argmax(1) == y).float().mean()), float(F.cross_entropy(logits, y))


def training_run(per_class: int, transform: str, seed: int, steps: int = STEPS,
                 on_progress: Callable[[float], None] | None = None) -> replay.Recording:
    """One seeded run (`demos.replay.record`, one mini-batch per step): the frames hold train_acc,
    val_acc, train_loss, val_loss at FRAMES evenly spaced steps (step 0 included)."""
    x, y = training_subset(per_class, seed)
    _, _, val_x, val_y = validation_split()
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    model = MnistCnn(CONFIG)
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps)  # decays to 0: the last evaluation is the settled model
    seen = torch.randperm(len(x), generator=torch.Generator().manual_seed(seed))[:TRAIN_EVAL]  # training digits measured
    order: list[int] = []

    def step(_: int) -> dict[str, float]:
        nonlocal order
        if len(order) < BATCH:  # a new epoch: reshuffle (the last short batch is dropped)
            order = torch.randperm(len(x), generator=gen).tolist()
        idx, order = order[:BATCH], order[BATCH:]
        model.train()
        loss = F.cross_entropy(model(augment_batch(x[idx], transform, gen)), y[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        schedule.step()
        return {"loss": loss.item()}

    def snapshot() -> dict[str, np.ndarray]:
        train_acc, train_loss = _accuracy(model, x[seen], y[seen])
        val_acc, val_loss = _accuracy(model, val_x, val_y)
        return {"train_acc": np.array(train_acc), "val_acc": np.array(val_acc),
                "train_loss": np.array(train_loss), "val_loss": np.array(val_loss)}

    return replay.record(step, snapshot, steps, n_frames=FRAMES, on_progress=on_progress,
                         meta={"per_class": per_class, "transform": transform, "seed": seed})


def curves_of(recording: replay.Recording) -> dict[str, list]:
    """A recording's evaluations as plain lists (what the committed file holds): steps and the four curves."""
    out = {"steps": recording.steps.tolist()}
    return out | {k: [round(float(v), 4) for v in vals] for k, vals in recording.frames.items()}


def experiment(per_class: int, transform: str, seeds: int = SEEDS,
               on_progress: Callable[[float], None] | None = None) -> dict:
    """Both arms of the comparison, `seeds` runs each: {"none": [curves per seed], transform: [...]}
    (curves: steps, train_acc, val_acc, train_loss, val_loss at each evaluation)."""
    arms = ("none", transform) if transform != "none" else ("none",)
    out: dict = {}
    total = len(arms) * seeds
    for a, arm in enumerate(arms):
        out[arm] = []
        for s in range(seeds):
            done = a * seeds + s

            def progress(f: float, done=done) -> None:
                if on_progress is not None:
                    on_progress((done + f) / total)

            out[arm].append(curves_of(training_run(per_class, arm, s, STEPS, progress)))
    return out


def stored(per_class: int, transform: str, seeds: int = SEEDS) -> dict | None:
    """The committed runs for this setting (None when the file lacks one of them)."""
    if not RUNS_FILE.is_file():
        return None
    runs = json.loads(RUNS_FILE.read_text())["runs"]
    arms = ("none", transform) if transform != "none" else ("none",)
    try:
        return {arm: [runs[f"{per_class}|{arm}|{s}"] for s in range(seeds)] for arm in arms}
    except KeyError:
        return None


def committed_table() -> dict[str, dict]:
    """Every committed run: 'k|transform|seed' -> curves."""
    return json.loads(RUNS_FILE.read_text())["runs"] if RUNS_FILE.is_file() else {}


def final(curves: list[dict], metric: str) -> np.ndarray:
    """The last evaluation's `metric` of each seed's run."""
    return np.array([c[metric][-1] for c in curves])


def gap_table(table: dict[str, dict]) -> dict[str, dict[int, np.ndarray]]:
    """Generalisation gap (final train − validation accuracy) per arm and digits per class, one value per seed."""
    out: dict[str, dict[int, np.ndarray]] = {}
    for arm in ("none", "standard"):
        out[arm] = {}
        for k in PER_CLASS:
            runs = [table[f"{k}|{arm}|{s}"] for s in range(SEEDS) if f"{k}|{arm}|{s}" in table]
            if runs:
                out[arm][k] = final(runs, "train_acc") - final(runs, "val_acc")
    return out


def transform_effects(table: dict[str, dict], per_class: int = TRANSFORM_K) -> dict[str, float]:
    """Mean final validation accuracy of each transform minus that of no augmentation (same seeds)."""
    def mean_val(arm: str) -> float | None:
        runs = [table[f"{per_class}|{arm}|{s}"] for s in range(SEEDS) if f"{per_class}|{arm}|{s}" in table]
        return float(final(runs, "val_acc").mean()) if len(runs) == SEEDS else None

    base = mean_val("none")
    if base is None:
        return {}
    return {t: v - base for t in BATCH_TRANSFORMS if t != "none" and (v := mean_val(t)) is not None}


def is_label_breaking(transform: str) -> bool:
    return transform in LABEL_BREAKING
