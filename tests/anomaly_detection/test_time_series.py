"""The ECG detector: every injected anomaly found, spans merged, the page's run and caption."""
import numpy as np
import pytest

from demos.anomaly_detection import curves, thresholds, time_series
from models import metadata
from models.ecg import ANOMALIES, anomalous_signal, synthetic_ecg, window_labels


def test_ecg_detector_finds_every_injected_anomaly(pretrained):
    ae = pretrained("ecg_dae")
    normal_scores, _ = time_series.window_errors(ae, synthetic_ecg(60, 5000), 128, 16)
    threshold = thresholds.threshold_percentile(normal_scores, 99)
    aurocs = {}
    for kind in ANOMALIES:
        signal, mask = anomalous_signal(60, (kind,), seed=1000)
        scores, recon = time_series.window_errors(ae, signal, 128, 16)
        labels = window_labels(mask, 128, 16)
        assert scores[labels].max() > 1.5 * threshold, kind  # found, with margin
        aurocs[kind] = curves.auroc(scores, labels)
        assert recon.shape == signal.shape
    print("ECG window AUROC per anomaly", aurocs)
    assert metadata("ecg_dae")["metrics"]["window_auroc"] >= 0.9


def test_spans_merge_overlapping_windows():
    assert time_series.spans(np.array([0, 1, 1, 0, 0, 0, 1]), 4, 2, 2.0) == [(1.0, 4.0), (6.0, 8.0)]


def test_the_pages_run_flags_injected_anomalies_and_its_caption_quotes_its_auroc(pretrained):
    run = time_series.ecg_run(pretrained("ecg_dae"), seed=0)
    assert run["flagged"] and run["truth"] and len(run["t"]) == len(run["signal"]) == len(run["reconstruction"])
    assert any(a < tb and ta < b for a, b in run["flagged"] for ta, tb in run["truth"])  # a flag meets a truth
    assert 0.5 < run["auroc"] <= 1
    text = time_series.ecg_caption(run)
    assert text.endswith(f"Window AUROC {run['auroc']:.3f}.")
    assert text.startswith("The 60-s trace in 4 strips of 15 s.") and "black bars" in text and "red" not in text
    hit = sum(any(a < tb and ta < b for a, b in run["flagged"]) for ta, tb in run["truth"])
    assert f"({len(run['truth'])} spans), {hit} of them overlapped by an orange window" in text
    fig = time_series.ecg_figure(run)
    # 4 strips × (signal, reconstruction) + the two legend keys; each strip shows its own 15 s
    assert len(fig.data) == 10 and [fig.layout[f"xaxis{i if i > 1 else ''}"].range[0] for i in range(1, 5)] == [
        pytest.approx(run["t"][-1] * k / 4) for k in range(4)]
    assert [t.name for t in fig.data if t.showlegend is not False] == [
        "signal", "reconstruction", "flagged: error above the threshold", "injected anomaly (truth)"]
    assert fig.layout.legend.y < 0  # below the strips, not over the title
    colours = {s.fillcolor for s in fig.layout.shapes}
    assert colours <= {"#E69F00", "#000000"} and "#000000" in colours  # orange flags, black truth bars


def test_the_caption_counts_the_truth_spans_a_flag_overlaps():
    run = {"truth": [(1.0, 2.0), (5.0, 6.0), (9.0, 9.5)], "flagged": [(1.5, 3.0), (8.0, 9.1)], "auroc": 0.9}
    assert time_series.covered(run) == 2  # (1, 2) meets (1.5, 3); (9, 9.5) meets (8, 9.1); (5, 6) nothing
