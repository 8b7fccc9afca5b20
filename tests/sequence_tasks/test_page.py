"""The sequence-tasks page driven by AppTest: the hero's captions equal what the demo functions compute
for the same controls, and move with the horizon and the leakage switch; each tab opens."""
import pytest

from demos.sequence_tasks import forecast_views, forecasting
from tests.support import captions, open_page

pytestmark = pytest.mark.filterwarnings("ignore")
PAGE = "pages/22_sequence_tasks.py"


@pytest.fixture(scope="module")
def page():
    return open_page(PAGE, timeout=120)


def hero_captions(at):
    s = at.session_state
    series = forecasting.load_co2()
    ev = {flag: forecasting.evaluate(series, forecasting.fit_co2(s["window"], flag, s["seed"]), s["horizon"])
          for flag in (False, True)}
    origin = forecast_views.origin_index(series, s["origin"], s["horizon"])
    return (forecast_views.forecast_caption(series, ev[s["leak"]], origin, s["band"]),
            forecast_views.error_caption(ev[s["leak"]], ev[False], ev[True], s["leak"]))


def test_the_hero_captions_are_computed_and_follow_horizon_and_leakage(page):
    assert not page.exception and not page.error
    first = captions(page)
    assert list(hero_captions(page)) == first[:2]
    page.slider(key="horizon").set_value(3).run()
    page.toggle(key="leak").set_value(True).run()
    assert not page.exception
    moved = captions(page)
    assert list(hero_captions(page)) == moved[:2] and moved[:2] != first[:2]
    assert "Leakage is ON" in moved[1] and "At 3 months ahead" in moved[1]
