"""The page driven by AppTest: the hero's caption is the demo's for the controls, and moves with them
(uneven shards); the committed gloo run and scaling sweep are shown; the federated and active-learning
tabs show their recorded captions; a garbage URL value falls back with a notice. Two page opens."""
import pytest

from demos.distributed_learning import active, data_parallel, federated, gloo_run
from tests.support import captions, open_page, show

pytestmark = pytest.mark.filterwarnings("ignore")
PAGE = "pages/21_distributed_learning.py"


@pytest.fixture(scope="module")
def page():
    return open_page(PAGE, timeout=120)


def test_the_hero_and_the_recorded_runs_are_shown(page):
    assert not page.exception and not page.error
    shown = captions(page)
    assert shown[0] == data_parallel.hero_caption(data_parallel.data_parallel_step(4, 128, 0.1, 0))
    assert data_parallel.scaling_caption(data_parallel.recorded_scaling(0.1, 0)) in shown
    run = gloo_run.recorded(gloo_run.STEPS, gloo_run.BATCH, gloo_run.LR, 0)
    assert gloo_run.run_caption(run) in shown
    runs = federated.recorded(10, "0.1", 1)
    assert federated.curves_caption(runs, 0.1, 1) in shown and federated.drift_caption(runs) in shown


def test_moving_the_controls_moves_the_captions(page):
    show(page, workers=3, batch=100)
    assert captions(page)[0] == data_parallel.hero_caption(data_parallel.data_parallel_step(3, 100, 0.1, 0))
    assert "unequal" in captions(page)[0]
    show(page, view="Active learning", strategy="Entropy", start="40", per_round="40")
    runs = active.recorded(40, 40)
    assert active.curves_caption(runs, "Entropy") in captions(page)
    show(page, view="Federated averaging", alpha="100", local="3", clients="5")
    assert federated.curves_caption(federated.recorded(5, "100", 3), 100.0, 3) in captions(page)


def test_a_garbage_url_value_falls_back_with_a_notice():
    at = open_page(PAGE, timeout=120, workers="lots", view="Active learning", start="7")
    assert not at.exception
    assert at.session_state["workers"] == 4 and at.session_state["start"] == "10"
    notices = " ".join(w.value for w in at.warning) + " ".join(i.value for i in at.info)
    assert "workers" in notices
