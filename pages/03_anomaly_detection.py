"""Autoencoder anomaly detection: train on normal digits only, flag what cannot be rebuilt."""
import numpy as np
import streamlit as st

import ui
from demos import anomaly, images, plots
from models.ecg import ANOMALIES, RATE, synthetic_ecg, anomalous_signal, window_labels

page = ui.page_setup(__file__)

# Controls: normal class, detector and the threshold (kept on a slide); the test mixture below
key_row = st.columns([2, 2, 2, 3, 1])
more = ui.more_controls(key_row[4])
with key_row[0]:
    normal = ui.slider("Normal class", "normal", 0, 9, 7)
with key_row[1]:
    detector = ui.select("Detector", "detector", ["mnist_ae", "mnist_dae"],
                         format_func={"mnist_ae": "Autoencoder", "mnist_dae": "Denoising AE"}.get)
with key_row[2]:
    rule = ui.select("Threshold rule", "rule", ["percentile", "sigma"], widget="radio",
                     format_func={"percentile": "Percentile", "sigma": "μ + kσ"}.get)
with key_row[3]:
    if rule == "percentile":
        q = ui.slider("Percentile of normal validation errors", "q", 50.0, 99.5, 95.0, step=0.5)
    else:
        k = ui.slider("k (standard deviations above the mean)", "k", 0.0, 6.0, 2.0, step=0.25)
with more:
    m = st.columns(3)
    with m[0]:
        others = ui.toggle("Other digits in the test mix", "others", True)
    with m[1]:
        corrupted = ui.toggle("Corrupted digits in the test mix", "corrupted", True)
    with m[2]:
        seed = ui.number("Seed", "seed", 0, 9999, 0, help="Which other and corrupted digits are drawn")


@st.cache_data(max_entries=64, show_spinner="Scoring the test digits…")
def score(detector: str, normal: int, others: bool, corrupted: bool, seed: int) -> dict:
    from models.data import one_class_split
    data, ae = ui.mnist(), ui.model(detector)
    kinds = anomaly.CORRUPTIONS if corrupted else ()
    x, is_anomaly, groups = anomaly.test_mixture(data.test_images, data.test_labels, normal, others, kinds, seed)
    recon, codes = anomaly.reconstruct(ae, x, normal)
    errors = anomaly.pixel_errors(x, recon).mean(dim=(1, 2)).numpy()
    val = anomaly.reconstruction_errors(ae, one_class_split(normal)[1], normal).numpy()
    return {"x": x.numpy(), "recon": recon.numpy(), "errors": errors, "is_anomaly": is_anomaly,
            "groups": groups, "val": val, "codes": codes.numpy()}


r = score(detector, normal, others, corrupted, seed)
errors, y = r["errors"], r["is_anomaly"]
threshold = (anomaly.threshold_percentile(r["val"], q) if rule == "percentile"
             else anomaly.threshold_sigma(r["val"], k))
counts = anomaly.confusion(errors, y, threshold)
prf = anomaly.precision_recall_f1(counts)
false_alarms = anomaly.false_alarm_rate(counts)
nominal = (100 - q) / 100 if rule == "percentile" else None
val_rate = float((r["val"] > threshold).mean())

# Hero: error histograms with the threshold, and what that threshold buys
left, right = st.columns([3, 1])
with left:
    groups = {f"normal ({normal}s)": errors[~y], "anomalous": errors[y]} if y.any() else {"normal": errors}
    ui.chart(plots.histograms(groups, threshold, "Reconstruction error per image", "mean squared error", log_x=True),
             f"Threshold {threshold:.4f}: {counts['tp']} of {counts['tp'] + counts['fn']} anomalies "
             f"caught, {counts['fp']} of {counts['fp'] + counts['tn']} normal digits falsely flagged.",
             export="reconstruction_errors")
with right:
    for name, value, note in (("Precision", prf["precision"], "undefined: nothing is flagged"),
                              ("Recall", prf["recall"], "undefined: no anomalies in the mix"),
                              ("F1", prf["f1"], "undefined")):
        st.markdown(f"**{name}** {value:.2f}" if np.isfinite(value) else f"**{name}** — ({note})")
    st.markdown(f"**False alarms** {false_alarms:.1%} of held-out normals"
                + (f" (nominal {nominal:.1%}; {val_rate:.0%} of the {len(r['val'])} validation digits)"
                   if nominal is not None else f" ({val_rate:.0%} of the {len(r['val'])} validation digits)"))
    ui.chart(plots.heatmap(np.array([[counts["tn"], counts["fp"]], [counts["fn"], counts["tp"]]]),
                           x=["flagged normal", "flagged anomaly"], y=["is normal", "is anomaly"],
                           text_format="d", height=250, square=False, show_scale=False),
             "Confusion matrix at this threshold (rows: truth, columns: decision).")
ui.end_of_hero()

# Secondary views, one lazy tab each
view, box = ui.tabs("view", ["ROC & PR", "Examples", "Latent space", "Time series", "Your image"])
with box:
    if view == "ROC & PR" and y.any() and (~y).any():
        fpr, tpr, _ = anomaly.roc_curve(errors, y)
        prec, rec, _ = anomaly.pr_curve(errors, y)
        op = (false_alarms, prf["recall"])
        a, b = st.columns(2)
        with a:
            ui.chart(plots.curve(fpr, tpr, op, "ROC", "false-positive rate", "true-positive rate", diagonal=True),
                     f"AUROC {anomaly.auroc(errors, y):.3f}: the chance a random anomaly scores above a random normal digit.")
        with b:
            point = (prf["recall"], prf["precision"]) if np.isfinite(prf["precision"]) else None
            ui.chart(plots.curve(rec, prec, point, "Precision–recall", "recall", "precision"),
                     f"Average precision (AP) {anomaly.average_precision(errors, y):.3f} (chance level "
                     f"{y.mean():.2f})" + ("; the diamond is your threshold." if point else
                                          "; your threshold flags nothing, so it has no precision."))
    elif view == "ROC & PR":
        st.info("Add other or corrupted digits to the mix: curves need both normal and anomalous data.")
    elif view == "Examples":
        order = np.argsort(errors)
        picks = list(order[::-1][:5]) + list(order[:3])
        rows = [[r["x"][i, 0], r["recon"][i, 0], (r["x"][i, 0] - r["recon"][i, 0]) ** 2] for i in picks]
        names = [f"{r['groups'][i]} · {errors[i]:.3f}" for i in picks]
        ui.chart(plots.image_rows(rows, ["input", "reconstruction", "squared error"], names),
                 "Top five rows: the most anomalous test images; bottom three: the most normal. "
                 "Bright error pixels show where the autoencoder could not follow the input.")
    elif view == "Latent space":
        ui.chart(plots.scatter_groups(anomaly.pca_2d(r["codes"]), r["groups"], "Latent codes, first two principal components",
                                      x_title="PC 1", y_title="PC 2"),
                 "Each point is one test image's 16-number code, projected to 2-D and coloured by group. Where the "
                 "groups overlap the code alone cannot separate them; the decision rule here is the reconstruction "
                 "error, not the code.")
    elif view == "Time series":
        ecg_ae = ui.model("ecg_dae")
        win = ecg_ae.config.window
        signal, truth = anomalous_signal(60.0, ANOMALIES, seed=seed + 1000)
        scores, recon = anomaly.window_errors(ecg_ae, signal, win, 16)
        normal_scores, _ = anomaly.window_errors(ecg_ae, synthetic_ecg(60.0, seed + 5000), win, 16)
        flags = scores > anomaly.threshold_percentile(normal_scores, 99.0)
        t = np.arange(len(signal)) / RATE
        ui.chart(plots.signal_plot(t, signal, recon, anomaly.spans(flags, win, 16, RATE),
                                   anomaly.spans(truth, 1, 1, RATE), "Synthetic ECG, 60 s"),
                 f"Orange: windows above the 99th percentile of normal-trace errors; red bars: the injected "
                 f"spike, flat-line, tachycardia burst and noise burst. Window AUROC "
                 f"{anomaly.auroc(scores, window_labels(truth, win, 16)):.3f}.")
    else:
        upload, _ = ui.image_upload("Upload any image: it becomes a 28×28 digit and is scored", "upload")
        if upload is not None:
            x = images.digit_input(upload)
            recon, _ = anomaly.reconstruct(ui.model(detector), x, normal)
            err = float(anomaly.pixel_errors(x, recon).mean())
            verdict = "**anomalous**" if err > threshold else "**normal**"
            st.markdown(f"Error {err:.4f} vs threshold {threshold:.4f}: {verdict} for a model of {normal}s.")
            ui.chart(plots.image_rows([[x[0, 0].numpy(), recon[0, 0].numpy(), ((x - recon)[0, 0] ** 2).numpy()]],
                                      ["what the model sees", "reconstruction", "squared error"], ["upload"], 200),
                     "Your image as a 28×28 digit, its reconstruction and where they differ.")

ui.key_ideas()
ui.show_code(anomaly.reconstruction_errors, anomaly.threshold_percentile, anomaly.confusion, anomaly.roc_curve)
