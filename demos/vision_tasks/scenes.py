"""Seeded shape scenes: the world the page's detector, segmenter and classifier live in.

A scene is a 64 × 64 RGB picture of one to four non-overlapping shapes (circle, rectangle, triangle),
each in a random colour on a plain, slightly noisy background, with its ground truth: a box and a class
per shape, and a class per pixel. Scene `i` of a split is drawn from the seed `SPLITS[split] + i`, so the
training, validation and held-out test scenes never share a seed.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

SIZE = 64  # px, square scenes (small enough to train three models on a laptop CPU in minutes)
CLASSES = ("circle", "rectangle", "triangle")  # mask value 1 + index; 0 is background
SPLITS = {"train": 0, "validation": 1_000_000, "test": 2_000_000}  # seed offset of each split
MAX_SHAPES = 4
SIDE_RANGE = (10, 26)  # px, a shape's box side


@dataclass(frozen=True)
class Scene:
    image: np.ndarray  # (H, W, 3) float32 in [0, 1]
    mask: np.ndarray  # (H, W) int64: 0 background, 1 + class index
    boxes: np.ndarray  # (N, 4) float32 (x0, y0, x1, y1) in px, pixel edges: a shape covers x0 <= x < x1
    labels: np.ndarray  # (N,) int64 class index


def _paint(kind: int, box: tuple[int, int, int, int], rng: np.random.Generator, size: int) -> np.ndarray:
    """Boolean (size, size) pixels of one shape inside `box` (x0, y0, x1, y1), tested at pixel centres."""
    x0, y0, x1, y1 = box
    ys, xs = np.mgrid[0:size, 0:size] + 0.5
    if kind == 0:  # circle: the largest one in a square box
        r = (x1 - x0) / 2
        return (xs - (x0 + x1) / 2) ** 2 + (ys - (y0 + y1) / 2) ** 2 <= r * r
    if kind == 1:
        return (xs >= x0) & (xs < x1) & (ys >= y0) & (ys < y1)
    # triangle: apex on one edge (top or bottom, at a random place), base along the opposite edge
    apex_x = x0 + rng.uniform(0.2, 0.8) * (x1 - x0)
    up = rng.random() < 0.5
    t = (ys - y0) / (y1 - y0) if up else (y1 - ys) / (y1 - y0)  # 0 at the apex, 1 at the base
    left, right = apex_x + t * (x0 - apex_x), apex_x + t * (x1 - apex_x)
    return (t >= 0) & (t <= 1) & (xs >= left) & (xs <= right)


def scene(seed: int, size: int = SIZE, max_shapes: int = MAX_SHAPES) -> Scene:
    """One scene drawn from `seed`: shapes placed so that their boxes (plus one pixel) never overlap;
    each box is then shrunk to the pixels the shape really covers."""
    rng = np.random.default_rng(seed)
    background = rng.uniform(0.75, 0.95, 3)
    image = np.broadcast_to(background, (size, size, 3)).copy()
    mask = np.zeros((size, size), np.int64)
    placed: list[tuple[int, int, int, int]] = []
    boxes, labels = [], []
    for _ in range(int(rng.integers(1, max_shapes + 1))):
        kind = int(rng.integers(len(CLASSES)))
        for _attempt in range(30):
            w = int(rng.integers(*SIDE_RANGE))
            h = w if kind == 0 else int(rng.integers(*SIDE_RANGE))
            x0, y0 = int(rng.integers(0, size - w + 1)), int(rng.integers(0, size - h + 1))
            box = (x0, y0, x0 + w, y0 + h)
            if all(box[0] > b[2] or b[0] > box[2] or box[1] > b[3] or b[1] > box[3] for b in placed):
                break
        else:
            continue  # no room left for this shape
        pixels = _paint(kind, box, rng, size)
        if pixels.sum() < 12:
            continue
        colour = rng.uniform(0.0, 0.6, 3)
        colour[rng.integers(3)] = rng.uniform(0.55, 1.0)  # one strong channel: saturated, unlike the grey ground
        image[pixels] = colour
        mask[pixels] = kind + 1
        ys, xs = np.nonzero(pixels)
        placed.append(box)
        boxes.append((xs.min(), ys.min(), xs.max() + 1, ys.max() + 1))
        labels.append(kind)
    image += rng.normal(0.0, 0.02, image.shape)
    return Scene(np.clip(image, 0, 1).astype(np.float32), mask,
                 np.array(boxes, np.float32).reshape(-1, 4), np.array(labels, np.int64))


def split_seed(split: str, index: int) -> int:
    """The seed of scene `index` of a split."""
    return SPLITS[split] + index


def scenes(split: str, n: int, start: int = 0) -> list[Scene]:
    return [scene(split_seed(split, i)) for i in range(start, start + n)]


def to_tensors(batch: list[Scene]) -> tuple[torch.Tensor, torch.Tensor]:
    """Images (B, 3, H, W) in [0, 1] and masks (B, H, W)."""
    images = torch.from_numpy(np.stack([s.image for s in batch])).permute(0, 3, 1, 2).contiguous()
    return images, torch.from_numpy(np.stack([s.mask for s in batch]))


def presence(s: Scene) -> np.ndarray:
    """(C,) 1.0 for each class with at least one shape in the scene: the classification target."""
    out = np.zeros(len(CLASSES), np.float32)
    out[s.labels] = 1.0
    return out
