"""Key compute times of the anomaly detection page."""
from __future__ import annotations

from bench.common import Row, best_of
from demos.anomaly_detection import scoring, time_series
from models import load_pretrained
from models.data import mnist_split, one_class_split


def run() -> list[Row]:
    data = mnist_split()
    ae = load_pretrained("mnist_ae")
    rows = [Row("anomaly_detection", "score 1,000 digits (reconstruction error)",
                best_of(lambda: scoring.reconstruction_errors(ae, data.test_images, 7)))]
    val = one_class_split(7)[1]
    rows.append(Row("anomaly_detection", "the page's scoring: test mixture (300 images) + 50 validation digits",
                    best_of(lambda: scoring.score_mixture(ae, data.test_images, data.test_labels, val, 7, True, True, 0))))
    ecg = load_pretrained("ecg_dae")
    rows.append(Row("anomaly_detection", "Time series tab: score a 60-s ECG and a normal trace",
                    best_of(lambda: time_series.ecg_run(ecg, 0))))
    return rows
