"""The graph-networks page driven by AppTest: its captions equal what the demo functions compute for the
same controls; a features change retrains and changes the hero's caption; the message-passing tab
follows the member; the knowledge-graph tab ranks the query. One page open."""
import pytest

from demos.graph_networks import hero, message_passing, node_classification, transe
from tests.support import captions, open_page, plotly_specs, show

pytestmark = pytest.mark.filterwarnings("ignore")
PAGE = "pages/19_graph_networks.py"


@pytest.fixture(scope="module")
def page():
    return open_page(PAGE, timeout=180)


def test_the_hero_replays_the_gcn_and_its_captions_are_computed(page):
    assert not page.exception and not page.error
    s = page.session_state
    rec = node_classification.record(s["features"], s["epochs"], s["lr"], s["seed"])
    shown = captions(page)  # the first view is the committed recording, which a live run reproduces
    assert shown[0].startswith("Precomputed by `python -m train.graph_networks_precompute`")
    assert shown[1] == hero.hero_caption(rec) and shown[2] == hero.baselines_caption(rec)
    assert shown[3] == hero.curves_caption(rec)
    spec = plotly_specs(page)[0]
    assert len(spec["frames"]) == rec.n_frames and spec["layout"]["sliders"][0]["steps"][-1]["label"] == "200"
    assert message_passing.neighbourhood_caption(0, 1) in shown  # the default tab: member 0, one layer
    assert any(message_passing.aggregation_formula(0) in x.value for x in page.get("latex"))


def test_new_features_retrain_and_the_member_moves_the_message_passing_view(page):
    before = captions(page)[1]
    show(page, features="random", member="11", hops=2)
    rec = node_classification.record("random", 200, 0.01, 0)
    shown = captions(page)
    assert shown[0] == hero.hero_caption(rec) != before and "random features" in shown[0]
    assert message_passing.neighbourhood_caption(11, 2) in shown and message_passing.adjacency_caption(11) in shown


def test_the_knowledge_graph_tab_ranks_the_query(page):
    show(page, view="Knowledge graphs", head="Ada", relation="lives in", kg_epochs=200)
    emb = transe.train(1.0, 200, 0)
    shown = captions(page)
    assert transe.query_caption(emb, "Ada", "lives in") in shown and transe.held_out_caption(emb) in shown
