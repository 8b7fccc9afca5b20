"""Teach it yourself (Teachable Machine style): each class is one picture, or a few of your own;
training crops come from the left part of each picture and test crops from the right part, so the test
never sees a training pixel. EfficientNet-Lite0's ImageNet features and a linear probe are the whole
classifier: the network itself is never changed.
"""
from __future__ import annotations

import time
from typing import Hashable, Sequence

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from demos import plots
from demos.images import PHOTOS, to_image
from demos.transfer_learning.imagenet import imagenet_features
from demos.transfer_learning.probe import linear_probe
from demos.transfer_learning.task import Progress, accuracy

TRAIN_PART = 0.6  # training crops come from the left 60 % of each picture, test crops from the rest
CROP_SIDE = 128  # pixels fed to EfficientNet per crop
WORK_SIDE = 256  # pictures are scaled so their shorter side is this many pixels first
TEACH_DEFAULTS = ("brick", "gravel", "grass", "coffee")  # bundled photos the classes start from
MAX_UPLOADS = 3  # pictures a class may have when you upload your own
FEATURE_BATCH = 8  # crops embedded at once: 32 cost +342 MB on a fresh server for 4 classes x 40 crops, 8 +252 MB
MAX_ASPECT = 3  # longer side at most 3x the shorter before cropping (the middle is kept)
OPTIONS = (*PHOTOS, "upload")  # what each class can be: a bundled photo, or your own pictures


def option_name(option: str) -> str:
    """How a class's choice is shown in its menu."""
    return "Upload your own" if option == "upload" else PHOTOS[option].title


# ---------------------------------------------------------------- crops, features, a probe, the confusion matrix
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
    feats = imagenet_features(model, torch.cat([train_x, test_x]), batch=FEATURE_BATCH,
                              on_progress=on_progress)
    start = time.perf_counter()
    probe = linear_probe(feats[:len(train_x)], train_y, n)
    fit_seconds = time.perf_counter() - start
    logits = probe.logits(feats[len(train_x):])
    return {"train_crops": train_x, "test_crops": test_x, "confusion": confusion_matrix(test_y, logits.argmax(1), n),
            "accuracy": accuracy(logits, test_y), "fit_seconds": fit_seconds}


# ---------------------------------------------------------------- figures: the training crops, the confusion matrix
def montage(batch: torch.Tensor, rows: int, columns: int, gap: int = 4) -> np.ndarray:
    """(rows*columns', 3, s, s) images in row order -> one (H, W, 3) uint8 picture, `columns` per row
    (extra images dropped). For showing the crops a class was taught with."""
    per_row = len(batch) // rows
    s = batch.shape[-1]
    out = np.full((rows * (s + gap) - gap, columns * (s + gap) - gap, 3), 255, dtype=np.uint8)
    for r in range(rows):
        for c in range(min(columns, per_row)):
            out[r * (s + gap): r * (s + gap) + s, c * (s + gap): c * (s + gap) + s] = to_image(batch[r * per_row + c])
    return out


def crops_figure(taught: dict, n_classes: int, shots_per_class: int):
    """What each class was taught with: one row per class, up to 8 of its training crops."""
    return plots.image_figure(montage(taught["train_crops"], n_classes, min(shots_per_class, 8)),
                              "What each class was taught with (one row per class)", height=300)


def confusion_figure(taught: dict, names: Sequence[str]):
    """Counts of unseen crops of each class (rows) taken for each class (columns)."""
    return plots.heatmap(taught["confusion"], "Confusion on unseen crops", x=names, y=names, text_format="d",
                         square=False, height=300)


# ---------------------------------------------------------------- names and captions (computed, not written)
def class_names(ids: Sequence[Hashable]) -> list[str]:
    """Numbered names of the classes: a bundled photo's title, or how many pictures were uploaded
    (an uploaded class's id is the tuple of its upload ids)."""
    return [f"{n + 1}. " + (PHOTOS[i].title if i in PHOTOS else f"your {len(i)} picture(s)") for n, i in enumerate(ids)]


def same_picture_twice(ids: Sequence[Hashable]) -> bool:
    """Two classes taught with the same picture(s): nothing can tell them apart."""
    return len(set(ids)) < len(ids)


def crops_caption(shots_per_class: int) -> str:
    """Where the training crops (shown) and the test crops come from."""
    return (f"{shots_per_class} crop(s) per class, cut from the left {TRAIN_PART:.0%} of its picture(s) "
            "(up to 8 shown); the test crops come from the right part, never seen in training.")


def confusion_caption(taught: dict, names: Sequence[str]) -> str:
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
