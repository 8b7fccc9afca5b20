"""Every threshold at once: the ROC curve (true- vs false-positive rate) and the precision–recall
curve, their summaries AUROC (the chance a random anomaly outscores a random normal) and average
precision (AP), computed with numpy so each can be checked by hand (and against scikit-learn)."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from demos import plots


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


def has_both(is_anomaly: np.ndarray) -> bool:
    """Curves need normal and anomalous items."""
    return bool(is_anomaly.any() and (~is_anomaly).any())


def roc_figure(scores: np.ndarray, is_anomaly: np.ndarray, point: dict) -> go.Figure:
    """The ROC curve with the current threshold (false alarms, recall) as a diamond."""
    fpr, tpr, _ = roc_curve(scores, is_anomaly)
    return plots.curve(fpr, tpr, (point["false_alarms"], point["recall"]), "ROC", "false-positive rate",
                       "true-positive rate", diagonal=True)


def roc_caption(scores: np.ndarray, is_anomaly: np.ndarray) -> str:
    return (f"AUROC {auroc(scores, is_anomaly):.3f}: the chance a random anomaly scores above a random "
            "normal digit.")


def pr_figure(scores: np.ndarray, is_anomaly: np.ndarray, point: dict) -> go.Figure:
    """The PR curve with the current threshold as a diamond (absent when it flags nothing: no precision)."""
    precision, recall, _ = pr_curve(scores, is_anomaly)
    where = (point["recall"], point["precision"]) if np.isfinite(point["precision"]) else None
    return plots.curve(recall, precision, where, "Precision–recall", "recall", "precision")


def pr_caption(scores: np.ndarray, is_anomaly: np.ndarray, point: dict) -> str:
    return (f"Average precision (AP) {average_precision(scores, is_anomaly):.3f} (chance level "
            f"{is_anomaly.mean():.2f})" + ("; the diamond is your threshold." if np.isfinite(point["precision"])
                                          else "; your threshold flags nothing, so it has no precision."))
