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


def chart_captions(at):
    return [c for c in captions(at) if not c.startswith("Precomputed")]


def test_the_hero_captions_are_computed_and_follow_horizon_and_leakage(page):
    assert not page.exception and not page.error
    assert any(c.startswith("Precomputed by `python -m train.sequence_tasks_fits`") for c in captions(page))
    first = chart_captions(page)
    assert list(hero_captions(page)) == first[:2]
    page.slider(key="horizon").set_value(3).run()
    page.toggle(key="leak").set_value(True).run()
    assert not page.exception
    moved = chart_captions(page)
    assert list(hero_captions(page)) == moved[:2] and moved[:2] != first[:2]
    assert "Leakage is ON" in moved[1] and "At 3 months ahead" in moved[1]


@pytest.mark.parametrize("view, caption_part", [("Teacher forcing", "free-running exact match"),
                                                ("Beam search", "candidates scored"),
                                                ("Spectrograms", "Hz apart"),
                                                ("CTC", "merge repeats")])
def test_each_tab_opens_with_computed_captions(view, caption_part):
    at = open_page(PAGE, timeout=120, view=view)
    assert not at.exception and not at.error
    assert any(caption_part in c for c in captions(at))


def test_spectrogram_window_moves_the_caption_and_junk_digits_get_a_notice():
    at = open_page(PAGE, timeout=120, view="Spectrograms", digits="12x")
    assert not at.exception and any("Only digits" in i.value for i in at.info)
    before = [c for c in captions(at) if "Hz apart" in c]
    at.slider(key="win").set_value(64).run()
    after = [c for c in captions(at) if "Hz apart" in c]
    assert before != after and "15.6 Hz apart" in after[0]
