"""Scores of the three tasks: average precision and mAP@0.5 for detection (the PR curve), IoU and
Dice per class for segmentation."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from demos.vision_tasks.boxes import iou


@dataclass(frozen=True)
class PrCurve:
    precision: np.ndarray  # (K,) after each detection, in score order
    recall: np.ndarray  # (K,)
    scores: np.ndarray  # (K,)
    ap: float  # area under the interpolated curve
    n_truth: int


def match(pred_boxes: torch.Tensor, pred_scores: torch.Tensor, true_boxes: torch.Tensor,
          threshold: float = 0.5) -> np.ndarray:
    """(K,) bool: is each prediction (taken in score order) a true positive? A prediction matches the
    unmatched ground-truth box it overlaps most if that IoU is ≥ threshold; a box matches only once."""
    order = torch.argsort(pred_scores, descending=True, stable=True)
    hit = np.zeros(len(order), bool)
    if len(true_boxes) == 0 or len(order) == 0:
        return hit
    overlaps = iou(pred_boxes[order], true_boxes)
    used = set()
    for k in range(len(order)):
        for j in torch.argsort(overlaps[k], descending=True).tolist():
            if j not in used and float(overlaps[k, j]) >= threshold:
                used.add(j)
                hit[k] = True
            break  # only the best-overlapping box is considered (VOC)
    return hit


def average_precision(hits: np.ndarray, scores: np.ndarray, n_truth: int) -> PrCurve:
    """AP over one class pooled across images: hits and scores of every prediction, n_truth boxes.
    Precision is made monotone (the max to its right), then summed over the steps of recall (VOC 2010+,
    all points)."""
    order = np.argsort(-scores, kind="stable")
    hits, scores = hits[order], scores[order]
    tp = np.cumsum(hits)
    precision = tp / np.arange(1, len(hits) + 1)
    recall = tp / max(n_truth, 1)
    envelope = np.maximum.accumulate(np.concatenate([precision, [0.0]])[::-1])[::-1]
    r = np.concatenate([[0.0], recall])
    ap = float(np.sum((r[1:] - r[:-1]) * envelope[:-1])) if n_truth else 0.0
    return PrCurve(precision, recall, scores, ap, n_truth)


def mean_average_precision(predictions: list, truths: list, num_classes: int,
                           threshold: float = 0.5) -> tuple[float, list[PrCurve]]:
    """mAP@threshold: predictions [(boxes, scores, labels)] and truths [(boxes, labels)] per image ->
    (mean AP over classes, one PR curve per class)."""
    curves = []
    for c in range(num_classes):
        hits, scores, n = [], [], 0
        for (pb, ps, pl), (tb, tl) in zip(predictions, truths):
            p, t = pl == c, tl == c
            hits.append(match(pb[p], ps[p], tb[t], threshold))
            scores.append(np.sort(ps[p].numpy())[::-1])  # the order match() used
            n += int(t.sum())
        curves.append(average_precision(np.concatenate(hits), np.concatenate(scores), n))
    return float(np.mean([c.ap for c in curves])), curves


def mask_scores(pred: torch.Tensor, true: torch.Tensor, num_classes: int) -> dict[str, np.ndarray]:
    """Per class IoU = |P ∩ T| / |P ∪ T| and Dice = 2|P ∩ T| / (|P| + |T|) over label maps of any shape
    (NaN for a class absent from both)."""
    ious, dices = np.full(num_classes, np.nan), np.full(num_classes, np.nan)
    for c in range(num_classes):
        p, t = pred == c, true == c
        inter, total = int((p & t).sum()), int(p.sum() + t.sum())
        if total:
            ious[c], dices[c] = inter / (total - inter), 2 * inter / total
    return {"iou": ious, "dice": dices}


def soft_dice_loss(logits: torch.Tensor, masks: torch.Tensor, eps: float = 1.0) -> torch.Tensor:
    """1 − mean over classes of 2 Σ p·t / (Σ p + Σ t) (Milletari et al. 2016), p the softmax, t one-hot;
    logits (B, K, H, W), masks (B, H, W). `eps` keeps an absent class from dividing by zero."""
    p = torch.softmax(logits, 1)
    t = torch.nn.functional.one_hot(masks, logits.shape[1]).permute(0, 3, 1, 2).float()
    inter, total = (p * t).sum((0, 2, 3)), (p + t).sum((0, 2, 3))
    return 1 - ((2 * inter + eps) / (total + eps)).mean()
