"""Boxes: intersection over union and greedy non-maximum suppression, written out, stepped one
suppression at a time (the IoU and NMS tab). Boxes are (x0, y0, x1, y1) with x1 > x0, y1 > y0."""
from __future__ import annotations

from dataclasses import dataclass

import torch


def box_area(boxes: torch.Tensor) -> torch.Tensor:
    """(N, 4) -> (N,) areas."""
    return (boxes[:, 2] - boxes[:, 0]).clamp(min=0) * (boxes[:, 3] - boxes[:, 1]).clamp(min=0)


def intersection(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """(N, 4), (M, 4) -> (N, M) areas of the overlap rectangles (0 where boxes do not meet)."""
    lo = torch.maximum(a[:, None, :2], b[None, :, :2])  # (N, M, 2) top-left of the overlap
    hi = torch.minimum(a[:, None, 2:], b[None, :, 2:])  # (N, M, 2) bottom-right
    wh = (hi - lo).clamp(min=0)
    return wh[..., 0] * wh[..., 1]


def iou(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """(N, 4), (M, 4) -> (N, M) IoU = |A ∩ B| / |A ∪ B| = inter / (area A + area B − inter)."""
    inter = intersection(a, b)
    return inter / (box_area(a)[:, None] + box_area(b)[None, :] - inter)


@dataclass(frozen=True)
class Step:
    kept: int  # index of the box kept at this step (the highest score still standing)
    suppressed: tuple[int, ...]  # indices it removed
    ious: tuple[float, ...]  # the IoU with the kept box that removed each


def nms_steps(boxes: torch.Tensor, scores: torch.Tensor, iou_threshold: float,
              labels: torch.Tensor | None = None) -> list[Step]:
    """Greedy NMS, one step per kept box: take the highest-scoring box left, keep it, and remove every
    remaining box whose IoU with it is above `iou_threshold` (ties in score: the lower index first).
    With `labels`, a box removes only boxes of its own class (the same result as NMS run per class)."""
    order = sorted(range(len(scores)), key=lambda i: (-float(scores[i]), i))
    overlaps = iou(boxes, boxes)
    steps: list[Step] = []
    alive = list(order)
    while alive:
        best, rest = alive[0], alive[1:]
        gone = [j for j in rest if float(overlaps[best, j]) > iou_threshold
                and (labels is None or int(labels[j]) == int(labels[best]))]
        steps.append(Step(best, tuple(gone), tuple(round(float(overlaps[best, j]), 4) for j in gone)))
        alive = [j for j in rest if j not in gone]
    return steps


def nms(boxes: torch.Tensor, scores: torch.Tensor, iou_threshold: float) -> torch.Tensor:
    """Indices of the boxes NMS keeps, highest score first (as torchvision.ops.nms)."""
    return torch.tensor([s.kept for s in nms_steps(boxes, scores, iou_threshold)], dtype=torch.long)


def batched_nms(boxes: torch.Tensor, scores: torch.Tensor, labels: torch.Tensor,
                iou_threshold: float) -> torch.Tensor:
    """NMS within each class only: a circle never suppresses a triangle. Kept indices by score."""
    return torch.tensor([s.kept for s in nms_steps(boxes, scores, iou_threshold, labels)], dtype=torch.long)
