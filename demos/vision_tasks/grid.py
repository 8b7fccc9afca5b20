"""The one-stage detector's maths: anchors by k-means on box sizes, target assignment (which cell and
anchor owns each ground-truth box), the YOLO-style loss, and decoding the grid into scored boxes."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from demos.vision_tasks.boxes import batched_nms

LAMBDA_COORD, LAMBDA_NOOBJ = 5.0, 0.5  # YOLO v1's weights: boxes count more, empty cells less


def size_iou(wh: np.ndarray, anchors: np.ndarray) -> np.ndarray:
    """(N, 2), (K, 2) -> (N, K) IoU of boxes and anchors placed on the same centre (sizes only)."""
    inter = np.minimum(wh[:, None, 0], anchors[None, :, 0]) * np.minimum(wh[:, None, 1], anchors[None, :, 1])
    return inter / (wh[:, None].prod(-1) + anchors[None].prod(-1) - inter)


def kmeans_anchors(wh: np.ndarray, k: int, seed: int = 0, iters: int = 50) -> tuple[np.ndarray, np.ndarray]:
    """k-means on box (w, h) with distance 1 − IoU (YOLOv2): returns (anchors (k, 2) sorted by area,
    each box's anchor (N,)). Starts from k distinct boxes drawn with `seed`."""
    rng = np.random.default_rng(seed)
    anchors = wh[rng.choice(len(wh), k, replace=False)].astype(np.float64)
    for _ in range(iters):
        owner = size_iou(wh, anchors).argmax(1)
        new = np.array([wh[owner == j].mean(0) if (owner == j).any() else anchors[j] for j in range(k)])
        if np.allclose(new, anchors):
            break
        anchors = new
    anchors = anchors[np.argsort(anchors.prod(1))]
    return anchors, size_iou(wh, anchors).argmax(1)


@dataclass(frozen=True)
class Targets:
    objectness: torch.Tensor  # (A, S, S) 1 where an anchor of a cell owns a box
    box: torch.Tensor  # (A, 4, S, S) tx, ty in [0, 1) (centre inside the cell), tw = log(w / anchor w), th
    label: torch.Tensor  # (A, S, S) class index, −1 where nothing is owned
    owner: list[tuple[int, int, int]]  # per ground-truth box: (anchor, row, column) that owns it


def assign(boxes: torch.Tensor, labels: torch.Tensor, anchors: torch.Tensor, grid: int, image_size: int) -> Targets:
    """Each box is owned by the cell that contains its centre and, in that cell, by the anchor whose
    shape fits it best (highest size IoU). Two boxes on the same cell and anchor: the later one wins."""
    a, cell = len(anchors), image_size / grid
    obj, box, lab = torch.zeros(a, grid, grid), torch.zeros(a, 4, grid, grid), torch.full((a, grid, grid), -1)
    owner = []
    for (x0, y0, x1, y1), c in zip(boxes.tolist(), labels.tolist()):
        cx, cy, w, h = (x0 + x1) / 2, (y0 + y1) / 2, x1 - x0, y1 - y0
        col, row = min(int(cx // cell), grid - 1), min(int(cy // cell), grid - 1)
        k = int(size_iou(np.array([[w, h]]), anchors.numpy()).argmax())
        obj[k, row, col] = 1.0
        box[k, :, row, col] = torch.tensor([cx / cell - col, cy / cell - row,
                                            np.log(w / float(anchors[k, 0])), np.log(h / float(anchors[k, 1]))])
        lab[k, row, col] = c
        owner.append((k, row, col))
    return Targets(obj, box, lab, owner)


def stack(targets: list[Targets]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    return (torch.stack([t.objectness for t in targets]), torch.stack([t.box for t in targets]),
            torch.stack([t.label for t in targets]))


def detection_loss(grid_out: torch.Tensor, objectness: torch.Tensor, box: torch.Tensor,
                   label: torch.Tensor) -> dict[str, torch.Tensor]:
    """The loss per image (sums over cells, mean over the batch): grid_out (B, A, 5 + C, S, S) raw;
    targets (B, A, S, S), (B, A, 4, S, S), (B, A, S, S). Parts: λ_coord · squared box error on owning
    anchors (centre through a sigmoid), objectness BCE (empty anchors weighted λ_noobj), class CE."""
    b = grid_out.shape[0]
    pos = objectness > 0
    bce = nn.functional.binary_cross_entropy_with_logits(grid_out[:, :, 0], objectness, reduction="none")
    obj = (bce[pos].sum() + LAMBDA_NOOBJ * bce[~pos].sum()) / b
    pred_box = torch.cat([torch.sigmoid(grid_out[:, :, 1:3]), grid_out[:, :, 3:5]], 2)  # (B, A, 4, S, S)
    err = ((pred_box - box) ** 2).sum(2)  # (B, A, S, S)
    coord = LAMBDA_COORD * err[pos].sum() / b
    logits = grid_out[:, :, 5:].permute(0, 1, 3, 4, 2)  # (B, A, S, S, C)
    cls = nn.functional.cross_entropy(logits[pos], label[pos], reduction="sum") / b if pos.any() else obj * 0
    return {"total": coord + obj + cls, "box": coord, "objectness": obj, "class": cls}


@dataclass(frozen=True)
class Detections:
    boxes: torch.Tensor  # (N, 4) px
    scores: torch.Tensor  # (N,) objectness × class probability
    labels: torch.Tensor  # (N,)


def decode(grid_out: torch.Tensor, anchors: torch.Tensor, image_size: int) -> Detections:
    """One image's raw grid (A, 5 + C, S, S) -> every anchor's box, score and class (before NMS)."""
    a, _, s, _ = grid_out.shape
    cell = image_size / s
    rows, cols = torch.meshgrid(torch.arange(s), torch.arange(s), indexing="ij")
    cx = (cols + torch.sigmoid(grid_out[:, 1])) * cell  # (A, S, S)
    cy = (rows + torch.sigmoid(grid_out[:, 2])) * cell
    w = anchors[:, 0, None, None] * torch.exp(grid_out[:, 3].clamp(max=4))
    h = anchors[:, 1, None, None] * torch.exp(grid_out[:, 4].clamp(max=4))
    probs = torch.softmax(grid_out[:, 5:], 1).max(1)  # (A, S, S)
    scores = torch.sigmoid(grid_out[:, 0]) * probs.values
    boxes = torch.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], -1)  # (A, S, S, 4)
    return Detections(boxes.reshape(-1, 4), scores.reshape(-1), probs.indices.reshape(-1))


def detect(raw: Detections, score_threshold: float, iou_threshold: float) -> Detections:
    """Boxes above the score threshold, then per-class NMS."""
    keep = raw.scores >= score_threshold
    d = Detections(raw.boxes[keep], raw.scores[keep], raw.labels[keep])
    if len(d.scores) == 0:
        return d
    k = batched_nms(d.boxes, d.scores, d.labels, iou_threshold)
    return Detections(d.boxes[k], d.scores[k], d.labels[k])


def objectness_map(grid_out: torch.Tensor) -> torch.Tensor:
    """(A, 5 + C, S, S) -> (S, S): each cell's highest objectness probability over its anchors."""
    return torch.sigmoid(grid_out[:, 0]).amax(0)
