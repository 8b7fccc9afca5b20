"""demos/generative/lesson.py: coverage read from the committed runs."""
import pytest

from demos.generative import lesson


def test_covers_all_reads_the_committed_runs_last_frame():
    for params in ({}, {"lr_d": "0.0001"}, {"target": "grid"}):
        got, k = lesson.regions_covered(params)
        assert 0 <= got <= k
        assert lesson.covers_all(params) == ("Yes" if got == k else "No")
    assert lesson.regions_covered({"target": "grid"})[1] == 25


def test_a_view_that_would_train_live_is_refused():
    with pytest.raises(ValueError):
        lesson.regions_covered({"width": "64"})
