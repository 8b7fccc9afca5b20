"""Autoencoder anomaly detection: train on normal digits only, flag what cannot be rebuilt."""
import streamlit as st

import ui
from demos import images
from demos.anomaly_detection import compress, curves, denoise, examples, latent, scoring, thresholds, time_series
from models.data import one_class_split

page = ui.page_setup(__file__)

# Controls: normal class, detector and the threshold (kept on a slide); the test mixture below
key_row = st.columns([2, 2, 2, 3])
more = ui.more_controls()
with key_row[0]:
    normal = ui.slider("Normal class", "normal", 0, 9, 7)
with key_row[1]:
    detector = ui.select("Detector", "detector", ["mnist_ae", "mnist_dae"],
                         format_func={"mnist_ae": "Autoencoder", "mnist_dae": "Denoising AE"}.get)
with key_row[2]:
    rule = ui.select("Threshold rule", "rule", list(thresholds.RULES), widget="radio",
                     format_func=thresholds.RULES.get)
with key_row[3]:
    q, k = 95.0, 2.0
    if rule == "percentile":
        q = ui.slider("Percentile of normal validation errors", "q", 50.0, 99.5, 95.0, step=0.5)
    else:
        k = ui.slider("k (standard deviations above the mean)", "k", 0.0, 6.0, 2.0, step=0.25)
with more:
    m = ui.control_columns(3)
    with m[0]:
        others = ui.toggle("Other digits in the test mix", "others", True)
    with m[1]:
        corrupted = ui.toggle("Corrupted digits in the test mix", "corrupted", True)
    with m[2]:
        seed = ui.number("Seed", "seed", 0, 9999, 0, help="Which other and corrupted digits are drawn")

# Scores of the test mixture and of the normal validation digits, then the threshold's operating point
data, ae = ui.mnist(), ui.model(detector)
scores = ui.cached(scoring.score_mixture, ae, data.test_images, data.test_labels, one_class_split(normal)[1],
                   normal, others, corrupted, seed, key=(detector, normal, others, corrupted, seed),
                   max_entries=64, spinner="Scoring the test digits…")
threshold = thresholds.threshold(rule, scores.validation, q, k)
point = thresholds.operating_point(scores, threshold)

# Hero: error histograms with the threshold, and what that threshold buys
left, right = st.columns([3, 1])
with left:
    ui.chart(thresholds.errors_figure(scores, threshold, normal, 450 if ui.is_presenting() else 340),
             thresholds.errors_caption(point),
             export="reconstruction_errors")
with right:
    for line in thresholds.metric_lines(point, rule, q, details=not ui.is_presenting()):
        st.markdown(line)
    ui.chart(thresholds.confusion_figure(point["counts"], 170 if ui.is_presenting() else 250),
             thresholds.CONFUSION_CAPTION)
ui.end_of_hero()

# Secondary views, one lazy tab each
view, box = ui.tabs("view", ["ROC & PR", "Examples", "Latent space", "Time series", "Compress and denoise", "Your image"])
errors, truth = scores.errors, scores.is_anomaly
with box:
    if view == "ROC & PR" and curves.has_both(truth):
        a, b = st.columns(2)
        with a:
            ui.chart(curves.roc_figure(errors, truth, point), curves.roc_caption(errors, truth))
        with b:
            ui.chart(curves.pr_figure(errors, truth, point), curves.pr_caption(errors, truth, point))
    elif view == "ROC & PR":
        st.info("Add other or corrupted digits to the mix: curves need both normal and anomalous data.")
    elif view == "Examples":
        ui.chart(examples.examples_figure(scores, examples.extremes(errors)), examples.examples_caption())
    elif view == "Latent space":
        ui.chart(latent.latent_figure(scores.codes, scores.groups), latent.latent_caption(scores.codes))
    elif view == "Time series":
        run = ui.cached(time_series.ecg_run, ui.model("ecg_dae"), seed, key=seed)
        ui.chart(time_series.ecg_figure(run), time_series.ecg_caption(run))
    elif view == "Compress and denoise":
        a, b = st.columns(2)
        with a:
            k = int(ui.select("Bottleneck size k", "code", [str(s) for s in compress.SIZES], "16", widget="segmented"))
            run = compress.recorded()
            ui.chart(compress.errors_figure(run, k), compress.errors_caption(run, k))
            ui.chart(compress.reconstructions_figure(run, k), compress.RECONSTRUCTIONS_CAPTION)
        with b:
            sigma = ui.slider("Noise σ added to the held-out digits", "noise", 0.0, 1.0, 0.4, step=0.05)
            run = ui.cached(denoise.denoise_run, ui.model("mnist_ae"), ui.model("mnist_dae"), data.test_images,
                            data.test_labels, normal, sigma, seed, key=(normal, sigma, seed))
            ui.chart(denoise.denoise_figure(run), denoise.denoise_caption(run))
    else:
        upload, _ = ui.image_upload("Upload any image: it becomes a 28×28 digit and is scored", "upload")
        if upload is not None:
            x = images.digit_input(upload)
            error, recon = examples.judge(ae, x, normal)
            st.markdown(examples.verdict_text(error, threshold, normal))
            ui.chart(examples.upload_figure(x, recon), examples.UPLOAD_CAPTION)

ui.key_ideas()
ui.show_code(scoring.reconstruction_errors, thresholds.threshold_percentile, thresholds.confusion, curves.roc_curve)
