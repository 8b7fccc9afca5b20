"""Neural-network playground: train an MLP live on 2-D data, digits or your CSV; replay it in the browser."""

import streamlit as st

import ui
from demos.playground import (compare, datasets, export, figures, network, perceptron, regularisation, stored,
                             training)

page = ui.page_setup(__file__)
presenting = ui.is_presenting()

# Key controls in one row (kept on a slide); the rest below (a popover on a slide)
key_row = st.columns([3, 2, 2, 2, 2])
more = ui.more_controls()
with key_row[0]:
    mode = ui.select("Mode", "mode", ["network", "perceptron"], widget="segmented",
                     format_func={"network": "Network", "perceptron": "Perceptron"}.get)
if mode == "perceptron":
    # The perceptron rule, one example per step: the line, the example looked at, the update
    with key_row[1]:
        name = ui.select("Data", "pdata", list(perceptron.PERCEPTRON_SETS), format_func=perceptron.PERCEPTRON_SETS.get)
    with key_row[2]:
        eta = ui.slider("Learning rate η", "eta", 0.1, 2.0, 1.0, step=0.1)
    seed = 0
    if name == "blobs":
        with more, ui.control_columns(6)[0]:
            seed = ui.number("Seed", "seed", 0, 9999, 0, help="Where the separable blobs fall")
    x, y, margin = perceptron.perceptron_data(name, seed)
    run = perceptron.perceptron(x, y, eta)
    last = len(run.b) - 1
    if st.session_state.get("pstep", 0) > last:
        ui.apply_preset({"pstep": last})
    with key_row[3]:
        step = ui.slider("Step", "pstep", 0, last, 0, help="The step the player starts on")
    with key_row[4]:
        st.button("Step ▶", on_click=ui.apply_preset, args=({"pstep": min(step + 1, last)},),
                  disabled=step >= last, width="stretch")
    height = 400 if presenting else 430
    ui.chart(ui.cached(perceptron.perceptron_figure, run, x, y, step, height, key=(name, seed, eta, step, height),
                       max_entries=32),
             perceptron.perceptron_caption(run, x, margin))
    st.info(perceptron.step_text(run, x, y, step, eta), icon="🧮")
    ui.end_of_hero()
    ui.section("Perceptron")
    ui.key_ideas()
    ui.show_code(perceptron.perceptron, perceptron.novikoff_bound)
    st.stop()

# Network mode: data, architecture, training (the rest in "more")
with key_row[1]:
    dataset = ui.select("Data", "data", list(datasets.DATASETS), format_func=datasets.DATASETS.get)
digits = dataset == "digits"
with key_row[2]:
    layers = ui.slider("Hidden layers", "layers", 0, 6, 3)
with key_row[3]:
    width = (ui.slider("Neurons per layer", "dwidth", 16, 256, 128, step=16) if digits
             else ui.slider("Neurons per layer", "width", 1, 16, 8))
with key_row[4]:
    act = ui.select("Activation", "act", list(network.ACTIVATIONS), default="tanh", format_func=network.ACTIVATIONS.get)
with more:
    r = ui.control_columns(6, per_row=6)
    with r[0]:
        generated = dataset in datasets.POINT_SETS  # points and noise mean nothing for an upload
        n_points = (ui.slider("Training digits", "digits_n", 100, 3500, 500, step=100,
                              help="Of the 4,000 training digits: up to 3,500 to learn from; the other 500 are the "
                                   "validation set. The 1,000 held-out test digits are never trained on.") if digits
                    else ui.slider("Points", "points", 20, 1000, 500, step=10) if generated else 0)
    with r[1]:
        noise = ui.slider("Noise", "noise", 0.0, 1.0, 0.2, step=0.05) if generated else 0.0
        share = 1.0 if digits else ui.slider("Training share (%)", "train", 10, 90, 60, step=5) / 100
    with r[2]:
        optimiser = ui.select("Optimiser", "opt", list(network.OPTIMISERS), default="adam",
                              format_func=network.OPTIMISERS.get)
        lr = float(ui.select("Learning rate", "lr", network.LEARNING_RATES, default="0.03"))
    with r[3]:
        batch = ui.select("Batch size", "batch", network.BATCH_SIZES, default="all",
                          help="Examples per optimiser step; 'all' is full-batch gradient descent (one step per epoch)")
        epochs = ui.slider("Epochs", "depochs" if digits else "epochs", 10, 1000, 100 if digits else 300, step=10)
    with r[4]:
        l1 = float(ui.select("L1 λ₁", "l1", network.STRENGTHS))
        l2 = float(ui.select("L2 λ₂" + (" (decoupled decay)" if optimiser == "adamw" else ""), "l2", network.STRENGTHS))
    with r[5]:
        dropout = ui.slider("Dropout p", "dropout", 0.0, 0.8, 0.0, step=0.05)
        patience = ui.slider("Early stopping patience (0 = off)", "patience", 0, 100, 0, step=5)
    f = ui.control_columns(7, per_row=7)  # short toggle labels: one row
    picked = {}
    if not digits:  # the input features, as in Playground's first column (x₁ and x₂ on by default)
        for i, (feature, label) in enumerate(datasets.FEATURES.items()):
            with f[i]:
                picked[feature] = ui.toggle(label, ("f_x1", "f_x2", "f_x1sq", "f_x2sq", "f_x1x2", "f_sin1", "f_sin2")[i],
                                            feature in ("x1", "x2"))
    chosen = tuple(k for k, on in picked.items() if on)
    f = ui.control_columns(6, per_row=6)
    with f[0]:
        batch_norm = ui.toggle("Batch norm", "bn", False)
    with f[1]:
        residual = ui.toggle("Residual", "res", False, help="Skip connections h + f(h) between hidden layers")
    with f[5]:
        seed = ui.number("Seed", "seed", 0, 9999, 0)
if not digits and not chosen:
    st.warning("Pick at least one input feature (x₁, x₂, …) under the controls.", icon="🧩")
    st.stop()
config = network.Config(dataset, n_points, noise, share, chosen or ("x1", "x2"), layers, width, act, optimiser, lr,
                        network.batch_size(batch), epochs, l1, l2, dropout, batch_norm, residual, patience, seed)

# Your own data: a CSV of x1, x2, label (every problem named, the page keeps working)
upload_id, data = None, None
if dataset == "upload":
    parsed, upload_id = ui.file_upload("Your CSV: rows of x1, x2, label (two classes; a header row is optional)",
                                       "csv", ["csv", "txt"], datasets.parse_csv, "Upload a CSV to train on it, e.g. "
                                       "`1.5,-0.2,cat`. Up to 20,000 rows.", datasets.CsvError)
    data = datasets.csv_data(*parsed, share, seed)
data = data or training.load_data(config)
budget = training.within_budget(config, len(data.y_train))
if note := training.budget_note(config, budget):
    st.warning(note, icon="⏱️")
config = budget


def committed(cfg):  # the first visit's runs are committed (instant); None for any other setting or an upload
    return None if upload_id is not None else ui.cached(stored.lookup, cfg, max_entries=4)


def trained(label, cfg):  # committed, else trained once for everyone (progress, Stop)
    return committed(cfg) or ui.computed(label, training.train, cfg, data, key=(cfg, upload_id), stoppable=True)


# Train once per parameter set (shared, with progress and Stop), then replay in the browser
rec = trained("Training the network", config)
height = 440 if presenting else 520
ui.chart(ui.cached(figures.hero_figure, rec, data, height, key=(config, upload_id, rec.n_frames, rec.seconds, height),
                   max_entries=12),  # built once per recording: the figure is the slow part
         figures.hero_caption(rec, config))
if committed(config) is not None and not presenting:  # (a slide has no room for it)
    st.caption(stored.NOTE)
if note := training.diverged_note(rec, config):
    st.warning(note, icon="💥")
if not digits and not presenting:
    st.caption(figures.linearity_caption(config, rec))
ui.end_of_hero()

# Secondary views: the same run with and without a regulariser; export
view, box = ui.tabs("view", ["Dropout & batch norm", "With vs without", "Export"])
with box:
    if view == "Dropout & batch norm":
        c = st.columns(2)
        with c[0]:
            p = ui.slider("Dropout p", "demo_p", 0.0, 0.9, 0.5, step=0.05)
        with c[1]:
            bs = ui.slider("Batch size", "demo_batch", 1, 64, 8)
        drop, bn = ui.cached(regularisation.dropout_demo, p, seed), ui.cached(regularisation.batchnorm_demo, bs, seed)
        for col, fig, text in zip(st.columns(2), regularisation.mechanics_figures(drop, bn),
                                  regularisation.mechanics_captions(drop, bn, p)):
            with col:
                ui.chart(fig, text)
    elif view == "With vs without":
        c = st.columns([2, 2, 3])
        with c[0]:
            reg = ui.select("Regulariser", "cmp", list(compare.REGULARISERS), format_func=compare.REGULARISERS.get)
        with c[1]:
            strength = (ui.select("Strength", "cmp_l2" if reg == "l2" else "cmp_l1", network.STRENGTHS[1:], default="0.01")
                        if reg in ("l1", "l2") else ui.slider("Strength", "cmp_p" if reg == "dropout" else "cmp_patience",
                                                              *compare.STRENGTH_SLIDERS[reg]))
        with c[2]:
            st.button("Try it on an overfitting set-up", on_click=ui.apply_preset, args=(compare.OVERFIT,),
                      help="Few noisy points, a big network, many epochs")
        plain = config.without_regularisers()
        regular = compare.with_regulariser(plain, reg, float(strength))
        runs = [trained(f"Training {label}", cfg) for label, cfg in (("without", plain), (f"with {reg}", regular))]
        name = compare.regulariser_name(reg, float(strength))
        ui.chart(compare.compare_figure(*runs, data, name, height=400), compare.compare_caption(*runs, name))
    else:
        script = export.export_script(config, rec.meta["state"], *network.io_sizes(config, data), data.lo, data.hi)
        c = st.columns(3)
        c[0].download_button("⬇ PyTorch script", script, "playground_model.py", "text/x-python")
        c[1].download_button("⬇ Curves (CSV)", export.curves_csv(rec), "playground_curves.csv", "text/csv")
        c[2].download_button("⬇ Weights (safetensors)", export.safetensors_bytes(config, rec.meta["state"]),
                             "playground.safetensors", "application/octet-stream")
        st.caption(export.script_caption(rec.meta["n_params"]))
        st.code(export.shown_script(script), language="python")

ui.key_ideas()
ui.show_code(training._train, network.MLP.forward, network.InvertedDropout.forward, network.penalty,
             network.make_optimiser)
