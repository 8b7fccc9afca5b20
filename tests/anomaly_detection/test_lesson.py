"""demos/anomaly_detection/lesson.py: the operating point against counts made by hand."""
import numpy as np

from demos.anomaly_detection import lesson


def test_a_threshold_at_the_median_flags_half_of_the_normal_validation_digits():
    point = lesson.operating_point({"q": "50"})
    assert abs(point["validation_rate"] - 0.5) <= 0.02  # 50 digits: the median splits them 25 / 25


def test_answers_follow_the_counts():
    for params in ({}, {"q": "99.5"}, {"normal": "1"}):
        c = lesson.operating_point(params)["counts"]
        precision, recall = c["tp"] / (c["tp"] + c["fp"]), c["tp"] / (c["tp"] + c["fn"])
        assert lesson.precision_or_recall(params) == ("Precision" if precision > recall else "Recall")
        assert lesson.few_false_alarms(params) == ("Yes" if c["fp"] / (c["fp"] + c["tn"]) < 0.1 else "No")


def test_a_higher_threshold_never_flags_more():
    low, high = (lesson.operating_point({"q": q})["counts"] for q in ("90", "99"))
    assert high["fp"] <= low["fp"] and high["fn"] >= low["fn"] and np.isfinite(high["fp"])
