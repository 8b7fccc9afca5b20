"""The convolutions page with AppTest: the wiring (the page shows the sentences the demo functions
compute for the same values), URL state, every tab on digits and on a photo, typed and hostile input,
and the shared models untouched. Three page opens, shared by the tests through module fixtures; each
test first sets the controls it depends on, so the tests pass in any order."""
import ast

import pytest
import torch

from demos.convolutions import parameters, sliding
from models import load_pretrained
from tests.support import ROOT, captions, open_page, plotly_specs, show

pytestmark = pytest.mark.filterwarnings("ignore")
PAGE = "pages/09_convolutions.py"
DEFAULTS = {"k": 3, "stride": 1, "padding": 0, "dilation": 1}


def markdown(at) -> str:
    return " ".join(m.value for m in at.markdown)


@pytest.fixture(scope="module")
def digits():
    return open_page(PAGE, timeout=240)


@pytest.fixture(scope="module")
def photos():
    return open_page(PAGE, family="photos", photo="coffee", padding="1", timeout=240)  # 16 x 16 = 256 positions


def test_page_takes_images_only_through_the_shared_gate():
    source = (ROOT / PAGE).read_text()
    calls = {n.func.attr for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)}
    assert "image_picker" in calls
    assert not calls & {"file_uploader", "open", "load_image", "frombytes", "imdecode"}


def test_page_hero_formula_and_player_follow_the_sliders(digits):
    at = show(digits, "Shapes and parameters", **DEFAULTS)
    assert "⌊(14 + 2·0 − 1·(3 − 1) − 1) / 1⌋ + 1 = 12" in markdown(at) and "(1, 1, 12, 12)" in markdown(at)
    assert len(plotly_specs(at)[0]["frames"]) == 144 and "144 positions" in captions(at)[0]
    assert captions(at)[0] == sliding.slide_caption((14, 14), 3, 1, 0, 1, 144, "digit 7, example 0")  # the demo's own
    at.slider(key="stride").set_value(2).run()
    at.slider(key="padding").set_value(1).run()
    assert "⌊(14 + 2·1 − 1·(3 − 1) − 1) / 2⌋ + 1 = 7" in markdown(at) and "(1, 1, 7, 7)" in markdown(at)
    assert len(plotly_specs(at)[0]["frames"]) == 49
    assert (at.query_params["stride"], at.query_params["padding"]) == ("2", "1")  # mirrored in the URL
    at.slider(key="dilation").set_value(3).run()
    at.slider(key="k").set_value(5).run()
    assert "3·(5 − 1)" in markdown(at) and not at.exception


def test_page_shapes_and_parameters_tab(digits):
    at = show(digits, "Shapes and parameters", **DEFAULTS)
    shown = captions(at)
    assert "16,981,120" in " ".join(shown)
    assert parameters.params_caption(parameters.comparison((1, 28, 28), 32, 3, 1, 0, 1)) in shown
    assert "Digit CNN: the output-size formula matches the measured side at 6 of 6 layers" in " ".join(shown)
    assert parameters.DIMS_CAPTION in shown and len(at.dataframe) == 2


def test_page_channels_tab_follows_its_slider(digits):
    at = show(digits, "Channels", **DEFAULTS)
    assert "input channels of (input channel" in " ".join(captions(at))
    at.slider(key="out_channel").set_value(7).run()
    assert "Output channel 7 of the second conv" in " ".join(captions(at))


def test_page_pooling_and_shifts_tab(digits):
    at = show(digits, "Pooling and shifts", **DEFAULTS)
    assert "moved by exactly 2 cell(s)" in " ".join(captions(at))
    assert "Your image keeps “7” as the answer at" in " ".join(captions(at))
    at = show(at, stride=2)
    at.slider(key="shift").set_value(3).run()
    assert "not a multiple of the stride 2" in " ".join(captions(at))


def test_page_transposed_tab_follows_its_slider(digits):
    at = show(digits, "Transposed convolution", **DEFAULTS)
    assert "1, 2, 4 stamps" in " ".join(captions(at))
    at.slider(key="t_k").set_value(4).run()
    assert "4 stamps — even" in " ".join(captions(at))


def test_page_network_tab_follows_the_layer(digits):
    at = show(digits, "What the network sees", **DEFAULTS)
    assert "Digit CNN says “7”" in " ".join(captions(at))
    at.selectbox(key="layer_digits").set_value("pool 2").run()
    assert "16×16-px patch" in " ".join(captions(at))


def test_page_train_a_cnn_tab_reads_the_recording_and_follows_the_blocks(digits):
    from demos.convolutions import training

    at = show(digits, "Train a CNN", **DEFAULTS)
    shown = " ".join(captions(at))
    assert training.curves_caption(training.committed("standard")) in shown  # recorded: nothing trained here
    assert "Precomputed by `python -m train.convolutions_results`" in shown
    assert "most confident mistakes" in shown and len(at.dataframe) == 1
    at.radio(key="cnn_blocks").set_value("separable").run()
    assert training.curves_caption(training.committed("separable")) in " ".join(captions(at))
    assert at.query_params["cnn_blocks"] == "separable"


def test_page_on_a_photo_with_efficientnet(photos):
    at = show(photos, "What the network sees")
    assert "256 positions; the player shows 150 of them" in captions(at)[0]
    assert len(plotly_specs(at)[0]["frames"]) == 150
    assert "EfficientNet-Lite0 (ImageNet) says “espresso”" in " ".join(captions(at))
    at = show(at, "Channels")
    assert "EfficientNet stem is the sum over its 3 input channels" in " ".join(captions(at))


def test_the_cached_models_are_untouched_after_every_tab_ran(digits, photos):
    from ui.cache import _load
    shared = {name: _load(name) for name in ("mnist_cnn", "efficientnet_lite0")}  # the server-wide cache
    for at, views in ((digits, ("Channels", "Pooling and shifts", "What the network sees")),
                      (photos, ("Channels", "What the network sees"))):
        for view in views:
            assert not show(at, view).exception
    for name, cached in shared.items():
        assert _load(name) is cached  # the page used these very objects (AppTest runs in this process)
        assert not cached.training
        assert all(p.grad is None and p.requires_grad for p in cached.parameters())
        assert not any(m._forward_hooks or m._forward_pre_hooks or m._backward_hooks for m in cached.modules())
        fresh_state = load_pretrained(name).state_dict()
        assert all(torch.equal(v, fresh_state[k]) for k, v in cached.state_dict().items())


def test_page_custom_and_typed_values_with_hostile_input():
    at = open_page(PAGE, typed="1", grid="9" * 5000, timeout=120)  # through the URL: cut to 2,000 characters
    assert not at.exception and at.error and "default" in at.error[0].value
    for bad in ("nan", "1 2\n3", "<img src=x onerror=alert(1)>"):
        at.text_area(key="grid").input(bad).run()
        assert not at.exception and at.error, bad
        assert "default" in at.error[0].value
    at.text_area(key="grid").input("1 2 3 4 5\n6 7 8 9 10\n1 1 1 1 1\n0 0 0 0 0").run()  # not square
    text = markdown(at)
    assert "rows ⌊(4 + 2·0 − 1·(3 − 1) − 1) / 1⌋ + 1 = 2" in text and "columns ⌊(5 + 2·0" in text
    assert "(1, 1, 2, 3)" in text and "4×5" not in captions(at)[0] and "typed grid" in captions(at)[0]
    at.text_area(key="grid").input("1 2\n3 4").run()
    at.slider(key="k").set_value(7).run()
    assert "spans 7 px" in at.warning[0].value and not at.exception
    at = show(at, kernel="custom")
    at.text_area(key="weights").input("1 2 3\n4 5 6").run()
    assert "square" in at.error[0].value and not at.exception
    at.text_area(key="grid").input("1 2 3\n4 5 6\n7 8 9")
    at.text_area(key="weights").input("1 0\n0 -1").run()
    assert not at.exception and not at.error
    assert "⌊(3 + 2·0 − 1·(2 − 1) − 1) / 1⌋ + 1 = 2" in markdown(at)
    assert at.query_params["kernel"] == "custom" and at.query_params["weights"] == "1 0\n0 -1"
