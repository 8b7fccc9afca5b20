"""demos/sequence_tasks/forecast_views.py: the captions read the numbers of the evaluation they describe."""
import numpy as np
import pytest

from demos.sequence_tasks import forecast_views as fv
from demos.sequence_tasks import forecasting as fc


@pytest.fixture(scope="module")
def evs():
    s = fc.load_co2()
    return s, {leak: fc.evaluate(s, fc.fit_co2(24, leak, 0), 6) for leak in (False, True)}


def test_origin_is_december_or_moved_back_to_keep_h_months(evs):
    s, _ = evs
    assert s.months[fv.origin_index(s, 1996, 12)] == "1996-12"
    assert fv.origin_index(s, 2000, 24) == len(s.values) - 1 - 24  # Dec 2000 + 24 months is past the data


def test_forecast_caption_states_the_forecasts_and_the_coverage(evs):
    s, ev = evs
    origin = fv.origin_index(s, 1996, 6)
    k = int(np.flatnonzero(ev[False].test.origins == origin)[0])
    text = fv.forecast_caption(s, ev[False], origin, "MLP")
    assert f"MLP {ev[False].test.forecasts['MLP'][k, -1]:.1f}" in text and "1997-06" in text
    assert f"held {ev[False].coverage['MLP']:.0%}" in text
    assert len(fv.forecast_figure(s, ev[False], origin, "MLP").data) == 5  # measured, band, three models


def test_error_caption_ranks_by_the_last_horizon_and_compares_leakage(evs):
    _, ev = evs
    text = fv.error_caption(ev[False], ev[False], ev[True], False)
    ranked = sorted(fc.MODELS, key=lambda m: ev[False].test.mae(m)[-1])
    assert text.index(ranked[0]) < text.index(ranked[1]) < text.index(ranked[2])
    assert "every learned model looks better with leakage" in text  # checked in test_forecasting
    assert "Leakage is ON" in fv.error_caption(ev[True], ev[False], ev[True], True)
