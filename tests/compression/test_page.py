"""The compression page driven by AppTest: the hero and its captions come from the committed frontier,
a chosen point gets its card, each tab's captions follow its controls. Two page opens."""
import pytest

from demos.compression import distillation, frontier, pruning, quantisation, results
from tests.support import captions, open_page, plotly_specs, show

pytestmark = pytest.mark.filterwarnings("ignore")
PAGE = "pages/18_compression.py"


@pytest.fixture(scope="module")
def page():
    return open_page(PAGE, timeout=120)


def test_the_hero_reads_the_committed_frontier_and_a_point_gets_its_card(page):
    assert not page.exception and not page.error
    front = results.load_json(results.FRONTIER)
    assert captions(page)[0] == frontier.frontier_caption(front, "bytes on disk")
    spec = plotly_specs(page)[0]
    assert sum(len(t["x"]) for t in spec["data"] if t.get("mode") == "markers+text") == len(frontier.POINTS)
    page.selectbox(key="model").select("channels halved").run()
    assert frontier.point_card(front, "channels halved") in " ".join(m.value for m in page.markdown)
    show(page, x="latency")
    assert captions(page)[0] == frontier.frontier_caption(front, "latency")


def test_the_distillation_tab_follows_temperature_and_trains_two_students(page):
    show(page, view="Distillation", T=8.0, timeout=120)
    data = results.teacher_data()
    logits = data["test_logits"][(data["test_y"] == 2).nonzero().flatten()[16]].numpy()
    shown = captions(page)
    assert distillation.soft_targets_caption(logits, 8.0, 2) in shown
    race = distillation.race(data, 8.0, distillation.ALPHA_DEFAULT, 0)
    assert distillation.race_caption(race) in shown
    assert distillation.sweep_caption(results.load_json(results.DISTILLATION)["sweep"]) in shown


def test_the_pruning_and_quantisation_tabs_follow_their_controls():
    at = open_page(PAGE, timeout=120, view="Pruning", sparsity="0.9", kind="structured")
    assert not at.exception
    sweep = results.load_json(results.PRUNING)
    shown = captions(at)
    assert pruning.sweep_caption(sweep["sweep"], "structured", 0.9) in shown
    assert any(c.endswith(pruning.table_caption(sweep["tables"]["0.9"])) for c in shown)
    show(at, view="Quantisation", bits=3)
    q = results.load_json(results.QUANTISATION)
    assert quantisation.bits_caption(q["sweep"], 3) in captions(at)
    assert any(c.startswith("40 weights in [") or " weights in [" in c for c in captions(at))
