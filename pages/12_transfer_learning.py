"""Transfer, few-shot and zero-shot learning: how many labels a new task needs when a model already
knows something, what fine-tuning costs the old task, prototypes, verification, zero-shot text."""
import streamlit as st

import ui
from demos import images
from demos.transfer_learning import (few_shot, fine_tune, forgetting, imagenet, layers, probe, results, siamese,
                                     sweep, task, teach, zero_shot)
from demos.transfer_learning import continual

page = ui.page_setup(__file__)
height = 440  # the hero's charts

# Controls: the accuracy you need, the k to read off, the fine-tuning rate (seeds: more controls)
key_row = st.columns([3, 5, 2, 2])
with key_row[0]:
    target = ui.slider("Target accuracy", "target", 0.5, 0.99, 0.9, step=0.01,
                       help="The chart's dotted line; the caption says how many labels each strategy needs")
with key_row[1]:
    k = int(ui.select("Read off at k =", "k", [str(v) for v in sweep.K_VALUES], default="5", widget="segmented"))
committed_lr = results.committed_rate()  # the rate whose sweep is precomputed (None without a committed file)
per_seed = results.seconds_per_seed(("last", "full"))  # one seed of the two fine-tunings, as timed when committed
with key_row[3], ui.more_controls():
    seeds = ui.slider("Seeds", "seeds", 1, 5, 3, help=results.seeds_help(committed_lr, per_seed))
with key_row[2]:
    lr = float(ui.select(results.rate_label(per_seed, seeds, ui.is_presenting()), "lr",
                         [f"{v:g}" for v in fine_tune.LR_OPTIONS], default="0.001",
                         help=results.rate_help(committed_lr, per_seed, seeds)))

# The sweep: committed for the default settings, the missing runs computed once for everyone (with progress)
backbone = ui.model("mnist_cnn_04")


def digit_features(part: str):
    return ui.computed(f"Embedding 500 {part} digits with EfficientNet-Lite0", imagenet.digit_imagenet_features,
                       ui.model("efficientnet_lite0"), part, key=part)


stored = results.precomputed("sweep", lr, seeds)  # committed runs that apply (seeds below `seeds`; rate-free ones)
missing = [run for run in results.live_runs(stored, lr, seeds) if not ui.is_done(sweep.label_sweep, run.key)]
if missing:  # what the runs about to be computed cost, said before they start
    st.caption(results.live_text(missing))
live = [ui.computed(run.label, sweep.label_sweep, backbone,
                    {p: digit_features(p) for p in ("pool", "test")} if run.imagenet else None,
                    lr, run.first_seed + 1, run.strategies, run.first_seed, key=run.key, stoppable=True)
        for run in results.live_runs(stored, lr, seeds)]
table, n_live = results.combine(stored, live)
summary = sweep.sweep_summary(table)
old_before = sweep.old_task_before(summary)

# Hero: accuracy vs labels per class, four ways + ImageNet features; what k examples buy, old task included
left, right = st.columns([3, 2])
with left:
    ui.chart(sweep.sweep_figure(summary, target, k, height),
             sweep.sweep_caption(summary, target), export="accuracy_vs_k")
with right:
    ui.chart(sweep.at_k_figure(summary, k, old_before, height),
             sweep.at_k_caption(summary, k, lr, old_before))
ui.end_of_hero()
st.caption(results.budget_text(table, n_live))
st.download_button("Every run (CSV)", table.to_csv(index=False), "transfer_sweep.csv", "text/csv")
with st.expander("How the runs are made"):
    ui.section("Setup")

# Secondary views, one lazy tab each
view, box = ui.tabs("view", ["Forgetting", "Continual learning", "Which layers", "Few-shot", "Siamese", "Zero-shot",
                             "Teach it yourself", "Domain adaptation"])
with box:
    if view == "Forgetting":
        forget = results.precomputed("forgetting")
        if forget is None:
            forget = ui.computed("Fine-tuning at six learning rates", forgetting.forgetting_experiment, backbone,
                                 key="forget")
        cols = st.columns(2)
        with cols[0]:
            ui.chart(forgetting.figure(forget, "new_accuracy"), forgetting.new_task_caption(forget))
        with cols[1]:
            ui.chart(forgetting.figure(forget, "old_accuracy"), forgetting.old_task_caption(forget))
    elif view == "Continual learning":
        ui.section(view)
        row = st.columns(2)
        with row[0]:
            lam = float(ui.select("EWC strength λ", "ewc_lambda", continual.LAMBDAS, default=continual.DEFAULT_LAMBDA))
        with row[1]:
            buf = int(ui.select("Replay buffer (digits)", "buffer", continual.BUFFERS, default=continual.DEFAULT_BUFFER))
        runs = ui.experiment("Three tasks in turn, three ways", continual.continual_runs, lam, buf,
                             stored=continual.stored, command=continual.command(lam, buf), stoppable=True)
        if runs is None or not runs["seeds"]:
            st.info("Stopped before the first seed finished: nothing to show yet.", icon="⏹")
        else:
            cols = st.columns([3, 2])
            with cols[0]:
                ui.chart(continual.matrix_figure(runs), continual.matrix_caption(runs))
            with cols[1]:
                ui.chart(continual.fisher_figure(runs), continual.fisher_caption(runs))
    elif view == "Which layers":
        lk = int(ui.select("Examples per class", "layers_k", [str(v) for v in layers.LAYER_KS], default="5",
                           widget="segmented", help=results.layers_help(committed_lr)))
        freeze = results.precomputed_layers(lk, lr)  # committed at the committed rate, every k
        if freeze is not None:
            st.caption(results.PRECOMPUTED_NOTE)
        else:  # another rate: ten fine-tunings live, their cost said before they start
            if not ui.is_done(layers.freeze_experiment, (lk, lr)):
                st.caption(results.layers_live_text(lr))
            freeze = ui.computed("Fine-tuning from five depths", layers.freeze_experiment, backbone, lk, lr,
                                 key=(lk, lr), stoppable=True)
        if freeze is None or freeze.empty:
            st.info("Stopped before the first depth finished: nothing to show yet.", icon="⏹")
        else:
            ui.chart(layers.figure(freeze), layers.freeze_caption(freeze, lk, lr))
    elif view in ("Few-shot", "Siamese"):
        ui.section(view)
        row = st.columns(4)
        with row[0]:
            ready = ui.is_done(imagenet.digit_imagenet_features, "test")  # else choosing ImageNet embeds first
            encoder = ui.select("Embedding", "encoder", list(few_shot.ENCODERS),
                                format_func=lambda e: results.encoder_name(e, ready))
        embs = ui.computed("Embedding the 500 held-out digits 5-9", few_shot.digit_embeddings, backbone,
                           digit_features("test") if encoder == "imagenet" else None, (encoder,), key=encoder)
        emb, labels = embs[encoder], task.new_task()["test_y"]
        if view == "Few-shot":
            with row[1]:
                n_way = ui.slider("Classes (N-way)", "way", 2, 5, 3)
            with row[2]:
                k_shot = ui.slider("Examples each (K-shot)", "shot", 1, 20, 5)
            with row[3]:
                ep_seed = ui.number("Episode", "episode", 0, 9999, 0)
            ui.chart(*few_shot.episode_view(emb, labels, n_way, k_shot, ep_seed))
            curve = results.precomputed_curve(n_way)  # committed for every N
            if curve is not None:
                st.caption(results.PRECOMPUTED_NOTE)
            else:
                every = ui.computed("Embedding the held-out digits with every encoder", few_shot.digit_embeddings,
                                    backbone, digit_features("test"), key=True)
                curve = ui.computed(f"{few_shot.EPISODES} episodes per K and encoder", few_shot.few_shot_curve,
                                    every, labels, n_way, key=n_way)
            ui.chart(few_shot.curve_figure(curve, n_way), few_shot.curve_caption(curve, n_way))
        else:
            with row[1]:
                threshold = ui.slider("Distance threshold", "threshold", 0.0, 2.0, 0.8, step=0.01,
                                      help="Pairs closer than this are called the same digit")
            same, different = ui.cached(siamese.pair_distances, emb, labels, key=encoder)  # the same pairs every rerun
            cols = st.columns([3, 2])
            with cols[0]:
                ui.chart(siamese.histogram_figure(same, different, threshold),
                         siamese.histogram_caption(same, different, threshold))
            with cols[1]:
                ui.chart(siamese.roc_figure(same, different, threshold), siamese.roc_caption(same, different, threshold))
    elif view == "Domain adaptation":  # MMD feature alignment vs source-only on a generated shift (#42, item 3)
        from demos.transfer_learning import domain
        ui.section(view)
        kind = ui.select("Target domain", "shift", list(domain.SHIFTS), format_func=domain.SHIFTS.get, widget="radio")
        weight = float(ui.select("MMD weight λ (0 = source only)", "mmd", [f"{v:g}" for v in domain.WEIGHTS], default="1", widget="segmented"))
        slot = st.empty()
        res = ui.experiment(f"Training on labelled source + unlabelled {kind} digits", domain.compare, kind, weight, stored=domain.committed,
                            command=domain.COMMAND, stoppable=True, show=lambda r: slot.plotly_chart(domain.curve_figure(r)))
        with slot.container():
            ui.chart(domain.curve_figure(res), domain.accuracy_caption(res))
        ui.chart(domain.features_figure(res), domain.features_caption(res))
    elif view == "Zero-shot":
        ui.section("Zero-shot")
        cols = st.columns(2)
        with cols[0]:
            text = ui.text_area("Sentences, one per line", "sentences", zero_shot.DEFAULT_SENTENCES, height=200,
                                max_chars=3000)
        with cols[1]:
            label_text = ui.text_area("Labels, one per line (“name: description” to describe one)", "labels",
                                      zero_shot.DEFAULT_LABELS, height=200, max_chars=1000)
        use_template = ui.toggle(f"Put bare labels in “{zero_shot.TEMPLATE.format('…')}”", "template", True)
        typed = zero_shot.read_typed(text, label_text, use_template)
        for note in typed.notes:
            st.info(note, icon="✂️")
        if typed.problem:
            st.warning(typed.problem, icon="✍️")
        else:
            sim = ui.cached(zero_shot.zero_shot, ui.model("minilm_l6"), typed.sentences, typed.prompts,
                            key=(tuple(typed.sentences), tuple(typed.prompts)), max_entries=64)
            ui.chart(zero_shot.similarity_figure(sim, typed.sentences, typed.names),
                     zero_shot.similarity_caption(sim, typed.sentences, typed.names))
    else:
        ui.section("Teach it yourself")
        row = st.columns([2, 2, 3])
        with row[0]:
            n_classes = ui.slider("Classes", "classes", 2, 4, 3)
        with row[1]:
            n_shots = ui.slider("Training crops per class", "shots", 1, 20, 5)
        cols, pictures, ids = st.columns(4), [], []
        for i in range(n_classes):
            with cols[i]:
                choice = ui.select(f"Class {i + 1}", ("class_a", "class_b", "class_c", "class_d")[i],
                                   list(teach.OPTIONS), default=teach.TEACH_DEFAULTS[i], format_func=teach.option_name)
                if choice == "upload":  # one uploader, and another once it holds a picture
                    mine, their_ids = ui.image_uploads(f"teach_upload_{i}", teach.MAX_UPLOADS)
                    if mine:
                        pictures.append([images.to_tensor(p) for p in mine])
                        ids.append(tuple(their_ids))
                else:
                    pictures.append([images.to_tensor(ui.photo(choice))])
                    ids.append(choice)
        if len(pictures) < n_classes:
            st.info("Upload a picture for every class set to “Upload your own” (or pick a bundled photo).", icon="🖼️")
        else:
            if teach.same_picture_twice(ids):
                st.warning("Two classes use the same picture: nothing can tell them apart.", icon="👯")
            taught = ui.computed("Cutting crops and embedding them with EfficientNet-Lite0", teach.teach,
                                 ui.model("efficientnet_lite0"), pictures, n_shots, key=(tuple(ids), n_shots))
            names = teach.class_names(ids)
            cols = st.columns([3, 2])
            with cols[0]:
                ui.chart(teach.crops_figure(taught, n_classes, n_shots), teach.crops_caption(n_shots))
            with cols[1]:
                ui.chart(teach.confusion_figure(taught, names), teach.confusion_caption(taught, names))

ui.key_ideas()
ui.show_code(probe.linear_probe, fine_tune.fine_tune, few_shot.prototypes, few_shot.nearest_prototype,
             zero_shot.sentence_embeddings, zero_shot.zero_shot)
