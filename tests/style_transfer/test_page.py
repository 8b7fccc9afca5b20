"""The page through AppTest (two opens): the fast result at once and the optimisation only when
asked, with the captions the demo functions compute; a URL restores a two-style mix with the
photo's colours; an upload is waited for."""
import pytest

from tests.support import captions, open_page
from demos.images import photo, to_tensor
from demos.style_transfer import gram, inputs, optimisation

pytestmark = pytest.mark.filterwarnings("ignore")
PAGE = "pages/04_style_transfer.py"


def image_captions(at):
    return [e.proto.imgs[0].caption for e in at.get("image")]


@pytest.fixture(scope="module")
def page():
    at = open_page(PAGE, size="128", steps="20", timeout=180)
    assert not at.exception, at.exception
    return at


def test_page_shows_the_fast_result_at_once_and_optimises_when_asked(page, effnet):
    at = page
    shown = image_captions(at)
    assert any(c.startswith("Fast network (Magenta)") and "style strength 100%" in c for c in shown)
    assert not any("Optimisation (Gatys)" in c for c in shown), "nothing heavy runs on page load"
    run = next(b for b in at.button if b.label.startswith("▶ Run the optimisation: 20 steps"))
    assert "ms per step measured" in " ".join(captions(at))
    estimate = next(c for c in captions(at) if "ms per step measured" in c)
    assert estimate.startswith("128×128 px; ")  # the astronaut (square) at 128 px
    assert "The same for the fast network's result; relative difference" in " ".join(captions(at))
    run.click().run()
    assert "Optimisation (Gatys): step 20/20" in " ".join(image_captions(at))
    assert "After 20 steps" in " ".join(captions(at))
    assert any(d.label.startswith("Download the optimised result") for d in at.get("download_button"))
    assert "The same for the optimised result; relative difference" in " ".join(captions(at))
    assert not at.warning  # ran to the end: no "Stopped at step" note
    # the same run with the demo functions (the page's defaults): the same losses and Gram caption
    content, styles, weights = inputs.prepare(to_tensor(photo("astronaut")), inputs.pattern_image("pattern:strokes", 0),
                                              None, 128, 1.0)  # the default style: the generated brush strokes
    snap = optimisation.optimise(effnet, content, styles, weights, 1.0, 10 ** 2.5, 10.0, 20,
                                 optimisation.LAYERS["all"], "content", 0)
    assert optimisation.losses_caption(snap) in captions(at)
    g_style, g_now = gram.gram_view(effnet, styles[0], 0), gram.gram_view(effnet, snap.best, 0)
    assert gram.result_gram_caption(g_now, g_style, "optimised result") in captions(at)


def test_page_waits_for_an_upload(page):
    at = page
    at.selectbox(key="content").set_value("upload").run()
    assert not at.exception and any("Upload an image" in i.value for i in at.info)
    at.selectbox(key="content").set_value("astronaut").run()


def test_page_mixes_styles_and_preserves_colour():
    at = open_page(PAGE, size="128", steps="10", style="hubble", style2="pattern:swirl", mix="0.3",
                   colour="1", init="noise", timeout=180)
    assert not at.exception
    assert at.slider(key="mix").value == 0.3 and at.toggle(key="colour").value is True
    assert "Style (+ second, 70%)" in image_captions(at)
    assert inputs.style_caption([0.3, 0.7]) in image_captions(at)
    assert optimisation.run_label(10, 0.0).split(",")[0] in [b.label.split(",")[0] for b in at.button]


def test_a_control_that_does_not_change_the_inputs_does_not_rerun_the_fast_network(monkeypatch):
    from demos.style_transfer import fast
    calls = []
    real = fast.fast_stylize
    monkeypatch.setattr(fast, "fast_stylize", lambda *a: calls.append(1) or real(*a))
    at = open_page(PAGE, size="160", steps="20", style_w="3", timeout=180)  # settings no other test uses
    assert not at.exception and len(calls) == 1
    at.slider(key="steps").set_value(30).run()  # the optimisation's length: the fast result is the same
    assert not at.exception and len(calls) == 1, "kept: the same content, style, size and mix"
    at.number_input(key="seed").set_value(4242).run()  # a seed no other test uses: a new inputs key (it draws
    assert not at.exception and len(calls) == 2        # pattern images), so one new forward pass


def test_the_fast_networks_strength_changes_its_result_and_its_caption(pretrained):
    # the issue: the style-weight slider had no effect on the fast result and nothing said so
    from demos.style_transfer import fast
    net = pretrained("magenta_arbitrary_style")
    content = inputs.resize_longer(to_tensor(photo("astronaut")), 128)
    style = inputs.pattern_image("pattern:strokes", 0)
    full, half, none = (fast.fast_stylize(net, content, style, s) for s in (1.0, 0.5, 0.0))
    # v = s·v(style) + (1 − s)·v(content): the farther from the style's vector, the closer to the content
    assert (none - content).abs().mean() < (half - content).abs().mean() < (full - content).abs().mean()
    assert "style strength 50%" in fast.fast_caption(0.3, 0.5) and "three forward passes" in fast.fast_caption(0.3, 0.5)
    assert "the weight sliders steer the optimisation only" in fast.fast_caption(0.3)
    at = open_page(PAGE, size="128", steps="10", strength="0.5", timeout=180)
    assert not at.exception and at.slider(key="strength").value == 0.5
    assert any("style strength 50%" in c for c in image_captions(at))
