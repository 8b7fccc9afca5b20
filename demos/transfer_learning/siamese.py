"""The metric view of few-shot learning: a Siamese network (Bromley et al. 1993; Koch et al. 2015) runs
one shared encoder on both images of a pair and compares the embeddings; verification thresholds the
distance, trading false accepts against false rejects (the ROC). Here the encoder is the 0-4 digit CNN,
trained by plain classification, and the pairs are digits 5-9 it never saw.
"""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from demos import plots


def pair_distances(embeddings: torch.Tensor, labels: torch.Tensor, n_pairs: int = 2000,
                   seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Distances between L2-normalised embeddings (0 = same direction, 2 = opposite) of `n_pairs`
    random same-class pairs and `n_pairs` random different-class pairs: the Siamese view, one
    shared encoder applied to both images of a pair."""
    gen = torch.Generator().manual_seed(seed)
    z = F.normalize(embeddings.double(), dim=1)
    n = len(labels)
    i, j = torch.randint(n, (8 * n_pairs,), generator=gen), torch.randint(n, (8 * n_pairs,), generator=gen)
    ok = i != j
    i, j = i[ok], j[ok]
    same = labels[i] == labels[j]
    def dist(a, b):
        return (z[a] - z[b]).norm(dim=1).numpy()
    return dist(i[same][:n_pairs], j[same][:n_pairs]), dist(i[~same][:n_pairs], j[~same][:n_pairs])


def error_rates(same: np.ndarray, different: np.ndarray, threshold: float) -> tuple[float, float]:
    """Verification says "same" when distance <= threshold: (false accept rate = different pairs
    accepted, false reject rate = same pairs rejected)."""
    return float(np.mean(different <= threshold)), float(np.mean(same > threshold))


def roc(same: np.ndarray, different: np.ndarray) -> dict[str, np.ndarray | float]:
    """ROC over every threshold: false accept rate vs true accept rate, its area, and the equal
    error rate (where false accepts = false rejects) with its threshold."""
    thresholds = np.unique(np.concatenate([[0.0], same, different, [np.inf]]))
    far = np.array([np.mean(different <= t) for t in thresholds])
    tar = np.array([np.mean(same <= t) for t in thresholds])
    frr = 1 - tar
    i = int(np.argmin(np.abs(far - frr)))
    return {"far": far, "tar": tar, "auc": float(np.trapezoid(tar, far)), "eer": float((far[i] + frr[i]) / 2),
            "eer_threshold": float(thresholds[i])}


# ---------------------------------------------------------------- figures: the two histograms, the ROC
def histogram_figure(same: np.ndarray, different: np.ndarray, threshold: float):
    """Distances of same-digit and different-digit pairs on shared bins, the threshold as a line."""
    return plots.histograms({"same digit": same, "different digits": different}, threshold, None,
                            "distance between the two embeddings of a pair (unit vectors)")


def roc_figure(same: np.ndarray, different: np.ndarray, threshold: float):
    """The ROC over every threshold, the current threshold as a diamond."""
    far, frr = error_rates(same, different, threshold)
    curve = roc(same, different)
    return plots.curve(curve["far"], curve["tar"], (far, 1 - frr), "ROC", "false accept rate", "true accept rate",
                       diagonal=True)


# ---------------------------------------------------------------- what the charts say (computed, not written)
def histogram_caption(same: np.ndarray, different: np.ndarray, threshold: float) -> str:
    """False accepts and rejects at `threshold`, the ROC's area and its equal error rate."""
    far, frr = error_rates(same, different, threshold)
    r = roc(same, different)
    return (f"At distance threshold {threshold:.2f}: {far:.1%} of different-digit pairs are accepted as the same "
            f"(false accepts), {frr:.1%} of same-digit pairs are rejected (false rejects). Area under the ROC "
            f"{r['auc']:.3f}; false accepts equal false rejects ({r['eer']:.1%}) at {r['eer_threshold']:.2f}.")


def roc_caption(same: np.ndarray, different: np.ndarray, threshold: float) -> str:
    """The trade the threshold makes, at its current value."""
    far, frr = error_rates(same, different, threshold)
    return (f"Moving the threshold trades false accepts ({far:.1%}) for false rejects ({frr:.1%}); "
            f"the diamond is the current threshold.")
