"""Where to cut: a threshold on the anomaly score chosen on normal validation data only (the q-th
percentile, or mean + k standard deviations), and what it buys on the test mixture: the confusion
counts with "anomaly" as the positive class, precision, recall, F1 and the false-alarm rate."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from demos import plots
from demos.anomaly_detection.scoring import Scores

RULES = {"percentile": "Percentile", "sigma": "μ + kσ"}


def threshold_percentile(normal_errors: np.ndarray, q: float) -> float:
    """Flag anything above the q-th percentile of errors on normal validation data
    (so about (100 - q)% of normal data will be flagged: the false-alarm rate you chose)."""
    return float(np.percentile(normal_errors, q))


def threshold_sigma(normal_errors: np.ndarray, k: float) -> float:
    """Flag anything above mean + k * std of the normal validation errors."""
    return float(np.mean(normal_errors) + k * np.std(normal_errors))


def threshold(rule: str, normal_errors: np.ndarray, q: float, k: float) -> float:
    """The page's rule: "percentile" (uses q) or "sigma" (uses k)."""
    return threshold_percentile(normal_errors, q) if rule == "percentile" else threshold_sigma(normal_errors, k)


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


def operating_point(scores: Scores, threshold: float) -> dict:
    """What a threshold does on the test mixture (counts, precision/recall/F1, false alarms) and on the
    normal validation digits it was chosen on (the share flagged there)."""
    counts = confusion(scores.errors, scores.is_anomaly, threshold)
    return {"threshold": threshold, "counts": counts, **precision_recall_f1(counts),
            "false_alarms": false_alarm_rate(counts),
            "validation_rate": float((scores.validation > threshold).mean()),
            "n_validation": len(scores.validation)}


# ---------------------------------------------------------------- the hero: errors, threshold, counts
def errors_figure(scores: Scores, threshold: float, normal_class: int, height: int = 340) -> go.Figure:
    """Histograms of the normal and anomalous test errors (log scale) with the threshold line."""
    e, y = scores.errors, scores.is_anomaly
    groups = {f"normal ({normal_class}s)": e[~y], "anomalous": e[y]} if y.any() else {"normal": e}
    return plots.histograms(groups, threshold, "Reconstruction error per image", "mean squared error",
                           height=height, log_x=True)


def errors_caption(point: dict) -> str:
    c = point["counts"]
    return (f"Threshold {point['threshold']:.4f}: {c['tp']} of {c['tp'] + c['fn']} anomalies caught, "
            f"{c['fp']} of {c['fp'] + c['tn']} normal digits falsely flagged.")


def metric_lines(point: dict, rule: str, q: float, details: bool = True) -> list[str]:
    """The hero's side panel as Markdown lines: precision, recall and F1 (or why each is undefined),
    then the false alarms measured on held-out normals beside the rate the rule promises (the
    percentile rule: 100 − q %) and, with `details`, the share flagged on the validation digits."""
    lines = []
    for name, key, why in (("Precision", "precision", "undefined: nothing is flagged"),
                           ("Recall", "recall", "undefined: no anomalies in the mix"), ("F1", "f1", "undefined")):
        value = point[key]
        lines.append(f"**{name}** {value:.2f}" if np.isfinite(value) else f"**{name}** — ({why})")
    notes = [f"nominal {(100 - q) / 100:.1%}"] if rule == "percentile" else []
    if details:
        notes.append(f"{point['validation_rate']:.0%} of the {point['n_validation']} validation digits")
    lines.append(f"**False alarms** {point['false_alarms']:.1%} of held-out normals"
                 + (f" ({'; '.join(notes)})" if notes else ""))
    return lines


def confusion_figure(counts: dict[str, int], height: int = 250) -> go.Figure:
    return plots.heatmap(np.array([[counts["tn"], counts["fp"]], [counts["fn"], counts["tp"]]]),
                         x=["flagged normal", "flagged anomaly"], y=["is normal", "is anomaly"],
                         text_format="d", height=height, square=False, show_scale=False)


CONFUSION_CAPTION = "Confusion matrix at this threshold (rows: truth, columns: decision)."
