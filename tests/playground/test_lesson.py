"""demos/playground/lesson.py: the perceptron's convergence theorem and the committed runs."""
import pytest

from demos.playground import lesson


def test_the_perceptron_stops_on_separable_data_and_not_on_xor():
    # Novikoff: separable data -> finite mistakes; XOR is not linearly separable -> it can never stop
    for name in ("blobs", "and", "or"):
        assert lesson.perceptron_converges({"pdata": name}) == "Yes", name
    assert lesson.perceptron_converges({"pdata": "xor"}) == "No"


def test_answers_come_from_committed_runs_only():
    assert 0.0 <= lesson.committed_run({})["val_acc"] <= 1.0
    with pytest.raises(ValueError):
        lesson.committed_run({"epochs": "50"})  # trains live: not a beat
    with pytest.raises(ValueError):
        lesson.committed_run({"act": "relu"})
