"""Anomaly detection: metrics against hand-computed values and scikit-learn, thresholds, the
committed autoencoders' per-class AUROC, the ECG detector, and the page driven by AppTest."""
import re

import numpy as np
import pytest
import torch

from conftest import captions, open_page, plotly_specs
from demos import anomaly
from models import load_pretrained, metadata
from models.data import one_class_split
from models.ecg import ANOMALIES, synthetic_ecg, anomalous_signal, window_labels

pytestmark = pytest.mark.filterwarnings("ignore")
PAGE = "pages/03_anomaly_detection.py"
TOY_SCORES = np.array([0.1, 0.4, 0.35, 0.8])
TOY_LABELS = np.array([False, False, True, True])


def test_metrics_on_a_hand_computed_toy_case():
    counts = anomaly.confusion(TOY_SCORES, TOY_LABELS, 0.3)  # flags 0.4, 0.35, 0.8
    assert counts == {"tp": 2, "fp": 1, "fn": 0, "tn": 1}
    prf = anomaly.precision_recall_f1(counts)
    assert prf["precision"] == pytest.approx(2 / 3) and prf["recall"] == 1.0
    assert prf["f1"] == pytest.approx(0.8)
    # AUROC: of the 4 (anomaly, normal) pairs, only 0.35 < 0.4 is ordered wrongly -> 3/4
    assert anomaly.auroc(TOY_SCORES, TOY_LABELS) == pytest.approx(0.75)
    # AP: at 0.8 precision 1 (recall 0.5), at 0.35 precision 2/3 (recall 1) -> 0.5 + 0.5 * 2/3
    assert anomaly.average_precision(TOY_SCORES, TOY_LABELS) == pytest.approx(0.5 + 1 / 3)


def test_curves_and_areas_match_scikit_learn_with_ties():
    from sklearn.metrics import average_precision_score, roc_auc_score, roc_curve
    rng = np.random.default_rng(0)
    labels = rng.random(300) < 0.3
    scores = np.round(rng.normal(labels * 1.0, 1.0), 1)  # rounding makes many ties
    assert anomaly.auroc(scores, labels) == pytest.approx(roc_auc_score(labels, scores))
    assert anomaly.average_precision(scores, labels) == pytest.approx(average_precision_score(labels, scores))
    fpr, tpr, _ = anomaly.roc_curve(scores, labels)
    ref_fpr, ref_tpr, _ = roc_curve(labels, scores, drop_intermediate=False)
    assert np.allclose(fpr, ref_fpr) and np.allclose(tpr, ref_tpr)


def test_raising_the_threshold_trades_recall_for_precision():
    rng = np.random.default_rng(1)
    labels = rng.random(500) < 0.2
    scores = rng.normal(labels * 2.0, 1.0)
    results = [anomaly.precision_recall_f1(anomaly.confusion(scores, labels, t)) | anomaly.confusion(scores, labels, t)
               for t in np.linspace(-2, 4, 25)]
    recalls = [r["recall"] for r in results]
    false_alarms = [r["fp"] for r in results]
    assert recalls == sorted(recalls, reverse=True) and recalls[0] == 1.0
    assert false_alarms == sorted(false_alarms, reverse=True)
    assert results[-5]["precision"] > results[0]["precision"]


def test_thresholds():
    normal = np.arange(1, 101, dtype=float)
    assert anomaly.threshold_percentile(normal, 95) == pytest.approx(np.percentile(normal, 95))
    assert np.mean(normal > anomaly.threshold_percentile(normal, 95)) == pytest.approx(0.05)
    assert anomaly.threshold_sigma(normal, 2) == pytest.approx(50.5 + 2 * np.std(normal))


@pytest.mark.parametrize("name", ["mnist_ae", "mnist_dae"])
def test_committed_one_class_autoencoders_reach_the_auroc_bar(name, mnist):
    ae, meta = load_pretrained(name), metadata(name)
    report = {}
    for c in range(10):
        scores = anomaly.reconstruction_errors(ae, mnist.test_images, c).numpy()
        report[c] = anomaly.auroc(scores, (mnist.test_labels != c).numpy())
        assert report[c] == pytest.approx(meta["metrics"]["auroc_per_class"][str(c)], abs=1e-3)
    print(name, {c: round(v, 3) for c, v in report.items()})  # all 10 in the test log
    assert sum(v >= 0.95 for v in report.values()) >= meta["metric_bar"]["classes_at_bar"] >= 7
    assert min(report.values()) > 0.85


def test_denoising_autoencoder_was_trained_with_input_noise():
    assert metadata("mnist_dae")["config"]["input_noise"] > 0 == metadata("mnist_ae")["config"]["input_noise"]


def test_corruptions_stay_valid_and_change_the_digit(mnist):
    x = mnist.test_images[:20]
    for kind in anomaly.CORRUPTIONS:
        y = anomaly.corrupt(x, kind, torch.Generator().manual_seed(0))
        assert y.shape == x.shape and 0 <= y.min() and y.max() <= 1
        assert (y - x).abs().mean() > 0.02, kind
    rotated = anomaly.corrupt(x, "rotation", torch.Generator().manual_seed(0))
    assert torch.allclose(rotated.flatten(1).sort(1).values, x.flatten(1).sort(1).values)
    assert torch.equal(anomaly.corrupt(x, "inversion", torch.Generator()), 1 - x)


def test_test_mixture_composition(mnist):
    x, y, groups = anomaly.test_mixture(mnist.test_images, mnist.test_labels, 3, True, anomaly.CORRUPTIONS, 0)
    assert len(x) == len(y) == len(groups) == 100 + 100 + 4 * 25
    assert (~y).sum() == 100 and groups.count("other digit") == 100


def test_normal_validation_is_separate_from_the_fit_data():
    fit, val = one_class_split(5)
    assert len(val) == 50 and len(fit) == 350
    fit_set = {bytes(v.numpy().tobytes()) for v in fit}
    assert not any(bytes(v.numpy().tobytes()) in fit_set for v in val)


def test_pca_2d_matches_scikit_learn_up_to_sign():
    from sklearn.decomposition import PCA
    codes = np.random.default_rng(2).normal(size=(50, 6)) @ np.diag([5, 3, 1, 1, 1, 1])
    ours, ref = anomaly.pca_2d(codes), PCA(2).fit_transform(codes)
    assert np.allclose(np.abs(ours), np.abs(ref), atol=1e-8)


def test_ecg_detector_finds_every_injected_anomaly():
    ae = load_pretrained("ecg_dae")
    normal_scores, _ = anomaly.window_errors(ae, synthetic_ecg(60, 5000), 128, 16)
    threshold = anomaly.threshold_percentile(normal_scores, 99)
    aurocs = {}
    for kind in ANOMALIES:
        signal, mask = anomalous_signal(60, (kind,), seed=1000)
        scores, recon = anomaly.window_errors(ae, signal, 128, 16)
        labels = window_labels(mask, 128, 16)
        assert scores[labels].max() > 1.5 * threshold, kind  # found, with margin
        aurocs[kind] = anomaly.auroc(scores, labels)
        assert recon.shape == signal.shape
    print("ECG window AUROC per anomaly", aurocs)
    assert metadata("ecg_dae")["metrics"]["window_auroc"] >= 0.9


def test_spans_merge_overlapping_windows():
    assert anomaly.spans(np.array([0, 1, 1, 0, 0, 0, 1]), 4, 2, 2.0) == [(1.0, 4.0), (6.0, 8.0)]


# ---- the page
def shown_metrics(at) -> dict[str, float]:
    """The hero's "**Name** value" lines (NaN where the page says the value is undefined)."""
    out = {}
    for m in at.markdown:
        match = re.match(r"\*\*(Precision|Recall|F1|False alarms)\*\* ([0-9.]+%?|—)", m.value)
        if match:
            v = match.group(2)
            out[match.group(1)] = float("nan") if v == "—" else float(v.rstrip("%")) / (100 if v.endswith("%") else 1)
    return out


def test_threshold_slider_moves_precision_and_recall():
    at = open_page(PAGE)
    high = shown_metrics(at)
    at.slider(key="q").set_value(60.0).run()
    low = shown_metrics(at)
    assert low["Recall"] >= high["Recall"] and low["Precision"] <= high["Precision"]
    assert "falsely flagged" in captions(at)[0]


@pytest.mark.parametrize("q", [60.0, 95.0, 99.5])
def test_measured_false_alarm_rate_is_shown_beside_the_nominal_one(q):
    """The percentile fixes (100 - q) % only on the validation digits; the page states the rate it
    really gets on the 100 held-out normal digits, computed from the same errors as the histogram."""
    at = open_page(PAGE, q=str(q))
    line = next(m.value for m in at.markdown if m.value.startswith("**False alarms**"))
    assert f"nominal {(100 - q) / 100:.1%}" in line
    from models.data import mnist_split
    ae, data = load_pretrained("mnist_ae"), mnist_split()
    val = anomaly.reconstruction_errors(ae, one_class_split(7)[1], 7).numpy()
    normals = anomaly.reconstruction_errors(ae, data.test_images[data.test_labels == 7], 7).numpy()
    tau = anomaly.threshold_percentile(val, q)
    assert shown_metrics(at)["False alarms"] == pytest.approx((normals > tau).mean(), abs=5e-4)


def test_precision_is_undefined_when_nothing_is_flagged():
    counts = anomaly.confusion(np.array([0.1, 0.2, 0.9]), np.array([False, False, True]), 1.0)
    prf = anomaly.precision_recall_f1(counts)
    assert np.isnan(prf["precision"]) and prf["recall"] == 0.0 and prf["f1"] == 0.0
    at = open_page(PAGE, rule="sigma", k="6")
    if shown_metrics(at)["Recall"] == 0.0:  # k = 6 flags nothing for the default class
        assert np.isnan(shown_metrics(at)["Precision"])


def test_sigma_rule_and_mixture_toggles():
    at = open_page(PAGE, rule="sigma", k="3", corrupted="0", normal="1")
    assert not at.exception and at.slider(key="k").value == 3.0
    assert "of 100 anomalies caught" in captions(at)[0]  # only the 100 other digits
    at = open_page(PAGE, others="0", corrupted="0", view="ROC & PR")
    assert any("need both normal and anomalous" in i.value for i in at.info)


@pytest.mark.parametrize("view,expected", [("ROC & PR", "AUROC"), ("Examples", "most anomalous"),
                                           ("Latent space", "principal components"),
                                           ("Time series", "Window AUROC")])
def test_every_tab_renders(view, expected):
    at = open_page(PAGE, view=view)
    assert not at.exception
    assert expected in " ".join(captions(at)) + " ".join(str(s.get("layout", {}).get("title", "")) for s in plotly_specs(at))


def test_upload_tab_waits_for_a_file():
    at = open_page(PAGE, view="Your image")
    assert not at.exception and len(plotly_specs(at)) == 2  # the hero only


@pytest.mark.parametrize("name", ["mnist_ae", "mnist_dae"])
def test_digit_8_is_the_hard_class_as_the_page_says(name):
    """The Key ideas name digit 8 as the hard case: true of both committed models' cards."""
    per_class = metadata(name)["metrics"]["auroc_per_class"]
    assert min(per_class, key=per_class.get) == "8"
