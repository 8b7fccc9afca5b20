"""The tuning page driven by AppTest: its captions equal what the demo functions compute for the same
controls; the strategy, budget and seed move them; the clinic reveals only after a diagnosis and runs
the checks when asked; the architecture tab follows its slider. One page open."""
import pytest

from demos.tuning import clinic, hero, nas, search, trial
from tests.support import captions, open_page, plotly_specs, show

pytestmark = pytest.mark.filterwarnings("ignore")
PAGE = "pages/20_tuning.py"
TABLE = trial.committed_table()


@pytest.fixture(scope="module")
def page():
    return open_page(PAGE, timeout=120)


def test_the_default_view_shows_successive_halving_and_the_band(page):
    assert not page.exception and not page.error
    s = search.run_search("Successive halving", 0, TABLE)
    shown = captions(page)
    assert hero.space_caption(s) in shown and hero.curves_caption(s) in shown
    assert hero.band_caption(hero.committed_band(), 729) in shown
    assert hero.test_caption(s, TABLE) in shown
    assert clinic.symptom_caption("A", clinic.committed()) in shown
    assert len(plotly_specs(page)) == 4  # space, band, curves, the clinic's patient
    assert any("Pick a diagnosis" in i.value for i in page.info)


def test_strategy_budget_and_seed_move_the_captions(page):
    before = captions(page)[0]
    show(page, strategy="Grid", budget=162, seed=3)
    s = search.run_search("Grid", 3, TABLE, 162)
    shown = captions(page)
    assert shown[0] != before and shown[0] == hero.space_caption(s)
    assert "started 6 trials" in shown[0]  # 162 epochs = 6 full trials
    assert hero.band_caption(hero.committed_band(), 162) in shown


def test_the_clinic_reveals_after_a_diagnosis_and_runs_the_checks(page):
    show(page, view="The clinic", patient="D", diagnosis=clinic.CASES["zero_init"][0], checks=True)
    assert clinic.PATIENTS["D"] == "zero_init"
    assert page.success and page.success[0].value.startswith("Right.")
    assert any("zero gradient in layer 1, layer 2, layer 3" in c for c in captions(page))
    show(page, diagnosis=clinic.CASES["lr_high"][0])
    assert page.warning and "Not quite" in page.warning[0].value


def test_the_architecture_tab_follows_its_slider(page):
    show(page, view="Architecture search", archs=20)
    assert nas.pareto_caption(nas.first(nas.committed(), 20)) in captions(page)
