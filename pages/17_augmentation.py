"""Data augmentation and self-supervised learning: a seed-locked grid of torchvision v2 draws that
moves boxes and masks, the digit CNN's "same label?" meter, Mixup/CutMix, recorded runs with and
without augmentation, and a SimCLR-lite encoder pre-trained without labels."""
import streamlit as st

import ui
from demos.augmentation import chain, contrastive, grid_view, helps, helps_view, mixing, ssl_view, transforms, tta

page = ui.page_setup(__file__)
presenting = ui.is_presenting()

# Key controls: the picture (digit, photo or upload) and the seed of the draws
row = st.columns([2.4, 3.8, 3, 3, 1.8])  # the source radio on one line, "Photo" whole
with row[0]:
    kind = ui.select("Picture", "kind", ["digit", "photo"], widget="segmented",
                     format_func={"digit": "Digit", "photo": "Photo"}.get)
with row[4]:
    seed = ui.number("Seed", "seed", 0, 9999, 0, help="Same seed, same draws: the grid is reproducible")
picked = ui.image_picker(kind == "digit", slots={"source": row[1], "digit": row[2], "photo": row[2], "index": row[3]})
image = chain.working_image(picked.x)
truth = int(picked.truth) if picked.truth is not None else None

# The chain builder beside the grid (on a slide it waits in ⚙️): three steps, each a transform, p and m
D = chain.DEFAULT_STEPS
builder, hero = (ui.more_controls(), st.container()) if presenting else st.columns([1, 3])
with builder:
    ui.preset_buttons(chain.PRESETS, label=None)
    c = ui.control_columns([2, 1, 1] * 3, per_row=3) if presenting else [st.container()] + list(st.columns(2))
    with c[0]:
        t1 = ui.select("Step 1", "t1", chain.step_options(0), default=D[0][0], format_func=chain.step_title)
    with c[1]:
        p1 = ui.slider("p", "p1", 0.0, 1.0, D[0][1], step=0.05, help="Probability the step is applied to a draw")
    with c[2]:
        m1 = ui.slider("m", "m1", 0.0, 1.0, D[0][2], step=0.01, help=chain.magnitude_help(t1))
    c = c[3:] if presenting else [st.container()] + list(st.columns(2))
    with c[0]:
        t2 = ui.select("Step 2", "t2", chain.step_options(1), default=D[1][0], format_func=chain.step_title)
    with c[1]:
        p2 = ui.slider("p", "p2", 0.0, 1.0, D[1][1], step=0.05, help="Probability the step is applied to a draw")
    with c[2]:
        m2 = ui.slider("m", "m2", 0.0, 1.0, D[1][2], step=0.01, help=chain.magnitude_help(t2))
    c = c[3:] if presenting else [st.container()] + list(st.columns(2))
    with c[0]:
        t3 = ui.select("Step 3", "t3", chain.step_options(2), default=D[2][0], format_func=chain.step_title)
    with c[1]:
        p3 = ui.slider("p", "p3", 0.0, 1.0, D[2][1], step=0.05, help="Probability the step is applied to a draw")
    with c[2]:
        m3 = ui.slider("m", "m3", 0.0, 1.0, D[2][2], step=0.01, help=chain.magnitude_help(t3))
    c = st.columns(2)
    with c[0]:
        show_box = ui.toggle("Box", "box", True, help="Draw the bounding box the transforms move")
    with c[1]:
        show_mask = ui.toggle("Mask", "mask", True, help="Tint the mask the transforms move")
pipeline = chain.read_chain([(t1, p1, m1), (t2, p2, m2), (t3, p3, m3)])

# Hero: rows = each step alone and the whole chain, columns = six seeded draws; the digit CNN's verdict on each
view_key = (kind, picked.name, pipeline, seed)
rows = ui.cached(transforms.grid, image, pipeline, seed, key=view_key, max_entries=64)
probs = ui.cached(grid_view.meter, ui.model("mnist_cnn"), rows, key=view_key, max_entries=64) if truth is not None else None
height = round(470 * ui.stage_scale()) if presenting else 110 * len(rows) + 20
with hero:
    ui.chart(grid_view.grid_figure(rows, pipeline, show_mask, show_box, probs, truth, height),
             grid_view.grid_caption(pipeline, probs, truth, seed), key="grid")
ui.end_of_hero()
code = transforms.pipeline_code(pipeline, image.shape[-1], kind == "digit")
with st.expander("The pipeline as code (torchvision v2)"):
    st.code(code, language="python")
    st.download_button("⬇ augment.py", code, "augment.py", "text/x-python", type="tertiary")

# Secondary views, one lazy tab each
view, box = ui.tabs("view", ["Mixup and CutMix", "Does it help?", "Self-supervised", "Test-time augmentation"])
with box:
    if view == "Mixup and CutMix":
        ui.section("Mixup and CutMix")
        c = st.columns(3)
        with c[0]:
            alpha = ui.slider("α of Beta(α, α)", "alpha", *mixing.ALPHA_RANGE, 1.0, step=0.05)
        with c[1]:
            other = ui.slider("Second digit (B)", "other", 0, 9, 3) if kind == "digit" else None
        with c[2]:
            mix_seed = ui.number("Draw", "mix_seed", 0, 9999, 0)
        a, b = ui.cached(mixing.pair, picked.x, other, kind == "digit", key=(kind, picked.name, other))
        digits = truth is not None and other is not None
        names = (f"a {truth}", f"a {other}") if digits else ("A", "B")
        mixed = mixing.mix_pair(a, b, *((truth, other, alpha, mix_seed) if digits else (0, 1, alpha, mix_seed, 2)))
        preds = mixing.mixed_predictions(ui.model("mnist_cnn"), mixed) if digits else None
        ui.chart(mixing.mix_figure(a, b, mixed, names, preds), mixing.mix_caption(mixed, names, tuple(a.shape[-2:])))
    elif view == "Does it help?":
        ui.section("Does it help?")
        c = st.columns([3, 3])
        with c[0]:
            k = int(ui.select("Training digits per class", "per_class", [str(v) for v in helps.PER_CLASS],
                              default="50", widget="segmented"))
        with c[1]:
            arm = ui.select("Augmentation", "arm", helps_view.ARMS, default="standard", format_func=helps_view.arm_title)
        runs = ui.experiment("Training the digit CNN with and without augmentation", helps.experiment, k, arm,
                             stored=helps.stored, command=helps.COMMAND, stoppable=True)
        ui.chart(helps_view.curves_figure(runs, k, arm), helps_view.curves_caption(runs, k, arm), export="curves")
        table = ui.cached(helps.committed_table)
        cols = st.columns(2)
        with cols[0]:
            gaps = helps.gap_table(table)
            ui.chart(helps_view.gap_figure(gaps), helps_view.gap_caption(gaps))
        with cols[1]:
            effects = helps.transform_effects(table)
            ui.chart(helps_view.effects_figure(effects), helps_view.effects_caption(effects))
    elif view == "Self-supervised":
        ui.section("Self-supervised")
        c = st.columns([3, 2, 2])
        with c[0]:
            temperature = ui.slider("Temperature τ", "tau", 0.05, 2.0, 0.5, step=0.05)
        with c[1]:
            n_pairs = ui.slider("Digits in the batch (N)", "pairs", 2, 8, 6)
        with c[2]:
            colour = ui.toggle("Grey jitter in the views", "jitter", True)
        encoder = ui.model("ssl_digits")
        batch = ui.cached(ssl_view.batch_views, encoder, n_pairs, colour, seed)
        cols = st.columns([3, 2])
        with cols[0]:
            ui.chart(ssl_view.similarity_figure(batch, temperature), ssl_view.similarity_caption(batch, temperature))
        with cols[1]:
            ui.chart(ssl_view.views_figure(batch), ssl_view.views_caption(batch))
        probe = ssl_view.probe_results()
        cols = st.columns(2)
        with cols[0]:
            ui.chart(ssl_view.probe_figure(probe), ssl_view.probe_caption(probe), export="linear_probe")
        with cols[1]:
            ui.chart(ssl_view.ablation_figure(probe), ssl_view.ablation_caption(probe))
    else:
        ui.section("Test-time augmentation")
        draws = ui.slider("Augmented copies averaged", "tta_draws", 1, 32, 8)
        result = ui.computed("Classifying augmented copies", tta.tta_experiment, ui.model("mnist_cnn"), draws, seed,
                             key=(draws, seed))
        ui.chart(tta.tta_figure(result), tta.tta_caption(result))

ui.key_ideas()
ui.show_code(transforms.grid, transforms.apply, mixing.mixup, mixing.cutmix_box, mixing.cutmix,
             contrastive.nt_xent_rows, helps.training_run)
