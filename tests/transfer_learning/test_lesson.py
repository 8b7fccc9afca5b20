"""demos/transfer_learning/lesson.py: answers against the committed sweep's raw runs."""
import pytest

from demos.transfer_learning import lesson, results


def test_best_and_worst_at_k_are_the_means_of_the_raw_runs():
    raw = results.combine(results.precomputed("sweep", 0.001, 3), [])[0]
    for k in (1, 5, 100):
        means = raw[raw["k"] == k].groupby("strategy")["accuracy"].mean()
        assert lesson.best_at_k({"k": str(k)}) == lesson.SHORT[means.idxmax()]
        assert lesson.worst_at_k({"k": str(k)}) == lesson.SHORT[means.idxmin()]


def test_a_view_needing_live_training_is_refused():
    with pytest.raises(ValueError):
        lesson.summary({"lr": "0.01"})
