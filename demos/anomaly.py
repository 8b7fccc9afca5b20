"""Autoencoder anomaly detection: train on normal data only, flag what the model cannot rebuild.

Scores are mean squared reconstruction errors; the threshold is chosen on normal validation data
(a percentile, or mean + k standard deviations); metrics (precision, recall, F1, ROC, PR, AUROC,
average precision) are computed here with numpy so every number on the page can be checked by hand.
"""
from __future__ import annotations

import numpy as np
import torch
from torch import nn

CORRUPTIONS = ("noise", "occlusion", "inversion", "rotation")


@torch.no_grad()
def reconstruct(ae: nn.Module, images: torch.Tensor, normal_class: int) -> tuple[torch.Tensor, torch.Tensor]:
    """(reconstructions in [0, 1] (N, 1, 28, 28), latent codes (N, latent)) from a one-class AE."""
    logits, codes = ae(images, normal_class)
    return torch.sigmoid(logits), codes


def pixel_errors(images: torch.Tensor, reconstructions: torch.Tensor) -> torch.Tensor:
    """Squared error per pixel, (N, H, W)."""
    return ((images - reconstructions) ** 2).flatten(0, 1) if images.shape[1] == 1 else \
        ((images - reconstructions) ** 2).mean(1)


def reconstruction_errors(ae: nn.Module, images: torch.Tensor, normal_class: int) -> torch.Tensor:
    """Anomaly score per image: mean squared reconstruction error, (N,)."""
    recon, _ = reconstruct(ae, images, normal_class)
    return pixel_errors(images, recon).mean(dim=(1, 2))


def threshold_percentile(normal_errors: np.ndarray, q: float) -> float:
    """Flag anything above the q-th percentile of errors on normal validation data
    (so about (100 - q)% of normal data will be flagged: the false-alarm rate you chose)."""
    return float(np.percentile(normal_errors, q))


def threshold_sigma(normal_errors: np.ndarray, k: float) -> float:
    """Flag anything above mean + k * std of the normal validation errors."""
    return float(np.mean(normal_errors) + k * np.std(normal_errors))


def confusion(scores: np.ndarray, is_anomaly: np.ndarray, threshold: float) -> dict[str, int]:
    """Counts with "anomaly" as the positive class: flagged = score > threshold."""
    flagged = scores > threshold
    return {"tp": int(np.sum(flagged & is_anomaly)), "fp": int(np.sum(flagged & ~is_anomaly)),
            "fn": int(np.sum(~flagged & is_anomaly)), "tn": int(np.sum(~flagged & ~is_anomaly))}


def precision_recall_f1(counts: dict[str, int]) -> dict[str, float]:
    """Precision tp/(tp+fp) is undefined (NaN) when nothing is flagged; recall tp/(tp+fn) is NaN
    without anomalies; F1 = 2tp/(2tp+fp+fn), the harmonic mean, defined whenever there is anything."""
    tp, fp, fn = counts["tp"], counts["fp"], counts["fn"]
    precision = tp / (tp + fp) if tp + fp else float("nan")
    recall = tp / (tp + fn) if tp + fn else float("nan")
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else float("nan")
    return {"precision": precision, "recall": recall, "f1": f1}


def false_alarm_rate(counts: dict[str, int]) -> float:
    """Share of normal items flagged, fp/(fp+tn) (NaN without normal items)."""
    return counts["fp"] / (counts["fp"] + counts["tn"]) if counts["fp"] + counts["tn"] else float("nan")


def _sweep(scores: np.ndarray, is_anomaly: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cumulative true/false positives as the threshold drops past each distinct score."""
    order = np.argsort(-scores, kind="mergesort")
    s, y = scores[order], is_anomaly[order].astype(float)
    last = np.r_[np.flatnonzero(np.diff(s)), len(s) - 1]  # last index of each run of equal scores
    return np.cumsum(y)[last], np.cumsum(1 - y)[last], s[last]


def roc_curve(scores: np.ndarray, is_anomaly: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(false-positive rates, true-positive rates, thresholds), starting at (0, 0)."""
    tps, fps, thresholds = _sweep(scores, is_anomaly)
    return (np.r_[0, fps / max(fps[-1], 1)], np.r_[0, tps / max(tps[-1], 1)],
            np.r_[np.inf, thresholds])


def pr_curve(scores: np.ndarray, is_anomaly: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(precision, recall, thresholds) as the threshold drops, highest threshold first."""
    tps, fps, thresholds = _sweep(scores, is_anomaly)
    return tps / (tps + fps), tps / max(tps[-1], 1), thresholds


def auroc(scores: np.ndarray, is_anomaly: np.ndarray) -> float:
    """Area under the ROC curve = P(score of a random anomaly > score of a random normal)."""
    fpr, tpr, _ = roc_curve(scores, is_anomaly)
    return float(np.trapezoid(tpr, fpr))


def average_precision(scores: np.ndarray, is_anomaly: np.ndarray) -> float:
    """Average precision (AP): sum over thresholds of (recall gained) x precision. A step-wise
    summary of the precision-recall curve, not the trapezoidal area under it (which is optimistic)."""
    precision, recall, _ = pr_curve(scores, is_anomaly)
    return float(np.sum(np.diff(np.r_[0, recall]) * precision))


def corrupt(images: torch.Tensor, kind: str, generator: torch.Generator) -> torch.Tensor:
    """Damaged digits, still in [0, 1]: Gaussian noise, a blanked square, inverted ink, or a
    rotation by 90-270 degrees."""
    n = len(images)
    if kind == "noise":
        return (images + 0.35 * torch.randn(images.shape, generator=generator)).clamp(0, 1)
    if kind == "occlusion":
        out = images.clone()
        corners = torch.randint(4, 14, (n, 2), generator=generator)
        for i, (r, c) in enumerate(corners.tolist()):
            out[i, :, r:r + 12, c:c + 12] = 1.0
        return out
    if kind == "inversion":
        return 1.0 - images
    if kind == "rotation":
        turns = torch.randint(1, 4, (n,), generator=generator)
        return torch.stack([torch.rot90(img, int(k), dims=(1, 2)) for img, k in zip(images, turns)])
    raise ValueError(f"unknown corruption {kind!r}; choose from {CORRUPTIONS}")


def test_mixture(test_images: torch.Tensor, test_labels: torch.Tensor, normal_class: int,
                 others: bool, corruptions: tuple[str, ...], seed: int,
                 per_group: int = 100) -> tuple[torch.Tensor, np.ndarray, list[str]]:
    """Held-out normal digits + (optionally) other digits + corrupted normal digits.
    Returns (images, is_anomaly, group name per image)."""
    gen = torch.Generator().manual_seed(seed)
    normal = test_images[test_labels == normal_class]
    parts, groups = [normal], ["normal"] * len(normal)
    if others:
        other = test_images[test_labels != normal_class]
        parts.append(other[torch.randperm(len(other), generator=gen)[:per_group]])
        groups += ["other digit"] * per_group
    for kind in corruptions:
        picks = normal[torch.randint(len(normal), (per_group // 4,), generator=gen)]
        parts.append(corrupt(picks, kind, gen))
        groups += [kind] * len(picks)
    is_anomaly = np.array([g != "normal" for g in groups])
    return torch.cat(parts), is_anomaly, groups


def pca_2d(codes: np.ndarray) -> np.ndarray:
    """Project latent codes (N, D) onto their first two principal components, (N, 2)."""
    centred = codes - codes.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    return centred @ vt[:2].T


@torch.no_grad()
def window_errors(ae: nn.Module, signal: np.ndarray, window: int,
                  stride: int) -> tuple[np.ndarray, np.ndarray]:
    """Score every window of a 1-D signal (mean squared error) and stitch a per-sample
    reconstruction (the mean of the overlapping windows' reconstructions)."""
    from models.ecg import windows

    w = windows(signal, window, stride)
    recon = ae(torch.from_numpy(w))[0].numpy()
    total, count = np.zeros(len(signal)), np.zeros(len(signal))
    for i, start in enumerate(range(0, len(signal) - window + 1, stride)):
        total[start:start + window] += recon[i]
        count[start:start + window] += 1
    return ((recon - w) ** 2).mean(axis=1), total / np.maximum(count, 1)


def spans(flags: np.ndarray, window: int, stride: int, rate: float) -> list[tuple[float, float]]:
    """Merge flagged windows (one flag per window start) into (start, end) time spans in seconds."""
    out: list[tuple[float, float]] = []
    for i in np.flatnonzero(flags):
        a, b = i * stride / rate, (i * stride + window) / rate
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out
