"""Thresholds and the hero's numbers: hand-computed toy cases, the precision/recall trade-off, the
undefined cases, and the captions computed from the counts."""
import numpy as np
import pytest

from demos.anomaly_detection import thresholds
from demos.anomaly_detection.scoring import Scores

TOY_SCORES = np.array([0.1, 0.4, 0.35, 0.8])
TOY_LABELS = np.array([False, False, True, True])


def toy_scores(validation=np.arange(1, 101, dtype=float) / 100) -> Scores:
    return Scores(None, None, TOY_SCORES, TOY_LABELS, ["normal", "normal", "noise", "other digit"],
                  validation, np.zeros((4, 16)))


def test_metrics_on_a_hand_computed_toy_case():
    counts = thresholds.confusion(TOY_SCORES, TOY_LABELS, 0.3)  # flags 0.4, 0.35, 0.8
    assert counts == {"tp": 2, "fp": 1, "fn": 0, "tn": 1}
    prf = thresholds.precision_recall_f1(counts)
    assert prf["precision"] == pytest.approx(2 / 3) and prf["recall"] == 1.0
    assert prf["f1"] == pytest.approx(0.8)


def test_raising_the_threshold_trades_recall_for_precision():
    rng = np.random.default_rng(1)
    labels = rng.random(500) < 0.2
    scores = rng.normal(labels * 2.0, 1.0)
    results = [thresholds.precision_recall_f1(thresholds.confusion(scores, labels, t))
               | thresholds.confusion(scores, labels, t) for t in np.linspace(-2, 4, 25)]
    recalls = [r["recall"] for r in results]
    false_alarms = [r["fp"] for r in results]
    assert recalls == sorted(recalls, reverse=True) and recalls[0] == 1.0
    assert false_alarms == sorted(false_alarms, reverse=True)
    assert results[-5]["precision"] > results[0]["precision"]


def test_thresholds():
    normal = np.arange(1, 101, dtype=float)
    assert thresholds.threshold_percentile(normal, 95) == pytest.approx(np.percentile(normal, 95))
    assert np.mean(normal > thresholds.threshold_percentile(normal, 95)) == pytest.approx(0.05)
    assert thresholds.threshold_sigma(normal, 2) == pytest.approx(50.5 + 2 * np.std(normal))
    assert thresholds.threshold("percentile", normal, 95, 2) == thresholds.threshold_percentile(normal, 95)
    assert thresholds.threshold("sigma", normal, 95, 2) == thresholds.threshold_sigma(normal, 2)


def test_precision_is_undefined_when_nothing_is_flagged():
    counts = thresholds.confusion(np.array([0.1, 0.2, 0.9]), np.array([False, False, True]), 1.0)
    prf = thresholds.precision_recall_f1(counts)
    assert np.isnan(prf["precision"]) and prf["recall"] == 0.0 and prf["f1"] == 0.0
    point = thresholds.operating_point(toy_scores(), 1.0)
    lines = thresholds.metric_lines(point, "sigma", 95.0)
    assert lines[0] == "**Precision** — (undefined: nothing is flagged)" and lines[1] == "**Recall** 0.00"


def test_operating_point_and_captions_follow_the_threshold():
    s = toy_scores()
    point = thresholds.operating_point(s, 0.3)  # flags 0.4 (normal), 0.35 and 0.8 (anomalies)
    assert point["counts"] == {"tp": 2, "fp": 1, "fn": 0, "tn": 1} and point["false_alarms"] == 0.5
    assert point["validation_rate"] == pytest.approx(0.7)  # validation 0.01..1.00: 70 above 0.3
    assert thresholds.errors_caption(point) == ("Threshold 0.3000: 2 of 2 anomalies caught, 1 of 2 normal "
                                                "digits falsely flagged.")
    lines = thresholds.metric_lines(point, "percentile", 60.0)
    assert lines[:3] == ["**Precision** 0.67", "**Recall** 1.00", "**F1** 0.80"]
    assert lines[3] == "**False alarms** 50.0% of held-out normals (nominal 40.0%; 70% of the 100 validation digits)"
    assert thresholds.metric_lines(point, "sigma", 60.0, details=False)[3] == "**False alarms** 50.0% of held-out normals"
    fig = thresholds.confusion_figure(point["counts"])
    assert fig.data[0].z.tolist() == [[1, 1], [0, 2]]  # rows: truth (normal, anomaly); columns: decision
