"""Softmax, losses and calibration: the logit playground, five losses on imbalanced digits, reliability
diagrams with temperature scaling, robust regression losses, entropy and KL."""
import streamlit as st

import ui
from demos.losses import calibration, information, objectives, regression, softmax, zoo, zoo_views

page = ui.page_setup(__file__)

# Controls: how many classes, the true one, the temperature, a scale on every logit; presets
row = st.columns([2, 2, 3, 3])
with row[0]:
    k = ui.slider("Classes", "classes", *softmax.CLASSES_RANGE, 4)
with row[1]:
    true = int(ui.select("True class", "true", [str(i) for i in range(k)]))
with row[2]:
    temp = ui.slider("Temperature T", "temp", *softmax.TEMPERATURE_RANGE, 1.0, step=0.1)
with row[3]:
    scale = ui.slider("Scale every logit ×", "scale", *softmax.SCALE_RANGE, 1,
                      help="Multiplies every logit: past ≈ 88.7 the naive float32 softmax overflows")

# The presets and the logits, one slider each (the first k); on a slide, in ⚙️ More controls
logits = []
with ui.more_controls() if ui.is_presenting() else st.container():
    ui.preset_buttons(softmax.PRESETS)
    cols = ui.control_columns(k, per_row=5)
    for i in range(k):
        with cols[i]:
            logits.append(ui.slider(f"logit z{i}", ("z0", "z1", "z2", "z3", "z4", "z5", "z6", "z7", "z8", "z9")[i],
                                    *softmax.LOGIT_RANGE, softmax.DEFAULT_LOGITS[i], step=0.1))

# Hero: softmax bars and both gradients on every logit; the naive float32 softmax beside log-sum-exp
pg = ui.cached(softmax.playground, tuple(logits), true, temp, scale)
height = round(480 * ui.stage_scale()) if ui.is_presenting() else 440
ui.chart(softmax.playground_figure(pg, height), softmax.playground_caption(pg), key="hero")
if not ui.is_presenting():
    st.dataframe(softmax.overflow_rows(pg), hide_index=True)
    st.caption(softmax.overflow_caption(pg))
ui.end_of_hero()

# Secondary views, one lazy tab each
view, box = ui.tabs("view", ["Loss zoo", "Calibration", "Regression losses", "Entropy, cross-entropy, KL"])
with box:
    if view == "Loss zoo":
        z = ui.control_columns(2)
        with z[0]:
            gamma = ui.slider("Focal γ", "gamma", *objectives.GAMMA_RANGE, zoo.DEFAULT_GAMMA, step=0.5)
        with z[1]:
            eps = ui.slider("Label smoothing ε", "eps", *objectives.EPS_RANGE, zoo.DEFAULT_EPS, step=0.05)
        slot = st.empty()
        rec = ui.experiment("Training the MLP with 5 losses × 3 seeds", zoo.train_zoo, gamma, eps,
                            stored=zoo.committed, command="python -m train.losses_results --only zoo",
                            stoppable=True, show=lambda r: slot.plotly_chart(zoo_views.curves_figure(r)))
        with slot.container():
            ui.chart(zoo_views.curves_figure(rec), zoo_views.curves_caption(rec), export="zoo_curves")
        ui.chart(zoo_views.per_class_figure(rec), zoo_views.per_class_caption(rec), export="zoo_per_class")
        c = st.columns(2)
        with c[0]:
            ui.chart(zoo_views.histogram_figure(rec, "confidence"), zoo_views.confidence_caption(rec))
        with c[1]:
            ui.chart(zoo_views.histogram_figure(rec, "margins"), zoo_views.margins_caption(rec))
        ui.section("Loss zoo")
    elif view == "Calibration":
        c = ui.control_columns(2)
        with c[0]:
            name = ui.select("Model", "model", calibration.MODELS)
        with c[1]:
            shift = ui.select("Held-out digits", "shift", list(calibration.SHIFTS))
        cal = ui.experiment("Fitting T and measuring calibration", calibration.calibration_for, name, shift,
                            stored=calibration.committed, command="python -m train.losses_results --only calibration")
        ui.chart(calibration.reliability_figure(cal), calibration.calibration_caption(cal, shift), export="reliability")
        shifted = {s: calibration.committed(name, s) for s in calibration.SHIFTS}
        if all(shifted.values()):
            ui.chart(calibration.shifts_figure(shifted), calibration.shifts_caption(shifted), export="shifts")
        ui.section("Calibration")
    elif view == "Regression losses":
        r = ui.control_columns([3, 2, 1])
        with r[0]:
            ui.select("Outlier preset", "preset", list(regression.PRESETS), default="one far point",
                      presets={n: {"outliers": t} for n, t in regression.PRESETS.items()})
            text = ui.text_area("Outliers “x, y; x, y” (x in 0–10)", "outliers", regression.PRESETS["one far point"],
                                max_chars=400, height=70)
        with r[1]:
            delta = ui.slider("Huber δ", "delta", *regression.DELTA_RANGE, 1.0, step=0.1)
        with r[2]:
            seed = ui.number("Seed", "seed", 0, 9999, 0)
        try:
            points = regression.parse_outliers(text)
        except regression.OutlierError as err:
            st.error(f"{err} Showing no outliers instead.", icon="📍")
            points = regression.parse_outliers("")
        result = ui.cached(regression.fits, tuple(map(tuple, points.tolist())), delta, seed)
        ui.chart(regression.fits_figure(result), regression.fits_caption(result), export="regression_fits")
        ui.chart(regression.shapes_figure(delta), regression.shapes_caption(delta))
        ui.section("Regression losses")
    else:
        e = ui.control_columns(8, per_row=8)
        p, q = [], []
        for i, s in enumerate(information.SYMBOLS):  # p: the source; q: the code's distribution
            with e[i]:
                p.append(ui.slider(f"p({s})", ("p_a", "p_b", "p_c", "p_d")[i], 0.0, 1.0, information.DEFAULT_P[i],
                                   step=0.005))
            with e[4 + i]:
                q.append(ui.slider(f"q({s})", ("q_a", "q_b", "q_c", "q_d")[i], 0.0, 1.0, information.DEFAULT_Q[i],
                                   step=0.005))
        pn, qn = information.normalise(tuple(p)), information.normalise(tuple(q))
        ui.chart(information.areas_figure(pn, qn), information.areas_caption(pn, qn), export="areas")
        f = ui.control_columns(2)
        with f[0]:
            sep = ui.slider("Distance between the bumps", "sep", *information.SEPARATION_RANGE, 6.0, step=0.5)
        with f[1]:
            start = ui.slider("Start μ of both fits", "start", -3.0, 3.0, 0.5, step=0.1)
        fits = ui.cached(information.kl_fits, sep, start)
        ui.chart(information.kl_figure(fits), information.kl_caption(fits), export="kl_fits")
        ui.section("Entropy, cross-entropy, KL")

ui.key_ideas()
ui.show_code(softmax.log_softmax, softmax.ce_gradient, softmax.mse_gradient, objectives.focal,
             objectives.label_smoothing, objectives.weighted_cross_entropy, calibration.ece,
             calibration.fit_temperature, regression.fit_line, information.fit_gaussian)
