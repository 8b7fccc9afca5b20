"""The backprop page through AppTest: the hero player and its caption, the live check and the table,
the controls (network and expression, bad input, a failing step), and each tab showing the captions
its demo functions compute for the same values. Three page opens in all."""
import pytest

from demos.backprop import activations, clipping, engine, flow, network, training, walkthrough
from demos.text import num
from tests.support import captions, open_page, plotly_specs

pytestmark = pytest.mark.filterwarnings("ignore")
PAGE = "pages/08_backprop.py"


@pytest.fixture(scope="module")
def page():
    return open_page(PAGE, timeout=120)


def test_page_hero_shows_the_graph_player_and_the_live_check(page):
    at = page
    assert not at.exception
    g = network.network_graph()
    frames = walkthrough.walkthrough(g, 0.5)
    spec = plotly_specs(at)[0]
    assert len(spec["frames"]) == len(frames)
    assert spec["layout"]["sliders"][0]["active"] == walkthrough.frame_index(frames, "backward")
    assert [walkthrough.narration_of(f["data"][-1]["text"], g) for f in spec["frames"]] == \
        [walkthrough.wrap(f.narration) for f in frames]
    hero = captions(at)[0]
    assert f"L = {num(g.nodes[-1].value)}" in hero and f"makes it {num(engine.gradient_step(g, 0.5).nodes[-1].value)}" in hero
    assert hero == walkthrough.graph_caption(g, 0.5)
    assert "All 9 gradients equal PyTorch autograd" in at.success[0].value
    assert at.success[0].value == engine.check_note(engine.check_gradients(g))[1]
    table = at.dataframe[0].value
    assert list(table.columns) == list(engine.check_table(engine.check_gradients(g), g, 0.5))
    assert len(table) == 9


def test_page_activations_tab_shows_the_captions_of_its_demo_functions(page, pretrained):
    at = page  # the default tab, at its defaults: sigmoid, through 10 layers
    factors = activations.derivative_factors()
    shown = captions(at)
    assert activations.activation_caption("sigmoid", factors) in shown
    assert activations.factors_caption(factors, "sigmoid", 10) in shown
    shares = activations.validation_firing(pretrained("mnist_mlp"))
    assert activations.dead_relus_caption(shares) in shown


def test_page_steps_and_reacts_to_the_controls(page):
    at = page
    at.selectbox(key="open_at").set_value("start").run()
    assert plotly_specs(at)[0]["layout"]["sliders"][0]["active"] == 0
    at.selectbox(key="open_at").set_value("update").run()
    assert plotly_specs(at)[0]["layout"]["sliders"][0]["active"] == 16
    at.slider(key="x1").set_value(-1.5).run()
    at.slider(key="lr").set_value(1.2).run()
    g = network.network_graph((-1.5, 0.5))
    assert f"L = {num(g.nodes[-1].value)}" in captions(at)[0]
    assert f"makes it {num(engine.gradient_step(g, 1.2).nodes[-1].value)}" in captions(at)[0]
    at.selectbox(key="focus").set_value("gelu")
    at.slider(key="act_depth").set_value(30).run()
    factors = activations.derivative_factors()
    assert activations.activation_caption("gelu", factors) in captions(at)
    assert activations.factors_caption(factors, "gelu", 30) in captions(at)
    at.segmented_control(key="graph").set_value("expression").run()
    assert "All 3 gradients equal PyTorch autograd" in at.success[0].value
    at.text_area(key="expr").input("a ^ 2").run()
    assert not at.exception and "**" in at.error[0].value and at.tabs  # a message, and the page goes on
    at.text_area(key="expr").input("relu(a)").run()
    at.text_area(key="values").input("a = 0").run()
    assert "kink" in at.warning[0].value
    at.text_area(key="values").input("a = 1; b = oops").run()
    assert "not a plain number" in at.error[0].value and not at.exception
    at.text_area(key="expr").input("log(a)").run()
    at.text_area(key="values").input("a = 0.1").run()  # η = 1.2 steps a to 0.1 − 12 < 0
    assert not at.exception and "fails" in captions(at)[0]


def test_page_gradient_flow_tab_presets_and_captions():
    at = open_page(PAGE, timeout=180, view="Gradient flow vs depth", steps="10")
    assert not at.exception
    stats = flow.gradient_flow(flow.FlowConfig())
    assert f"{stats.grad_norm[0] / stats.grad_norm[-2]:.1e}× layer 20's" in captions(at)[1]
    assert captions(at)[1] == flow.flow_caption(stats, flow.FlowConfig())
    next(b for b in at.button if b.label == "He init fixes it").click().run()
    assert at.selectbox(key="init").value == "he" and at.selectbox(key="flow_act").value == "relu"
    assert at.query_params["init"] == "he" and at.query_params["flow_act"] == "relu"  # a preset reaches the URL
    he = flow.gradient_flow(flow.preset_config("He init fixes it"))
    assert f"{he.grad_norm[0] / he.grad_norm[-2]:.1e}× layer 20's" in captions(at)[1]
    assert any("After 10 steps" in c for c in captions(at))
    rec = training.train_flow(flow.preset_config("He init fixes it"), 10, 0.05)
    after_time = training.training_caption(rec).split(" s: ", 1)[1]  # the run's seconds differ
    assert any(c.startswith("After 10 steps") and c.endswith(after_time) for c in captions(at))
    assert training.units_caption(rec) in captions(at)


def test_page_clipping_tab_caption_is_computed():
    at = open_page(PAGE, timeout=120, view="Exploding gradients and clipping", tau="2", clip_lr="0.3")
    assert not at.exception
    runs = {k: clipping.descend(k, 0.3, 2.0, 80) for k in clipping.CLIPS}
    assert clipping.cliff_caption(runs, 0.3, 2.0) in captions(at)
    assert clipping.clip_norms_caption(runs, 0.3, 2.0) in captions(at)
