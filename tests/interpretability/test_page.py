"""The page through AppTest (one open on a digit, one on a photo): the hero's sentences are the demo
functions' for the controls' values, the controls move them, and each tab shows what its demo says."""
import pytest

from demos.interpretability import faithfulness, hero, methods, sanity
from tests.support import captions, open_page, plotly_specs, show

pytestmark = pytest.mark.filterwarnings("ignore")
PAGE = "pages/16_interpretability.py"


@pytest.fixture(scope="module")
def page():
    at = open_page(PAGE, timeout=180)
    assert not at.exception, at.exception
    return at


def markdown(at) -> str:
    return " ".join(m.value for m in at.markdown)


def test_the_hero_says_what_the_demo_functions_compute(page, mnist_cnn, digit):
    at = show(page, view="Sanity checks", steps=50, baseline="black", rank="1")
    r = hero.attribute_all(mnist_cnn, digit, 7, hero.Settings())
    assert hero.hero_caption(r, "7", float(mnist_cnn(digit).softmax(-1)[0, 7])) in captions(at)
    assert hero.completeness_text(r, 50) in markdown(at)
    assert len(plotly_specs(at)[0]["data"]) == 8  # input, baseline, six maps


def test_the_controls_move_the_hero(page):
    at = show(page, steps=4, baseline="noise")
    assert "(IG, 4 steps)" in markdown(at)
    at = show(page, rank="2", steps=50, baseline="black")
    assert not any("Six explanations of “7”" in c for c in captions(at))  # the 2nd choice is explained now
    at = show(page, rank="1", layer="features.1")
    assert methods.DIGIT_LAYERS["features.1"] in markdown(at)
    show(page, layer="features.4")


def test_each_tab_shows_its_demos_captions(page, mnist_cnn, digit, checks, explained):
    at = show(page, view="Sanity checks", k=5)
    assert sanity.cascade_caption(checks, 5) in captions(at)
    real = hero.flat_maps(explained)
    assert any(c.startswith(sanity.twin_caption(sanity.twin_scores(real, checks["twin"]))) for c in captions(at))
    assert any(c.startswith("Precomputed by `python -m train.interpretability_sanity`") for c in captions(at))
    at = show(page, view="Sanity checks", index=1)  # another digit: computed live, no such line
    assert not any(c.startswith("Precomputed by") for c in captions(at)) and not at.exception
    show(page, index=0)

    at = show(page, view="Faithfulness")
    curves = faithfulness.deletion_insertion(mnist_cnn, digit, 7, real, methods.baseline(digit, "blur"), 0)
    assert faithfulness.curves_caption(curves) in captions(at)
    assert len(at.dataframe[0].value) == len(methods.METHODS) + 1

    at = show(page, view="Adversarial link", eps=0.0)
    assert any(c.startswith("FGSM at ε = 0 leaves the answer at “7”") for c in captions(at))
    at = show(page, eps=0.3)
    assert any("FGSM at ε = 0.3" in c for c in captions(at))
    show(page, view="Sanity checks")


def test_a_photo_is_explained_at_its_last_block():
    at = open_page(PAGE, family="photos", photo="coffee", n_photo="5", steps_photo="8", patch_px="112", timeout=300)
    assert not at.exception, at.exception
    assert any(c.startswith("Six explanations of “espresso”") for c in captions(at))
    assert "Integrated Gradients" in markdown(at) and "(8 steps)" in markdown(at)  # the cost line, measured
    assert "(n = 5 passes)" in markdown(at) and "(4 + 1 forward passes)" in markdown(at)  # 112-px squares at 0, 112: 2 × 2
    assert methods.PHOTO_LAYERS["_blocks.15"] in markdown(at)
