"""Transfer learning on models that ship with the gallery (few-shot, metric and zero-shot learning are
`demos.few_shot`).

- Transfer: a digit CNN taught digits 0-4 (`mnist_cnn_04`) learns digits 5-9 from k labelled
  examples per class, four ways: from scratch, a linear probe on its frozen features, fine-tuning
  its last block, fine-tuning everything; plus a linear probe on ImageNet features (EfficientNet-Lite0).
  Catastrophic forgetting: the old head's accuracy on 0-4 after fine-tuning.
- Teach it yourself: crops of a few pictures, EfficientNet features, a linear probe.

Everything is a pure function of plain values and a seed. Shared models are never modified: anything
trained is a deep copy (`fine_tune`) or a new module; random draws use private generators.
"""
from __future__ import annotations

import copy
import json
import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F
from torch import nn

from models.transfer_cnn import N_FEATURE_LAYERS, MnistCnnConfig, TransferCnn

Progress = Callable[[float], None] | None
OLD_DIGITS = (0, 1, 2, 3, 4)  # what the backbone was taught
NEW_DIGITS = (5, 6, 7, 8, 9)  # the new task (labels 0-4 stand for digits 5-9)
POOL_PER_CLASS = 100  # labelled training digits of each new class the shots are drawn from
POOL_SEED = 1234  # which 100 training digits per class form the pool (fixed)
K_VALUES = (1, 2, 5, 10, 20, 50, 100)  # examples per class in the sweep
STEPS = 40  # Adam steps for every trained strategy (the same budget for all: fits a 30 s sweep)
BATCH = 25  # mini-batch size (full batch when fewer examples)
SCRATCH_LR = 3e-3  # from-scratch rate: 1e-3 and 3e-3 within a point of each other on validation digits, 1e-2 worse
PROBE_L2 = 1e-3  # weight penalty of every linear probe (on features scaled to mean norm 1)
LAST_BLOCK = 3  # "fine-tune the last block": features[3:] (stage 2's two conv layers) + head
LR_OPTIONS = (1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2)  # fine-tuning learning rates offered
STRATEGIES = {"scratch": "From scratch", "probe": "Linear probe on frozen features",
              "last": "Fine-tune last block", "full": "Fine-tune everything",
              "imagenet": "ImageNet features + linear probe"}  # name -> legend
FREEZE_STOPS = {0: "nothing (fine-tune all)", 1: "conv 1", 3: "conv 1-2", 4: "conv 1-3",
                6: "all conv (head only)"}  # trunk length -> what is frozen
DIGIT_SIDE = 64  # digits are upscaled to this side for EfficientNet (chosen on validation digits)
LR_FREE = ("scratch", "probe", "imagenet")  # strategies whose runs do not depend on the fine-tuning rate
FORGET_K = 20  # examples per class in the forgetting experiment
FORGET_NAMES = {"full": "Fine-tune everything", "discriminative": "Everything, layers below the head at lr/10",
                "last": "Fine-tune last block", "probe": "Linear probe (frozen)"}  # forgetting's strategies
PRECOMPUTED = Path(__file__).resolve().parent.parent / "models" / "results" / "transfer.json"  # beside the other committed results


# ---------------------------------------------------------------- the new task and its shots
def new_task() -> dict[str, torch.Tensor]:
    """Digits 5-9 relabelled 0-4: `pool` (100 training digits per class), `val` (the 250 validation
    digits 5-9), `test` (the 500 held-out digits 5-9); and `old_test` (500 held-out digits 0-4)."""
    from models.data import mnist_split, validation_split

    fit_x, fit_y, val_x, val_y = validation_split()
    data = mnist_split()
    gen = torch.Generator().manual_seed(POOL_SEED)
    rows = torch.cat([(fit_y == d).nonzero().flatten()[torch.randperm(int((fit_y == d).sum()), generator=gen)]
                      [:POOL_PER_CLASS] for d in NEW_DIGITS])
    new_val, new_test = val_y >= 5, data.test_labels >= 5
    old = data.test_labels < 5
    return {"pool_x": fit_x[rows], "pool_y": fit_y[rows] - 5, "val_x": val_x[new_val], "val_y": val_y[new_val] - 5,
            "test_x": data.test_images[new_test], "test_y": data.test_labels[new_test] - 5,
            "old_x": data.test_images[old], "old_y": data.test_labels[old]}


def shots(labels: torch.Tensor, k: int, seed: int) -> torch.Tensor:
    """k indices per class, in a seeded order per class: the k shots of a seed contain its k' < k shots."""
    gen = torch.Generator().manual_seed(seed)
    out = []
    for c in labels.unique().tolist():
        rows = (labels == c).nonzero().flatten()
        out.append(rows[torch.randperm(len(rows), generator=gen)[:k]])
    return torch.cat(out)


# ---------------------------------------------------------------- linear probe (logistic regression)
@dataclass(frozen=True)
class LinearProbe:
    weight: torch.Tensor  # (C, D), on features divided by `scale`
    bias: torch.Tensor  # (C,)
    scale: float  # mean L2 norm of the training features

    def logits(self, features: torch.Tensor) -> torch.Tensor:
        return (features.double() / self.scale) @ self.weight.T + self.bias


def linear_probe(features: torch.Tensor, labels: torch.Tensor, n_classes: int, l2: float = PROBE_L2,
                 max_iter: int = 500) -> LinearProbe:
    """Multinomial logistic regression on frozen features, solved to its optimum with L-BFGS:
    minimise mean_i CE(W f_i / s + b, y_i) + l2/2 ||W||^2, s = mean ||f_i|| (bias not penalised).
    Convex, so the answer does not depend on the start or the seed."""
    scale = float(features.norm(dim=1).mean().clamp_min(1e-12))
    x = features.double() / scale
    w = torch.zeros(n_classes, x.shape[1], dtype=torch.float64, requires_grad=True)
    b = torch.zeros(n_classes, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([w, b], lr=1, max_iter=max_iter, history_size=20, tolerance_grad=1e-7,
                            tolerance_change=1e-12, line_search_fn="strong_wolfe")

    def closure() -> torch.Tensor:
        opt.zero_grad()
        loss = F.cross_entropy(x @ w.T + b, labels) + 0.5 * l2 * (w * w).sum()
        loss.backward()
        return loss

    opt.step(closure)
    return LinearProbe(w.detach(), b.detach(), scale)


# ---------------------------------------------------------------- fine-tuning and training from scratch
def seeded_init(module: nn.Module, seed: int) -> nn.Module:
    """PyTorch's default init (uniform ±1/sqrt(fan_in) for conv and linear weights and biases; BN
    γ=1, β=0) drawn from a private generator, so concurrent jobs cannot change each other's draws."""
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for m in module.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                bound = 1 / math.sqrt(m.weight[0].numel())
                m.weight.uniform_(-bound, bound, generator=gen)
                if m.bias is not None:
                    m.bias.uniform_(-bound, bound, generator=gen)
            elif isinstance(m, nn.BatchNorm2d):
                m.reset_parameters()
                m.reset_running_stats()
    return module


def fast(images: torch.Tensor) -> torch.Tensor:
    """Channels-last layout for 4-D activations: the same numbers, ~2x faster small convolutions on CPU."""
    return images.contiguous(memory_format=torch.channels_last) if images.ndim == 4 else images


@torch.no_grad()
def logits_of(fn: Callable[[torch.Tensor], torch.Tensor], inputs: torch.Tensor, chunk: int = 100) -> torch.Tensor:
    """fn over `inputs` in chunks (cache-sized activations), concatenated."""
    return torch.cat([fn(fast(part)) for part in inputs.split(chunk)])


def _train(net: TransferCnn, hidden: torch.Tensor, labels: torch.Tensor, start: int,
           groups: list[dict], steps: int, seed: int, batch: int) -> None:
    """Adam on `groups` for `steps` mini-batches of (hidden -> rest of the network)."""
    gen = torch.Generator().manual_seed(seed + 7919)
    opt = torch.optim.Adam(groups)
    n = len(labels)
    for _ in range(steps):
        idx = torch.randperm(n, generator=gen)[:batch] if n > batch else torch.arange(n)
        loss = F.cross_entropy(net.rest(hidden[idx], start), labels[idx])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()


def fine_tune(backbone: TransferCnn, images: torch.Tensor, labels: torch.Tensor, train_from: int,
              lr: float, steps: int = STEPS, seed: int = 0, batch: int = BATCH,
              trunk_lr_factor: float = 1.0) -> TransferCnn:
    """A copy of `backbone` with a new seeded head for labels.max()+1 classes; features[:train_from]
    frozen, the rest trained with Adam at `lr` (layers before the head at lr * trunk_lr_factor:
    discriminative learning rates). BatchNorm keeps the pretrained statistics (eval mode): a batch of
    5 digits would wreck them. train_from=0 fine-tunes everything; 6 trains the head only."""
    net = copy.deepcopy(backbone).eval().to(memory_format=torch.channels_last)
    n_classes = int(labels.max()) + 1
    net.classifier[-1] = seeded_init(nn.Linear(net.classifier[-1].in_features, n_classes), seed)
    for p in net.features[:train_from].parameters():
        p.requires_grad_(False)
    body = [p for p in net.features[train_from:].parameters()]
    groups = [{"params": list(net.classifier.parameters()), "lr": lr}]
    if body:
        groups.append({"params": body, "lr": lr * trunk_lr_factor})
    with torch.no_grad():
        hidden = net.trunk(fast(images), train_from)  # the frozen part runs once
    _train(net, hidden, labels, train_from, groups, steps, seed, batch)
    return net.eval()


def from_scratch(images: torch.Tensor, labels: torch.Tensor, width: int, lr: float = SCRATCH_LR,
                 steps: int = STEPS, seed: int = 0, batch: int = BATCH) -> TransferCnn:
    """The same architecture, randomly initialised (seeded), every layer trained (BatchNorm in
    training mode; no dropout, so the run is a function of its seed alone)."""
    n_classes = int(labels.max()) + 1
    net = seeded_init(TransferCnn(MnistCnnConfig(width=width, dropout=0.0, num_classes=n_classes)), seed)
    net = net.train().to(memory_format=torch.channels_last)
    with torch.no_grad():
        hidden = net.trunk(fast(images), 0)
    _train(net, hidden, labels, 0, [{"params": list(net.parameters()), "lr": lr}], steps, seed, batch)
    return net.eval()


@torch.no_grad()
def accuracy(logits: torch.Tensor, labels: torch.Tensor) -> float:
    return (logits.argmax(1) == labels).double().mean().item()


@torch.no_grad()
def old_task_accuracy(net: TransferCnn, backbone: TransferCnn, old_x: torch.Tensor, old_y: torch.Tensor) -> float:
    """Forgetting: the ORIGINAL 0-4 head of `backbone` reading the (possibly fine-tuned) features of `net`."""
    return accuracy(logits_of(lambda x: backbone.classifier(net.trunk(x, N_FEATURE_LAYERS)), old_x), old_y)


# ---------------------------------------------------------------- ImageNet features of digits and photos
def digits_as_photos(images: torch.Tensor, side: int = DIGIT_SIDE) -> torch.Tensor:
    """(B, 1, 28, 28) grey digits -> (B, 3, side, side) RGB in [0, 1], as a photo model expects."""
    return F.interpolate(images, size=(side, side), mode="bilinear", align_corners=False).expand(-1, 3, -1, -1)


@torch.no_grad()
def imagenet_features(model: nn.Module, images: torch.Tensor, batch: int = 100,
                      on_progress: Progress = None) -> torch.Tensor:
    """EfficientNet-Lite0's penultimate features (what its ImageNet head reads): (B, 1280).
    images: (B, 3, H, W) in [0, 1]; the model applies its own input scaling."""
    out = []
    last = len(model._blocks) - 1
    for i, chunk in enumerate(images.split(batch)):
        x = model.block_outputs(chunk, (last,))[last]  # (b, 320, H/32, W/32)
        out.append(F.relu6(model._bn1(model._conv_head(x))).mean(dim=(2, 3)))  # (b, 1280)
        if on_progress:
            on_progress(min(1.0, (i + 1) * batch / len(images)))
    return torch.cat(out)


def digit_imagenet_features(model: nn.Module, part: str = "test", on_progress: Progress = None) -> torch.Tensor:
    """EfficientNet features (500, 1280) of the new task's `part`: "pool" (the 500 labelled training
    digits) or "test" (the 500 held-out digits 5-9), upscaled to DIGIT_SIDE px. Computed once, then
    every probe and episode on them costs milliseconds."""
    return imagenet_features(model, digits_as_photos(new_task()[f"{part}_x"]), on_progress=on_progress)


# ---------------------------------------------------------------- how many labels: the sweep
def label_sweep(backbone: TransferCnn, imagenet: dict[str, torch.Tensor] | None = None, lr: float = 1e-3,
                seeds: int = 3, strategies: Sequence[str] = tuple(STRATEGIES), first_seed: int = 0,
                k_values: Sequence[int] = K_VALUES, steps: int = STEPS, on_progress: Progress = None) -> pd.DataFrame:
    """Learn digits 5-9 from k examples per class with each of `strategies` ("imagenet" needs
    {"pool": ..., "test": ...} from `digit_imagenet_features`), every k and seed; score on the 500
    held-out digits 5-9, and for runs that keep the 0-4 features also the ORIGINAL 0-4 head on the
    500 held-out digits 0-4 (forgetting). One row per run: strategy, k, seed, accuracy,
    train_accuracy, old_accuracy (NaN if not applicable), seconds. Seed s draws the same shots for
    every strategy, and no run depends on another: seeds first_seed..seeds-1 of a sweep are the same
    runs as in any other sweep. Only "last" and "full" depend on `lr` (the others are LR_FREE)."""
    task = new_task()
    px, py, tx, ty, ox, oy = (task[n] for n in ("pool_x", "pool_y", "test_x", "test_y", "old_x", "old_y"))
    frozen = copy.deepcopy(backbone).eval().to(memory_format=torch.channels_last)  # a private, faster copy
    emb_pool, emb_test = logits_of(frozen.embed, px), logits_of(frozen.embed, tx)
    frozen_old = accuracy(logits_of(frozen, ox), oy)
    test_hidden = {s: logits_of(lambda x, s=s: frozen.trunk(x, s), tx) for s in (0, LAST_BLOCK)}
    names = [s for s in strategies if s != "imagenet" or imagenet is not None]
    rows, total = [], (seeds - first_seed) * len(k_values) * len(names)
    for seed in range(first_seed, seeds):
        for k in k_values:
            idx = shots(py, k, seed)
            x, y = px[idx], py[idx]
            for name in names:
                start, old = time.perf_counter(), math.nan
                if name in ("probe", "imagenet"):
                    f_pool, f_test = (emb_pool, emb_test) if name == "probe" else (imagenet["pool"], imagenet["test"])
                    probe = linear_probe(f_pool[idx], y, len(NEW_DIGITS))
                    acc, train_acc = accuracy(probe.logits(f_test), ty), accuracy(probe.logits(f_pool[idx]), y)
                    old = frozen_old if name == "probe" else math.nan  # frozen features: the old head still works
                else:
                    begin = LAST_BLOCK if name == "last" else 0
                    net = (from_scratch(x, y, backbone.config.width, steps=steps, seed=seed) if name == "scratch"
                           else fine_tune(frozen, x, y, begin, lr, steps, seed))
                    hidden = test_hidden[begin] if name != "scratch" else test_hidden[0]
                    acc = accuracy(logits_of(lambda h: net.rest(h, begin), hidden), ty)
                    train_acc = accuracy(logits_of(net, x), y)
                    if name != "scratch":
                        old = old_task_accuracy(net, frozen, ox, oy)
                rows.append({"strategy": name, "k": k, "seed": seed, "accuracy": acc, "train_accuracy": train_acc,
                             "old_accuracy": old, "seconds": time.perf_counter() - start})
                if on_progress:
                    on_progress(len(rows) / total)
    return pd.DataFrame(rows)


def sweep_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Per (strategy, k), strategies in STRATEGIES order: mean, min and max accuracy over seeds, the
    mean old-task accuracy and the lowest training accuracy."""
    g = table.groupby(["strategy", "k"])
    out = g["accuracy"].agg(["mean", "min", "max", "count"])
    out["old"] = g["old_accuracy"].mean()
    out["train"] = g["train_accuracy"].min()
    out = out.reset_index()
    order = {name: i for i, name in enumerate(STRATEGIES)}
    return out.sort_values(["strategy", "k"], key=lambda c: c.map(order) if c.name == "strategy" else c,
                           ignore_index=True)


# ---------------------------------------------------------------- forgetting, and which layers to retrain
def forgetting_experiment(backbone: TransferCnn, k: int = 20, lrs: Sequence[float] = LR_OPTIONS, seed: int = 0,
                          steps: int = STEPS, on_progress: Progress = None) -> pd.DataFrame:
    """New-task (5-9) and old-task (0-4, original head) accuracy after fine-tuning at each rate:
    everything at one rate, everything with discriminative rates (layers below the head at lr/10),
    the last block only; the linear probe (frozen features) as the reference. Rows: lr, strategy,
    new_accuracy, old_accuracy."""
    task = new_task()
    px, py, tx, ty, ox, oy = (task[n] for n in ("pool_x", "pool_y", "test_x", "test_y", "old_x", "old_y"))
    idx = shots(py, k, seed)
    variants = {"full": (0, 1.0), "discriminative": (0, 0.1), "last": (LAST_BLOCK, 1.0)}
    frozen = copy.deepcopy(backbone).eval().to(memory_format=torch.channels_last)  # a private, faster copy
    probe = linear_probe(logits_of(frozen.embed, px[idx]), py[idx], len(NEW_DIGITS))
    probe_row = (accuracy(probe.logits(logits_of(frozen.embed, tx)), ty), accuracy(logits_of(frozen, ox), oy))
    rows, done, total = [], 0, len(lrs) * len(variants)
    for lr in lrs:
        rows.append({"lr": lr, "strategy": "probe", "new_accuracy": probe_row[0], "old_accuracy": probe_row[1]})
        for name, (begin, factor) in variants.items():
            net = fine_tune(frozen, px[idx], py[idx], begin, lr, steps, seed, trunk_lr_factor=factor)
            rows.append({"lr": lr, "strategy": name, "new_accuracy": accuracy(logits_of(net, tx), ty),
                         "old_accuracy": old_task_accuracy(net, frozen, ox, oy)})
            done += 1
            if on_progress:
                on_progress(done / total)
    return pd.DataFrame(rows)


def freeze_experiment(backbone: TransferCnn, k: int, lr: float, seeds: int = 2, steps: int = STEPS,
                      on_progress: Progress = None) -> pd.DataFrame:
    """Which layers to retrain: for each frozen depth in FREEZE_STOPS, new- and old-task accuracy
    (mean over seeds), trainable parameters and seconds per run."""
    task = new_task()
    px, py, tx, ty, ox, oy = (task[n] for n in ("pool_x", "pool_y", "test_x", "test_y", "old_x", "old_y"))
    frozen = copy.deepcopy(backbone).eval().to(memory_format=torch.channels_last)  # a private, faster copy
    rows, total = [], len(FREEZE_STOPS) * seeds
    for stop, what in FREEZE_STOPS.items():
        new, old, secs = [], [], []
        for seed in range(seeds):
            idx = shots(py, k, seed)
            start = time.perf_counter()
            net = fine_tune(frozen, px[idx], py[idx], stop, lr, steps, seed)
            secs.append(time.perf_counter() - start)
            new.append(accuracy(logits_of(net, tx), ty))
            old.append(old_task_accuracy(net, frozen, ox, oy))
            if on_progress:
                on_progress((len(rows) * seeds + seed + 1) / total)
        trainable = sum(p.numel() for p in net.parameters() if p.requires_grad)
        rows.append({"stop": stop, "frozen": what, "trainable": trainable, "new_accuracy": float(np.mean(new)),
                     "old_accuracy": float(np.mean(old)), "seconds": float(np.mean(secs))})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- teach it yourself: crops + EfficientNet + probe
TRAIN_PART = 0.6  # training crops come from the left 60 % of each picture, test crops from the rest
CROP_SIDE = 128  # pixels fed to EfficientNet per crop
WORK_SIDE = 256  # pictures are scaled so their shorter side is this many pixels first
TEACH_DEFAULTS = ("brick", "gravel", "grass", "coffee")  # bundled photos the classes start from
MAX_UPLOADS = 3  # pictures a class may have when you upload your own
MAX_ASPECT = 3  # longer side at most 3x the shorter before cropping (the middle is kept)


def crops(picture: torch.Tensor, n: int, part: str, seed: int, side: int = CROP_SIDE) -> torch.Tensor:
    """`n` random square crops (30-60 % of the shorter side; mirrored at random for training) from the
    "train" (left) or "test" (right) part of a (1, 3, H, W) picture, resized to side x side."""
    gen = torch.Generator().manual_seed(seed)
    _, _, h, w = picture.shape
    if max(h, w) > MAX_ASPECT * min(h, w):  # a 1 x 1000 strip would become 256 x 256,000: keep its middle
        keep_h, keep_w = min(h, MAX_ASPECT * w), min(w, MAX_ASPECT * h)
        top, left = (h - keep_h) // 2, (w - keep_w) // 2
        picture = picture[:, :, top:top + keep_h, left:left + keep_w]
        h, w = keep_h, keep_w
    scale = WORK_SIDE / min(h, w)
    pic = F.interpolate(picture, scale_factor=scale, mode="bilinear", align_corners=False, antialias=True)
    _, _, h, w = pic.shape
    lo, hi = (0, int(w * TRAIN_PART)) if part == "train" else (int(w * TRAIN_PART), w)
    out = []
    for _ in range(n):
        u = torch.rand(4, generator=gen).tolist()
        s = max(8, min(int((0.3 + 0.3 * u[0]) * min(h, w)), hi - lo, h))
        x0, y0 = lo + int(u[1] * (hi - lo - s)), int(u[2] * (h - s))
        c = pic[:, :, y0:y0 + s, x0:x0 + s]
        if part == "train" and u[3] < 0.5:
            c = c.flip(-1)
        out.append(F.interpolate(c, size=(side, side), mode="bilinear", align_corners=False, antialias=True))
    return torch.cat(out).clamp(0, 1)


def confusion_matrix(truth: torch.Tensor, predicted: torch.Tensor, n_classes: int) -> np.ndarray:
    """counts[i, j] = examples of class i predicted as class j."""
    m = np.zeros((n_classes, n_classes), dtype=int)
    np.add.at(m, (truth.numpy(), predicted.numpy()), 1)
    return m


def _spread(total: int, parts: int) -> list[int]:
    """`total` split into `parts` near-equal counts (the first ones get the remainder)."""
    return [total // parts + (j < total % parts) for j in range(parts)]


def teach(model: nn.Module, classes: Sequence[Sequence[torch.Tensor]], shots_per_class: int,
          test_per_class: int = 20, seed: int = 0, on_progress: Progress = None) -> dict:
    """Teachable-Machine style: each class is one or a few pictures ((1, 3, H, W) in [0, 1]);
    `shots_per_class` training crops per class come from the left parts of its pictures (spread
    evenly), EfficientNet features, a linear probe; tested on `test_per_class` crops from the
    pictures' unseen right parts. Returns train crops, confusion matrix, accuracy, probe fit time."""
    train, test = [], []
    for i, pictures in enumerate(classes):
        for j, (picture, n_train, n_test) in enumerate(zip(pictures, _spread(shots_per_class, len(pictures)),
                                                           _spread(test_per_class, len(pictures)))):
            if n_train:
                train.append(crops(picture, n_train, "train", seed + 31 * i + 7 * j))
            if n_test:
                test.append(crops(picture, n_test, "test", seed + 31 * i + 7 * j + 17))
    train_x, test_x = torch.cat(train), torch.cat(test)
    n = len(classes)
    train_y = torch.arange(n).repeat_interleave(shots_per_class)
    test_y = torch.arange(n).repeat_interleave(test_per_class)
    feats = imagenet_features(model, torch.cat([train_x, test_x]), batch=32, on_progress=on_progress)
    start = time.perf_counter()
    probe = linear_probe(feats[:len(train_x)], train_y, n)
    fit_seconds = time.perf_counter() - start
    logits = probe.logits(feats[len(train_x):])
    return {"train_crops": train_x, "test_crops": test_x, "confusion": confusion_matrix(test_y, logits.argmax(1), n),
            "accuracy": accuracy(logits, test_y), "fit_seconds": fit_seconds}


# ---------------------------------------------------------------- results precomputed for the default view
def recipe() -> dict:
    """Everything the sweep's numbers depend on besides the code: a precomputed file is used only
    when its recipe (and the backbone's sha256) equal today's."""
    from models import metadata

    return {"backbone_sha256": metadata("mnist_cnn_04")["sha256"], "steps": STEPS, "batch": BATCH,
            "k_values": list(K_VALUES), "scratch_lr": SCRATCH_LR, "probe_l2": PROBE_L2, "pool": [POOL_PER_CLASS, POOL_SEED],
            "last_block": LAST_BLOCK, "digit_side": DIGIT_SIDE, "forget_k": FORGET_K, "lr_options": list(LR_OPTIONS)}


def precomputed(kind: str, lr: float | None = None, seeds: int | None = None,
                path: Path = PRECOMPUTED) -> pd.DataFrame | None:
    """The committed result of `forgetting_experiment` ("forgetting") or of `label_sweep` ("sweep"):
    the committed runs with seed < `seeds` (runs never depend on each other), of every strategy when
    `lr` is the committed rate, else of the LR_FREE strategies only; None when nothing applies."""
    if not path.is_file():
        return None
    data = json.loads(path.read_text())
    if data["recipe"] != recipe() or kind not in data:
        return None
    table = pd.DataFrame(data[kind])
    if kind == "sweep":
        keep = (table["seed"] < seeds) & (table["strategy"].isin(LR_FREE) | (data["lr"] == lr))
        table = table[keep].reset_index(drop=True)
    return table


# ---------------------------------------------------------------- what the charts say (computed, not written)
SHORT = {"scratch": "Scratch", "probe": "Probe", "last": "Last block", "full": "Everything",
         "imagenet": "ImageNet probe"}  # strategy -> short name for bars and captions
BAR_LABELS = {k: v.replace(" ", "<br>") for k, v in SHORT.items()}  # two-line tick labels
IN_TEXT = {k: v if v.startswith("ImageNet") else v.lower() for k, v in SHORT.items()}  # inside a sentence


def labels_needed(summary: pd.DataFrame, target: float) -> dict[str, int | None]:
    """Per strategy, the smallest measured k whose mean accuracy reaches `target` (None: not by 100)."""
    out = {}
    for name in dict.fromkeys(summary["strategy"]):
        s = summary[(summary["strategy"] == name) & (summary["mean"] >= target)]
        out[name] = int(s["k"].min()) if len(s) else None
    return out


def sweep_sentence(summary: pd.DataFrame, target: float) -> str:
    """How many labels each strategy needs to reach `target`, cheapest first."""
    needed = labels_needed(summary, target)
    reached = sorted(((k, n) for n, k in needed.items() if k is not None))
    parts = [f"{IN_TEXT[n]} k = {k}" for k, n in reached]
    missing = [IN_TEXT[n] for n, k in needed.items() if k is None]
    text = f"To reach {target:.0%} on the held-out digits 5-9: " + (", ".join(parts) if parts else "no strategy does")
    if missing:
        text += f"; {', '.join(missing)}: not with {max(summary['k'])} examples per class"
    return text + " (mean over seeds; bands: min-max)."


def at_k_sentence(summary: pd.DataFrame, k: int, lr: float, old_before: float) -> str:
    """Accuracies at one k, the probe's margin over scratch, and what fine-tuning did to digits 0-4."""
    at = summary[summary["k"] == k].set_index("strategy")
    ranked = at["mean"].sort_values(ascending=False)
    text = f"At k = {k}: " + ", ".join(f"{IN_TEXT[n]} {v:.0%}" for n, v in ranked.items())
    gap = 100 * (at.loc["probe", "mean"] - at.loc["scratch", "mean"])
    text += (f"; the probe beats scratch by {gap:.0f} points." if gap >= 0.5 else
             f"; scratch beats the probe by {-gap:.0f} points." if gap <= -0.5 else "; the probe and scratch tie.")
    if "full" in at.index:
        text += (f" After fine-tuning everything at lr {lr:g}, the old 0-4 head scores {at.loc['full', 'old']:.0%} "
                 f"(it was {old_before:.0%}); the frozen probe leaves it untouched.")
    return text


def budget_sentence(table: pd.DataFrame, live: int = 0) -> str:
    """What the runs cost (`live` of them computed on this server, the rest committed) and how well
    each fits its own examples (so the gaps are generalisation)."""
    worst = table.loc[table["train_accuracy"].idxmin()]
    where = ("all committed with the page by `python -m train.transfer_precompute`" if live == 0 else
             f"{live} computed on this server" + ("" if live == len(table) else ", the rest committed with the page"))
    return (f"{len(table)} runs ({where}), {table['seconds'].sum():.0f} s of compute when they ran. Every trained run gets the same budget, "
            f"{STEPS} Adam steps on batches of at most {BATCH}; the probes are solved to their optimum. Lowest "
            f"accuracy on its own training examples: {IN_TEXT[worst['strategy']]} at k = {int(worst['k'])}, "
            f"{worst['train_accuracy']:.0%}.")


def forgetting_new_sentence(table: pd.DataFrame) -> str:
    """The new task's side of the forgetting experiment: the best rate, the highest, the probe."""
    full = table[table["strategy"] == "full"].set_index("lr")["new_accuracy"]
    probe = table.loc[table["strategy"] == "probe", "new_accuracy"].iloc[0]
    return (f"k = {FORGET_K} per class, one seed: fine-tuning everything does best on digits 5-9 at lr "
            f"{full.idxmax():g} ({full.max():.0%}) and reaches {full.iloc[-1]:.0%} at lr {full.index[-1]:g}; "
            f"the frozen probe does not depend on the rate ({probe:.0%}).")


def forgetting_sentence(table: pd.DataFrame) -> str:
    """Forgetting at the highest rate, for every strategy."""
    top = table["lr"].max()
    at = table[table["lr"] == top].set_index("strategy")
    return (f"At lr {top:g}, the old digits 0-4 keep {at.loc['full', 'old_accuracy']:.0%} after fine-tuning "
            f"everything, {at.loc['discriminative', 'old_accuracy']:.0%} with the lower rate below the head, "
            f"{at.loc['last', 'old_accuracy']:.0%} after the last block only, and "
            f"{at.loc['probe', 'old_accuracy']:.0%} with the frozen probe.")


def freeze_sentence(table: pd.DataFrame, k: int, lr: float) -> str:
    """Which frozen depth wins on the new task, and what it costs the old one."""
    best = table.loc[table["new_accuracy"].idxmax()]
    head = table.set_index("stop").loc[N_FEATURE_LAYERS]
    full = table.set_index("stop").loc[0]
    return (f"With k = {k} and lr {lr:g}, freezing {best['frozen']} does best on digits 5-9 "
            f"({best['new_accuracy']:.0%}, {int(best['trainable']):,} trainable numbers); training the head only "
            f"gives {head['new_accuracy']:.0%}, fine-tuning all {full['new_accuracy']:.0%} and leaves the old "
            f"0-4 head at {full['old_accuracy']:.0%}.")


def teach_sentence(taught: dict, names: Sequence[str]) -> str:
    """Accuracy on the unseen crops, the most confused pair, and the probe's fit time."""
    m = taught["confusion"].astype(float)
    per_class = m.sum(1)
    off = m - np.diag(np.diag(m))
    text = (f"{taught['accuracy']:.0%} of {int(per_class.sum())} crops from the pictures' unseen right parts are "
            f"classified correctly; the linear probe took {1000 * taught['fit_seconds']:.0f} ms to fit.")
    if off.max() > 0:
        i, j = np.unravel_index(off.argmax(), off.shape)
        text += f" Most confused: {names[i]} taken for {names[j]} ({int(off[i, j])} of {int(per_class[i])})."
    return text


# ---------------------------------------------------------------- figures only this page draws
def rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def sweep_figure(summary: pd.DataFrame, target: float, k: int, height: int = 400):
    """Accuracy vs labelled examples per class (log axis): one line per strategy (mean over seeds)
    with a min-max band, the target accuracy and the k being read off. (Built in one go: plotly's
    add_trace / add_hline copy the figure each time.)"""
    import plotly.graph_objects as go

    from demos.plots import OKABE_ITO

    data = []
    for i, (name, legend) in enumerate(STRATEGIES.items()):
        s = summary[summary["strategy"] == name]
        if s.empty:
            continue
        ks, colour = list(s["k"]), OKABE_ITO[i]
        data.append(dict(type="scatter", x=ks + ks[::-1], y=list(s["max"]) + list(s["min"])[::-1], mode="lines",
                         fill="toself", fillcolor=rgba(colour, 0.18), line=dict(width=0), hoverinfo="skip",
                         showlegend=False, name=f"{legend}: min-max"))
        data.append(dict(type="scatter", x=ks, y=list(s["mean"]), name=legend, mode="lines+markers",
                         line=dict(color=colour, width=3), marker=dict(size=8, symbol=i),
                         hovertemplate="k = %{x}: %{y:.1%}<extra>" + legend + "</extra>"))
    guide = dict(type="line", line=dict(color="gray", dash="dot"))
    layout = dict(
        height=height, margin=dict(l=10, r=10, t=10, b=10),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0, font=dict(size=12)),
        xaxis=dict(type="log", title=dict(text="labelled examples per class (k)"), tickvals=list(K_VALUES)),
        yaxis=dict(title=dict(text="accuracy, held-out 5-9"), range=[0, 1.02], tickformat=".0%"),
        shapes=[guide | dict(xref="paper", x0=0, x1=1, y0=target, y1=target),
                guide | dict(yref="paper", x0=k, x1=k, y0=0, y1=1, line=dict(color="gray", dash="dash"))],
        annotations=[dict(xref="paper", x=1, y=target, text=f"target {target:.0%}", showarrow=False,
                          xanchor="right", yanchor="top", font=dict(color="gray"))])
    return go.Figure(data=data, layout=layout)


def grouped_bars(categories: Sequence[str], series: dict[str, Sequence[float]], title: str | None = None,
                 height: int = 400, reference: tuple[float, str] | None = None):
    """Bars of several series side by side per category (accuracies), optional reference line."""
    import plotly.graph_objects as go

    from demos.plots import OKABE_ITO

    data = [dict(type="bar", x=list(categories), y=list(values), name=name, marker_color=OKABE_ITO[(i * 3) % 8],
                 textangle=0, text=[f"{v:.0%}" if v == v else "n/a" for v in values], textposition="auto")
            for i, (name, values) in enumerate(series.items())]
    layout = dict(barmode="group", title=title, height=height, margin=dict(l=10, r=10, t=40 if title else 10, b=10),
                  legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0, font=dict(size=12)),
                  yaxis=dict(range=[0, 1.05], tickformat=".0%"), xaxis=dict(tickangle=0))
    if reference is not None:
        layout["shapes"] = [dict(type="line", xref="paper", x0=0, x1=1, y0=reference[0], y1=reference[0],
                                 line=dict(color="gray", dash="dot"))]
        layout["annotations"] = [dict(xref="paper", x=0, y=reference[0], text=reference[1], showarrow=False,
                                      xanchor="left", yanchor="bottom", font=dict(color="gray"))]
    return go.Figure(data=data, layout=layout)


def montage(batch: torch.Tensor, rows: int, columns: int, gap: int = 4) -> np.ndarray:
    """(rows*columns', 3, s, s) images in row order -> one (H, W, 3) uint8 picture, `columns` per row
    (extra images dropped). For showing the crops a class was taught with."""
    from demos.images import to_image

    per_row = len(batch) // rows
    s = batch.shape[-1]
    out = np.full((rows * (s + gap) - gap, columns * (s + gap) - gap, 3), 255, dtype=np.uint8)
    for r in range(rows):
        for c in range(min(columns, per_row)):
            out[r * (s + gap): r * (s + gap) + s, c * (s + gap): c * (s + gap) + s] = to_image(batch[r * per_row + c])
    return out
