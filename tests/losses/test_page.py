"""The losses page driven by AppTest: the hero's caption and the overflow caption follow the controls (a
preset, the scale, the temperature); each tab shows the captions its demo functions compute; bad URL
values get a notice or a message. Two page opens."""
import pytest

from demos.losses import calibration, information, regression, softmax, zoo, zoo_views
from tests.support import captions, open_page, plotly_specs, show

pytestmark = pytest.mark.filterwarnings("ignore")
PAGE = "pages/23_losses.py"


@pytest.fixture(scope="module")
def page():
    return open_page(PAGE, timeout=120)


def hero(at):
    s = at.session_state
    return softmax.playground(tuple(s[f"z{i}"] for i in range(s["classes"])), int(s["true"]), s["temp"], s["scale"])


def test_the_hero_and_its_captions_follow_the_controls(page):
    assert not page.exception and not page.error
    shown = captions(page)
    assert softmax.playground_caption(hero(page)) in shown and "pushes the true logit 1.44× as hard" in shown[1]
    assert len(plotly_specs(page)[0]["data"]) == 3
    next(b for b in page.button if b.label == "Confidently wrong").click().run()
    assert page.session_state["z1"] == 6.0
    assert "the model is wrong: class 1" in captions(page)[1] and "harder than MSE" in captions(page)[1]
    page.slider(key="scale").set_value(50).run()
    assert any("non-finite" in c for c in captions(page))
    page.slider(key="classes").set_value(6)
    page.slider(key="temp").set_value(2.0).run()
    assert not page.exception and len(plotly_specs(page)[0]["data"][0]["x"]) == 6
    assert softmax.playground_caption(hero(page)) in captions(page)
    assert "z/T" in captions(page)[2] and len(page.dataframe[0].value) == 6


def test_the_tabs_show_what_their_demos_compute(page):
    show(page, view="Loss zoo")  # the default tab: the committed recording, no training
    rec = zoo.committed(zoo.DEFAULT_GAMMA, zoo.DEFAULT_EPS)
    assert zoo_views.per_class_caption(rec) in captions(page) and zoo_views.margins_caption(rec) in captions(page)
    show(page, view="Calibration", url={"model": "mnist_mlp", "shift": "rotated 60°"})
    cal = calibration.committed("mnist_mlp", "rotated 60°")
    assert calibration.calibration_caption(cal, "rotated 60°") in captions(page)
    show(page, view="Regression losses", outliers="9, -8; 10, -9", delta=2.0)
    result = regression.fits(((9.0, -8.0), (10.0, -9.0)), 2.0, 0)
    assert regression.fits_caption(result) in captions(page) and regression.shapes_caption(2.0) in captions(page)
    show(page, outliers="9 -8")
    assert "is not a point" in page.error[0].value and "0 outlier" not in " ".join(captions(page))
    show(page, view="Entropy, cross-entropy, KL", p_a=0.7, sep=4.0)
    p, q = information.normalise((0.7, 0.25, 0.125, 0.125)), information.normalise(information.DEFAULT_Q)
    assert information.areas_caption(p, q) in captions(page)
    assert information.kl_caption(information.kl_fits(4.0, 0.5)) in captions(page)


def test_bad_url_values_fall_back_with_a_notice():
    at = open_page(PAGE, timeout=120, temp="hot", true="7", outliers="x")
    assert not at.exception
    notices = " ".join(w.value for w in at.warning) + " ".join(i.value for i in at.info) + " ".join(
        t.value for t in at.toast)
    assert "temp" in notices and at.session_state["temp"] == 1.0 and at.session_state["true"] == "0"
