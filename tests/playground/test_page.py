"""The playground page with AppTest: the wiring (the page shows the captions the demo functions compute for
the same values), URL state, every tab, the overfitting preset, the perceptron's Step button, digits, the
upload gate and the missing-feature warning. Four page opens, shared through module fixtures; each test
first sets the controls it depends on, so the tests pass in any order."""
import re
from dataclasses import replace

import pytest

from demos.playground import compare, export, figures, network, perceptron, regularisation, training
from tests.support import captions, open_page, plotly_specs, show

pytestmark = pytest.mark.filterwarnings("ignore")
PAGE = "pages/06_playground.py"
FAST = dict(points="100", epochs="20")
BASE = {"data": "circle", "f_x1": True, "f_x2": True, "act": "tanh", "layers": 3}  # the defaults other tests change


@pytest.fixture(scope="module")
def network_page():
    return open_page(PAGE, timeout=240, **FAST)


@pytest.fixture(scope="module")
def compare_page():
    return open_page(PAGE, timeout=240, view="With vs without", cmp="l2", cmp_l2="0.1", **FAST)


def test_page_trains_shows_the_replay_and_captions_the_same_numbers(network_page):
    at = show(network_page, "Dropout & batch norm", **BASE)
    assert not at.warning
    config = network.Config(n_points=100, epochs=20)
    rec = training.train(config)
    caption = captions(at)[0]
    m = rec.meta["final"]
    assert f"train loss {m['train_loss']:.3f}, validation loss {m['val_loss']:.3f}" in caption
    assert f"lowest at epoch {rec.meta['best_epoch']}" in caption
    seconds = float(re.search(r"\((\d+\.\d+) s to train", caption).group(1))  # the page's own run time
    assert caption == figures.hero_caption(replace(rec, seconds=seconds), config)
    assert figures.linearity_caption(config, rec) in captions(at)
    spec = plotly_specs(at)[0]
    assert len(spec["frames"]) == rec.n_frames and spec["layout"]["sliders"][0]["active"] == rec.n_frames - 1
    # now without an activation: the caption measures a straight boundary
    at.selectbox(key="act").set_value("none").run()
    assert not at.exception
    assert any("No activation" in c and "straight line" in c for c in captions(at))
    # and with no hidden layer
    at.slider(key="layers").set_value(0).run()
    assert any("No hidden layer" in c for c in captions(at))
    assert (at.query_params["act"], at.query_params["layers"]) == ("none", "0")  # mirrored in the URL


def test_page_dropout_and_batch_norm_tab_follows_its_sliders(network_page):
    at = show(network_page, "Dropout & batch norm", demo_batch=8, **BASE)
    at.slider(key="demo_p").set_value(0.2).run()
    assert any("1/(1 − p) = 1.25" in c for c in captions(at))
    drop, bn = regularisation.dropout_demo(0.2, 0), regularisation.batchnorm_demo(8, 0)
    assert set(regularisation.mechanics_captions(drop, bn, 0.2)) <= set(captions(at))  # the demo's own sentences
    at.slider(key="demo_batch").set_value(1).run()
    assert not at.exception and any("A batch of one" in c for c in captions(at))


def test_page_export_and_upload_views_keep_working_and_a_feature_is_required(network_page):
    at = show(network_page, "Export", **BASE)
    assert any("model = nn.Sequential(" in c.value for c in at.code)
    rec = training.train(network.Config(n_points=100, epochs=20))
    assert export.script_caption(rec.meta["n_params"]) in captions(at)
    at.selectbox(key="data").set_value("upload").run()
    assert not at.exception and any("Upload a CSV" in i.value for i in at.info)
    at = show(at, f_x1=False, f_x2=False)
    assert any("at least one input feature" in w.value for w in at.warning)


def test_page_compares_with_and_without_a_regulariser(compare_page, overfit):
    at = compare_page
    assert not at.exception
    config = network.Config(n_points=100, epochs=20)
    a, b = training.train(config), training.train(compare.with_regulariser(config, "l2", 0.1))
    assert compare.compare_caption(a, b, "L2 (λ₂ = 0.1)") in captions(at)
    spec = plotly_specs(at)[1]
    assert len(spec["frames"]) == a.n_frames
    next(b for b in at.button if b.label.startswith("Try it")).click().run()  # the preset: noisy XOR, a 4 × 16 ReLU net, 300 epochs
    assert not at.exception and at.selectbox(key="data").value == "xor"
    assert compare.compare_caption(*overfit, "L2 (λ₂ = 0.1)") in captions(at)


def test_page_perceptron_steps_and_explains_xor():
    at = open_page(PAGE, timeout=120, mode="perceptron", pdata="xor")
    assert not at.exception
    assert any("Never converges" in c for c in captions(at))
    x, y, margin = perceptron.perceptron_data("xor", 0)
    assert perceptron.perceptron_caption(perceptron.perceptron(x, y, 1.0), x, margin) in captions(at)
    assert "Before any step" in at.info[0].value
    next(b for b in at.button if b.label == "Step ▶").click().run()
    assert at.slider(key="pstep").value == 1 and at.info[0].value.startswith("Step 1 (epoch 1)")
    assert at.info[0].value == perceptron.step_text(perceptron.perceptron(x, y, 1.0), x, y, 1, 1.0)
    # a step past the end of a shorter run is brought back to its last step (AND: 36 steps, OR: 24)
    last = {name: len(perceptron.perceptron(*perceptron.perceptron_data(name, 0)[:2], 1.0).b) - 1 for name in ("and", "or")}
    assert last["and"] > last["or"]
    at.selectbox(key="pdata").set_value("and").run()
    at.slider(key="pstep").set_value(last["and"]).run()
    at.selectbox(key="pdata").set_value("or").run()
    assert not at.exception and at.slider(key="pstep").value == last["or"]
    at.selectbox(key="pdata").set_value("blobs").run()
    assert any("Converged" in c and "Novikoff" in c for c in captions(at))


def test_page_digits_report_the_held_out_digits_once():
    at = open_page(PAGE, timeout=240, data="digits", digits_n="100", dwidth="16", depochs="10", layers="1")
    assert not at.exception
    rec = training.train(network.Config(dataset="digits", n_points=100, width=16, layers=1, epochs=10, noise=0.0,
                                        train_share=1.0))
    assert f"held-out test digits, looked at once after training and never used to choose anything: {rec.meta['test_acc']:.1%}" in captions(at)[0]
