"""demos/sequence_tasks/lesson.py: each answer is what the hero's numbers say for that view."""
import functools

import pytest

from demos.sequence_tasks import forecasting as fc
from demos.sequence_tasks import lesson


@pytest.fixture(autouse=True)
def fit_once(monkeypatch):  # the same fit for the same parameters: train each MLP once in this file
    monkeypatch.setattr(fc, "fit_co2", _fit)


_fit = functools.lru_cache(maxsize=None)(fc.fit_co2)


def test_defaults_are_the_pages():
    assert lesson.DEFAULTS == {"horizon": 12, "origin": 1996, "leak": False, "band": "MLP", "window": 24, "seed": 0}


def test_answers_follow_the_backtest():
    ev = lesson.view({"horizon": "1"})
    assert lesson.best_at_horizon({"horizon": "1"}) == min(fc.MODELS, key=lambda m: ev.test.mae(m)[0])
    assert lesson.leak_lowers_mlp_error({}) == "Yes"  # leakage flatters the MLP (test_forecasting)
    naive = lesson.view({"band": "seasonal naive"}).coverage["seasonal naive"]
    assert lesson.interval_holds({"band": "seasonal naive"}) == ("Yes" if naive >= 0.8 else "No")
