"""The anomaly page through AppTest: it shows what the demo functions compute for its controls (the
numbers are tested in the unit tests), the threshold moves them, the mixture toggles and rules work,
and every tab renders. Opened four times; controls and tabs change inside one session."""
import re

import numpy as np
import pytest

from demos.anomaly_detection import scoring, thresholds
from models.data import one_class_split
from tests.support import captions, open_page, plotly_specs

pytestmark = pytest.mark.filterwarnings("ignore")
PAGE = "pages/03_anomaly_detection.py"


def shown_metrics(at) -> dict[str, float]:
    """The hero's "**Name** value" lines (NaN where the page says the value is undefined)."""
    out = {}
    for m in at.markdown:
        match = re.match(r"\*\*(Precision|Recall|F1|False alarms)\*\* ([0-9.]+%?|—)", m.value)
        if match:
            v = match.group(2)
            out[match.group(1)] = float("nan") if v == "—" else float(v.rstrip("%")) / (100 if v.endswith("%") else 1)
    return out


@pytest.fixture(scope="module")
def page():
    return open_page(PAGE)


def test_the_hero_shows_what_the_demo_computes_and_the_threshold_moves_it(page, mnist, pretrained):
    """Default view: the caption and side panel equal the demo's for the same controls; q = 60 flags
    more, so recall rises and precision falls; the measured false alarms sit beside the nominal rate."""
    at = page
    ae = pretrained("mnist_ae")
    s = scoring.score_mixture(ae, mnist.test_images, mnist.test_labels, one_class_split(7)[1], 7, True, True, 0)
    point = thresholds.operating_point(s, thresholds.threshold_percentile(s.validation, 95.0))
    assert captions(at)[0] == thresholds.errors_caption(point)
    panel = [m.value for m in at.markdown if re.match(r"\*\*(Precision|Recall|F1|False alarms)\*\*", m.value)]
    assert panel == thresholds.metric_lines(point, "percentile", 95.0)
    high = shown_metrics(at)
    normals = s.errors[~s.is_anomaly]
    for q in (60.0, 99.5, 95.0):  # the percentile fixes (100 - q) % only on the validation digits
        at.slider(key="q").set_value(q).run()
        line = next(m.value for m in at.markdown if m.value.startswith("**False alarms**"))
        assert f"nominal {(100 - q) / 100:.1%}" in line
        tau = thresholds.threshold_percentile(s.validation, q)
        assert shown_metrics(at)["False alarms"] == pytest.approx((normals > tau).mean(), abs=5e-4)
        if q == 60.0:
            low = shown_metrics(at)
            assert low["Recall"] >= high["Recall"] and low["Precision"] <= high["Precision"]
            assert "falsely flagged" in captions(at)[0]
    assert not at.exception


def test_every_tab_renders(page):
    at = page
    for view, expected in [("ROC & PR", "AUROC"), ("Examples", "most anomalous"),
                           ("Latent space", "principal components"), ("Time series", "Window AUROC")]:
        at.session_state["view"] = view
        at.run()
        assert not at.exception, view
        shown = " ".join(captions(at)) + " ".join(str(s.get("layout", {}).get("title", "")) for s in plotly_specs(at))
        assert expected in shown, view
    at.session_state["view"] = "Your image"
    at.run()
    assert not at.exception and len(plotly_specs(at)) == 2  # the hero only, until a file comes


def test_sigma_rule_flags_nothing_at_k_6_so_precision_is_undefined():
    at = open_page(PAGE, rule="sigma", k="6")
    assert not at.exception and at.slider(key="k").value == 6.0
    if shown_metrics(at)["Recall"] == 0.0:  # k = 6 flags nothing for the default class
        assert np.isnan(shown_metrics(at)["Precision"])


def test_sigma_rule_and_mixture_toggles():
    at = open_page(PAGE, rule="sigma", k="3", corrupted="0", normal="1")
    assert not at.exception and at.slider(key="k").value == 3.0
    assert "of 100 anomalies caught" in captions(at)[0]  # only the 100 other digits
    at.toggle(key="others").set_value(False).run()
    at.session_state["view"] = "ROC & PR"
    at.run()
    assert any("need both normal and anomalous" in i.value for i in at.info)


def test_compress_and_denoise_captions_follow_the_controls(pretrained, mnist):
    """The new tab: its three captions are the demos' for the default k = 16 and σ = 0.4, and change
    when the bottleneck and the noise move (values from the URL, then from the widgets)."""
    from demos.anomaly_detection import compress, denoise

    ae, dae = pretrained("mnist_ae"), pretrained("mnist_dae")
    run = compress.recorded()

    def expected(k: int, sigma: float) -> list[str]:
        d = denoise.denoise_run(ae, dae, mnist.test_images, mnist.test_labels, 7, sigma, 0)
        return [compress.errors_caption(run, k), compress.RECONSTRUCTIONS_CAPTION, denoise.denoise_caption(d)]

    at = open_page(PAGE, view="Compress and denoise")
    assert not at.exception and captions(at)[-3:] == expected(16, 0.4)
    at.slider(key="noise").set_value(0.8).run()
    at.session_state["code"] = "2"
    at.run()
    assert not at.exception and captions(at)[-3:] == expected(2, 0.8)
    assert open_page(PAGE, view="Compress and denoise", code="5").session_state["code"] == "16"  # not recorded
