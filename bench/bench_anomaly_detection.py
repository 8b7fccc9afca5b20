"""Key compute times of the anomaly detection page."""
from __future__ import annotations

from bench.common import Row, best_of
from demos.anomaly_detection import compress, denoise, scoring, time_series
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
    rows.append(Row("anomaly_detection", "Compress and denoise tab: load the recorded run (first view, cold)",
                    best_of(lambda: (compress.recorded.cache_clear(), compress.recorded()), repeat=3)))
    run = compress.recorded()
    rows.append(Row("anomaly_detection", "Compress and denoise tab: error curve + reconstructions figures and caption",
                    best_of(lambda: (compress.errors_figure(run, 16), compress.reconstructions_figure(run, 16),
                                     compress.errors_caption(run, 16)))))
    dae = load_pretrained("mnist_dae")
    rows.append(Row("anomaly_detection", "Compress and denoise tab: noise slider (100 digits through both AEs + figure)",
                    best_of(lambda: denoise.denoise_figure(denoise.denoise_run(ae, dae, data.test_images,
                                                                               data.test_labels, 7, 0.4, 0)))))
    return rows
