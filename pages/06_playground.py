"""Neural-network playground: train an MLP live on 2-D data, digits or your CSV; replay it in the browser."""

import streamlit as st

import ui
from demos import network_export as nx
from demos import perceptron as pc
from demos import playground as pg
from demos import playground_figures as pgf

OVERFIT = {"data": "xor", "noise": 0.8, "points": 80, "train": 50, "layers": 4, "width": 16, "act": "relu",
           "opt": "adam", "lr": "0.01", "batch": "10", "epochs": 300}  # a set-up that overfits, for the comparison

dropout_demo, batchnorm_demo = st.cache_data(pg.dropout_demo), st.cache_data(pg.batchnorm_demo)


@st.cache_resource(max_entries=32, show_spinner=False)
def perceptron_player(name: str, seed: int, eta: float, step: int, height: int, _run, _x, _y):
    return pc.perceptron_figure(_run, _x, _y, step, height)  # a pure function of the first five arguments


page = ui.page_setup(__file__)
presenting = ui.is_presenting()

# Key controls in one row (kept on a slide); the rest below (a popover on a slide)
key_row = st.columns([3, 2, 2, 2, 2, 1])
more = ui.more_controls(key_row[5])
with key_row[0]:
    mode = ui.select("Mode", "mode", ["network", "perceptron"], widget="segmented",
                     format_func={"network": "Network", "perceptron": "Perceptron"}.get)
if mode == "perceptron":
    # The perceptron rule, one example per step: the line, the example looked at, the update
    with key_row[1]:
        name = ui.select("Data", "pdata", list(pc.PERCEPTRON_SETS), format_func=pc.PERCEPTRON_SETS.get)
    with key_row[2]:
        eta = ui.slider("Learning rate η", "eta", 0.1, 2.0, 1.0, step=0.1)
    seed = 0
    if name == "blobs":
        with more, st.columns(6)[0]:
            seed = ui.number("Seed", "seed", 0, 9999, 0, help="Where the separable blobs fall")
    x, y, margin = pc.perceptron_data(name, seed)
    run = pc.perceptron(x, y, eta)
    last = len(run.b) - 1
    if st.session_state.get("pstep", 0) > last:
        st.session_state["pstep"] = last
    with key_row[3]:
        step = ui.slider("Step", "pstep", 0, last, 0, help="The step the player starts on")
    with key_row[4]:
        st.button("Step ▶", on_click=lambda: st.session_state.update(pstep=min(step + 1, last)),
                  disabled=step >= last, width="stretch")
    ui.chart(perceptron_player(name, seed, eta, step, 400 if presenting else 430, run, x, y),
             pc.perceptron_summary(run, x, margin))
    st.info(pc.step_sentence(run, x, y, step, eta), icon="🧮")
    ui.end_of_hero()
    ui.section("Perceptron")
    ui.key_ideas()
    ui.show_code(pc.perceptron, pc.novikoff_bound)
    st.stop()

# Network mode: data, architecture, training (the rest in "more")
with key_row[1]:
    dataset = ui.select("Data", "data", list(pg.DATASETS), format_func=pg.DATASETS.get)
digits = dataset == "digits"
with key_row[2]:
    layers = ui.slider("Hidden layers", "layers", 0, 6, 3)
with key_row[3]:
    width = (ui.slider("Neurons per layer", "dwidth", 16, 256, 128, step=16) if digits
             else ui.slider("Neurons per layer", "width", 1, 16, 8))
with key_row[4]:
    act = ui.select("Activation", "act", list(pg.ACTIVATIONS), default="tanh", format_func=pg.ACTIVATIONS.get)
with more:
    r = st.columns(6)
    with r[0]:
        generated = dataset in pg.POINT_SETS  # points and noise mean nothing for an upload
        n_points = (ui.slider("Training digits", "digits_n", 100, 3500, 500, step=100,
                              help="Of the 4,000 training digits: up to 3,500 to learn from; the other 500 are the "
                                   "validation set. The 1,000 held-out test digits are never trained on.") if digits
                    else ui.slider("Points", "points", 20, 1000, 500, step=10) if generated else 0)
    with r[1]:
        noise = ui.slider("Noise", "noise", 0.0, 1.0, 0.2, step=0.05) if generated else 0.0
        share = 1.0 if digits else ui.slider("Training share (%)", "train", 10, 90, 60, step=5) / 100
    with r[2]:
        optimiser = ui.select("Optimiser", "opt", list(pg.OPTIMISERS), default="adam", format_func=pg.OPTIMISERS.get)
        lr = float(ui.select("Learning rate", "lr", pg.LEARNING_RATES, default="0.03"))
    with r[3]:
        batch = ui.select("Batch size", "batch", pg.BATCH_SIZES, default="all",
                          help="Examples per optimiser step; 'all' is full-batch gradient descent (one step per epoch)")
        epochs = ui.slider("Epochs", "depochs" if digits else "epochs", 10, 1000, 100 if digits else 300, step=10)
    with r[4]:
        l1 = float(ui.select("L1 λ₁", "l1", pg.STRENGTHS))
        l2 = float(ui.select("L2 λ₂" + (" (decoupled decay)" if optimiser == "adamw" else ""), "l2", pg.STRENGTHS))
    with r[5]:
        dropout = ui.slider("Dropout p", "dropout", 0.0, 0.8, 0.0, step=0.05)
        patience = ui.slider("Early stopping patience (0 = off)", "patience", 0, 100, 0, step=5)
    f = st.columns(7)
    picked = {}
    if not digits:  # the input features, as in Playground's first column
        with f[0]:
            picked["x1"] = ui.toggle("x₁", "f_x1", True)
        with f[1]:
            picked["x2"] = ui.toggle("x₂", "f_x2", True)
        with f[2]:
            picked["x1sq"] = ui.toggle("x₁²", "f_x1sq", False)
        with f[3]:
            picked["x2sq"] = ui.toggle("x₂²", "f_x2sq", False)
        with f[4]:
            picked["x1x2"] = ui.toggle("x₁x₂", "f_x1x2", False)
        with f[5]:
            picked["sin1"] = ui.toggle("sin x₁", "f_sin1", False)
        with f[6]:
            picked["sin2"] = ui.toggle("sin x₂", "f_sin2", False)
    chosen = tuple(k for k, on in picked.items() if on)
    f = st.columns(6)
    with f[0]:
        batch_norm = ui.toggle("Batch norm", "bn", False)
    with f[1]:
        residual = ui.toggle("Residual", "res", False, help="Skip connections h + f(h) between hidden layers")
    with f[5]:
        seed = ui.number("Seed", "seed", 0, 9999, 0)
if not digits and not chosen:
    st.warning("Pick at least one input feature (x₁, x₂, …) under the controls.", icon="🧩")
    st.stop()
config = pg.Config(dataset, n_points, noise, share, chosen or ("x1", "x2"), layers, width, act, optimiser, lr,
                   0 if batch == "all" else int(batch), epochs, l1, l2, dropout, batch_norm, residual, patience, seed)

# Your own data: a CSV of x1, x2, label (every problem named, the page keeps working)
upload_id, data = None, None
if dataset == "upload":
    file = st.file_uploader("Your CSV: rows of x1, x2, label (two classes; a header row is optional)",
                            type=["csv", "txt"], key="csv")
    if file is None:
        st.info("Upload a CSV to train on it, e.g. `1.5,-0.2,cat`. Up to 20,000 rows.", icon="📄")
        st.stop()
    try:
        data = pg.csv_data(*pg.parse_csv(file.getvalue()), share, seed)
    except pg.CsvError as err:
        st.error(f"Could not use **{ui.state.quote(file.name)}**: {err}", icon="🚫")
        st.stop()
    upload_id = file.file_id
data = data or pg.load_data(config)
budget = pg.within_budget(config, len(data.y_train))
if budget.epochs < config.epochs:
    st.warning(f"{config.epochs} epochs at batch size {batch} would take more than {pg.MAX_STEPS:,} steps; "
               f"training {budget.epochs} epochs instead. A larger batch size allows more epochs.", icon="⏱️")
    config = budget

# Train once per parameter set (shared, with progress and Stop), then replay in the browser
rec = ui.computed("Training the network", pg.train, config, data, key=(config, upload_id), stoppable=True)


@st.cache_resource(max_entries=12, show_spinner=False)
def hero(config: pg.Config, upload_id, stamp: tuple, height: int, _rec, _data):
    return pgf.hero_figure(_rec, _data, height)  # built once per recording: the figure is the slow part


ui.chart(hero(config, upload_id, (rec.n_frames, rec.seconds), 440 if presenting else 520, rec, data),
         pg.summary(rec, config))
if rec.meta["diverged"]:
    st.warning(f"The loss became infinite at epoch {rec.meta['diverged']}: the learning rate is too high "
               f"for {pg.OPTIMISERS[optimiser]}. Lower it.", icon="💥")
if not digits and not presenting:
    st.caption(pg.linearity_sentence(config, rec))
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
        drop, bn = dropout_demo(p, seed), batchnorm_demo(bs, seed)
        for col, fig, text in zip(st.columns(2), pg.mechanics_figures(drop, bn), pg.mechanics_sentences(drop, bn, p)):
            with col:
                ui.chart(fig, text)
    elif view == "With vs without":
        c = st.columns([2, 2, 3])
        with c[0]:
            reg = ui.select("Regulariser", "cmp", list(pg.REGULARISERS), format_func=pg.REGULARISERS.get)
        with c[1]:
            strength = (ui.select("Strength", "cmp_l2" if reg == "l2" else "cmp_l1", pg.STRENGTHS[1:], default="0.01")
                        if reg in ("l1", "l2") else ui.slider("Strength", "cmp_p" if reg == "dropout" else "cmp_patience",
                                                              *((0.05, 0.8, 0.3, 0.05) if reg == "dropout" else (5, 100, 20, 5))))
        with c[2]:
            st.button("Try it on an overfitting set-up", on_click=lambda: st.session_state.update(OVERFIT),
                      help="Few noisy points, a big network, many epochs")
        plain = config.without_regularisers()
        regular = pg.with_regulariser(plain, reg, float(strength))
        runs = [ui.computed(f"Training {label}", pg.train, cfg, data, key=(cfg, upload_id), stoppable=True)
                for label, cfg in (("without", plain), (f"with {reg}", regular))]
        ui.chart(pgf.compare_figure(*runs, data, pg.regulariser_name(reg, float(strength)), height=400),
                 pg.compare_summary(*runs, pg.regulariser_name(reg, float(strength))))
    else:
        script = nx.export_script(config, rec.meta["state"], data.x_train.shape[1] if digits else len(config.features),
                                  10 if digits else 1, data.lo, data.hi)
        c = st.columns(3)
        c[0].download_button("⬇ PyTorch script", script, "playground_model.py", "text/x-python")
        c[1].download_button("⬇ Curves (CSV)", nx.curves_csv(rec), "playground_curves.csv", "text/csv")
        c[2].download_button("⬇ Weights (safetensors)", nx.safetensors_bytes(config, rec.meta["state"]),
                             "playground.safetensors", "application/octet-stream")
        st.caption(f"{rec.meta['n_params']:,} parameters; " + ("the script holds them as literals and runs as is."
                   if rec.meta["n_params"] <= nx.LITERAL_LIMIT else "the script loads them from the safetensors file."))
        st.code(script if len(script) < 20_000 else script[:20_000] + "\n# … (download for the rest)", language="python")

ui.key_ideas()
ui.show_code(pg._train, pg.MLP.forward, pg.InvertedDropout.forward, pg.penalty, pg.make_optimiser)
