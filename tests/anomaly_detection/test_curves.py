"""ROC and PR curves, AUROC and AP: hand-computed and against scikit-learn (with ties)."""
import numpy as np
import pytest

from demos.anomaly_detection import curves, thresholds

TOY_SCORES = np.array([0.1, 0.4, 0.35, 0.8])
TOY_LABELS = np.array([False, False, True, True])


def test_areas_on_a_hand_computed_toy_case():
    # AUROC: of the 4 (anomaly, normal) pairs, only 0.35 < 0.4 is ordered wrongly -> 3/4
    assert curves.auroc(TOY_SCORES, TOY_LABELS) == pytest.approx(0.75)
    # AP: at 0.8 precision 1 (recall 0.5), at 0.35 precision 2/3 (recall 1) -> 0.5 + 0.5 * 2/3
    assert curves.average_precision(TOY_SCORES, TOY_LABELS) == pytest.approx(0.5 + 1 / 3)


def test_curves_and_areas_match_scikit_learn_with_ties():
    from sklearn.metrics import average_precision_score, roc_auc_score, roc_curve
    rng = np.random.default_rng(0)
    labels = rng.random(300) < 0.3
    scores = np.round(rng.normal(labels * 1.0, 1.0), 1)  # rounding makes many ties
    assert curves.auroc(scores, labels) == pytest.approx(roc_auc_score(labels, scores))
    assert curves.average_precision(scores, labels) == pytest.approx(average_precision_score(labels, scores))
    fpr, tpr, _ = curves.roc_curve(scores, labels)
    ref_fpr, ref_tpr, _ = roc_curve(labels, scores, drop_intermediate=False)
    assert np.allclose(fpr, ref_fpr) and np.allclose(tpr, ref_tpr)


def test_the_threshold_is_marked_where_it_is_defined_and_the_captions_say_so():
    counts = thresholds.confusion(TOY_SCORES, TOY_LABELS, 0.3)
    point = {"false_alarms": thresholds.false_alarm_rate(counts), **thresholds.precision_recall_f1(counts)}
    roc = curves.roc_figure(TOY_SCORES, TOY_LABELS, point)
    assert (roc.data[-1].x[0], roc.data[-1].y[0]) == (0.5, 1.0)  # (false alarms, recall)
    assert curves.roc_caption(TOY_SCORES, TOY_LABELS).startswith("AUROC 0.750: ")
    assert curves.pr_caption(TOY_SCORES, TOY_LABELS, point) == ("Average precision (AP) 0.833 (chance level "
                                                               "0.50); the diamond is your threshold.")
    nothing = {"false_alarms": 0.0, **thresholds.precision_recall_f1(thresholds.confusion(TOY_SCORES, TOY_LABELS, 1))}
    assert len(curves.pr_figure(TOY_SCORES, TOY_LABELS, nothing).data) == 1  # no diamond: no precision
    assert curves.pr_caption(TOY_SCORES, TOY_LABELS, nothing).endswith("flags nothing, so it has no precision.")
    assert curves.has_both(TOY_LABELS) and not curves.has_both(np.array([True, True]))
