"""Transfer, few-shot and zero-shot learning: how many labels a new task needs when a model already
knows something, what fine-tuning costs the old task, prototypes, verification, zero-shot text."""
import numpy as np
import pandas as pd
import streamlit as st
import torch

import ui
from demos import images, plots
from demos import few_shot as fs
from demos import transfer as tl

page = ui.page_setup(__file__)
presenting = ui.is_presenting()

# Controls: the accuracy you need, the k to read off, the fine-tuning rate (seeds: more controls)
key_row = st.columns([3, 5, 2, 2])
with key_row[0]:
    target = ui.slider("Target accuracy", "target", 0.5, 0.99, 0.9, step=0.01,
                       help="The chart's dotted line; the caption says how many labels each strategy needs")
with key_row[1]:
    k = int(ui.select("Read off at k =", "k", [str(v) for v in tl.K_VALUES], default="5", widget="segmented"))
with key_row[2]:
    lr = float(ui.select("Fine-tuning rate", "lr", [f"{v:g}" for v in tl.LR_OPTIONS], default="0.001",
                         help="Adam's learning rate for the two fine-tuning strategies"))
with key_row[3], ui.more_controls(key_row[3]):
    seeds = ui.slider("Seeds", "seeds", 1, 5, 3, help="Repeats with other shots and initialisations: the bands")

# The sweep: committed for the default settings, otherwise computed once for everyone (with progress)
backbone = ui.model("mnist_cnn_04")


@st.cache_data(max_entries=64, show_spinner=False)
def similarity(sentences: tuple[str, ...], prompts: tuple[str, ...]) -> np.ndarray:
    return fs.zero_shot(ui.model("minilm_l6"), sentences, prompts)


def digit_features(part: str):
    return ui.computed(f"Embedding 500 {part} digits with EfficientNet-Lite0", tl.digit_imagenet_features,
                       ui.model("efficientnet_lite0"), part, key=part)


table = tl.precomputed("sweep", lr, seeds)  # committed runs that apply (seeds below `seeds`; rate-free ones)
parts = [] if table is None else [table]


def seeds_done(strategy: str) -> int:
    return 0 if table is None else table.loc[table["strategy"] == strategy, "seed"].nunique()


free, tuned = seeds_done("scratch"), seeds_done("full")
if free < seeds:  # these runs do not depend on the rate: shared by every rate
    parts.append(ui.computed(f"Scratch and linear probes, seeds {free + 1}-{seeds}", tl.label_sweep, backbone,
                             {p: digit_features(p) for p in ("pool", "test")}, lr, seeds, tl.LR_FREE, free,
                             key=("free", free, seeds)))
if tuned < seeds:
    parts.append(ui.computed(f"Fine-tuning at rate {lr:g}, seeds {tuned + 1}-{seeds}", tl.label_sweep, backbone,
                             None, lr, seeds, ("last", "full"), tuned, key=("tuned", lr, tuned, seeds)))
live = sum(len(p) for p in parts) - (0 if table is None else len(table))
table = pd.concat(parts, ignore_index=True)
summary = tl.sweep_summary(table)
old_before = float(summary.loc[summary["strategy"] == "probe", "old"].iloc[0])

# Hero: accuracy vs labels per class, four ways + ImageNet features; what k examples buy, old task included
left, right = st.columns([3, 2])
with left:
    ui.chart(tl.sweep_figure(summary, target, k, height=390 if presenting else 440),
             tl.sweep_sentence(summary, target), export="accuracy_vs_k")
with right:
    at = summary[summary["k"] == k].set_index("strategy")
    ui.chart(tl.grouped_bars([tl.BAR_LABELS[s] for s in at.index],
                             {"new task: digits 5-9": at["mean"], "old task: digits 0-4, original head": at["old"]},
                             reference=(old_before, "0-4 before"), height=390 if presenting else 440),
             tl.at_k_sentence(summary, k, lr, old_before))
ui.end_of_hero()
st.caption(tl.budget_sentence(table, live))
st.download_button("Every run (CSV)", table.to_csv(index=False), "transfer_sweep.csv", "text/csv")
with st.expander("How the runs are made"):
    ui.section("Setup")

# Secondary views, one lazy tab each
view, box = ui.tabs("view", ["Forgetting", "Which layers", "Few-shot", "Siamese", "Zero-shot", "Teach it yourself"])
with box:
    if view == "Forgetting":
        forget = tl.precomputed("forgetting")
        if forget is None:
            forget = ui.computed("Fine-tuning at six learning rates", tl.forgetting_experiment, backbone, key="forget")
        cols = st.columns(2)
        for col, (column, title) in zip(cols, (("new_accuracy", "New task: digits 5-9"),
                                               ("old_accuracy", "Old task: digits 0-4, original head"))):
            series = {tl.FORGET_NAMES[s]: forget.loc[forget["strategy"] == s, column] for s in tl.FORGET_NAMES}
            fig = plots.line_chart(tl.LR_OPTIONS, series, title, "learning rate", "accuracy", 380, (0, 1.02))
            fig.update_xaxes(type="log", tickvals=tl.LR_OPTIONS, ticktext=[f"{v:g}" for v in tl.LR_OPTIONS])
            with col:
                ui.chart(fig.update_yaxes(tickformat=".0%"), tl.forgetting_sentence(forget) if column == "old_accuracy"
                         else tl.forgetting_new_sentence(forget))
    elif view == "Which layers":
        lk = int(ui.select("Examples per class", "layers_k", ["5", "20", "100"], default="5", widget="segmented"))
        freeze = ui.computed("Fine-tuning from five depths", tl.freeze_experiment, backbone, lk, lr, key=(lk, lr))
        labels = [f"{f}<br>{t:,} trained" for f, t in zip(freeze["frozen"], freeze["trainable"])]
        ui.chart(tl.grouped_bars(labels, {"new task: digits 5-9": freeze["new_accuracy"],
                                          "old task: digits 0-4": freeze["old_accuracy"]}).update_xaxes(
                     title="frozen layers, and how many numbers are trained"),
                 tl.freeze_sentence(freeze, lk, lr))
    elif view in ("Few-shot", "Siamese"):
        ui.section(view)
        row = st.columns(4)
        with row[0]:
            encoder = ui.select("Embedding", "encoder", list(fs.ENCODERS), format_func=fs.ENCODERS.get)
        embs = ui.computed("Embedding the 500 held-out digits 5-9", fs.digit_embeddings, backbone,
                           digit_features("test") if encoder == "imagenet" else None, key=encoder == "imagenet")
        emb, labels = embs[encoder], tl.new_task()["test_y"]
        if view == "Few-shot":
            with row[1]:
                n_way = ui.slider("Classes (N-way)", "way", 2, 5, 3)
            with row[2]:
                k_shot = ui.slider("Examples each (K-shot)", "shot", 1, 20, 5)
            with row[3]:
                ep_seed = ui.number("Episode", "episode", 0, 9999, 0)
            ep = fs.episode(labels, n_way, k_shot, 15, ep_seed)
            protos = fs.prototypes(emb[ep.support], ep.support_labels, n_way)
            plane = fs.prototype_plane(protos, torch.cat([emb[ep.support], emb[ep.query]]))
            names = [str(tl.NEW_DIGITS[c]) for c in ep.classes]
            ui.chart(fs.episode_figure(plane, protos, emb[ep.support], ep.support_labels, emb[ep.query],
                                       ep.query_labels, names),
                     fs.episode_sentence(plane, protos, emb[ep.query], ep.query_labels, n_way, k_shot))
            every = ui.computed("Embedding the held-out digits with every encoder", fs.digit_embeddings, backbone,
                                digit_features("test"), key=True)
            curve = ui.computed("200 episodes per K and encoder", fs.few_shot_curve, every, labels, n_way, key=n_way)
            series = {fs.ENCODERS[e]: curve.loc[curve["encoder"] == e, "accuracy"] for e in every}
            ks = sorted(set(curve["k"]))
            fig = plots.line_chart(ks, series, f"{n_way}-way accuracy vs K (200 episodes)", "examples per class (K)",
                                   "query accuracy", y_range=(0, 1.02))
            ui.chart(fig.update_xaxes(type="log", tickvals=ks).update_yaxes(tickformat=".0%"),
                     fs.few_shot_curve_sentence(curve, n_way))
        else:
            with row[1]:
                threshold = ui.slider("Distance threshold", "threshold", 0.0, 2.0, 0.8, step=0.01,
                                      help="Pairs closer than this are called the same digit")
            same, different = fs.pair_distances(emb, labels)
            far, frr = fs.error_rates(same, different, threshold)
            curve = fs.roc(same, different)
            cols = st.columns([3, 2])
            with cols[0]:
                ui.chart(plots.histograms({"same digit": same, "different digits": different}, threshold, None,
                                          "distance between the two embeddings of a pair (unit vectors)"),
                         fs.verification_sentence(same, different, threshold))
            with cols[1]:
                ui.chart(plots.curve(curve["far"], curve["tar"], (far, 1 - frr), "ROC", "false accept rate",
                                     "true accept rate", diagonal=True),
                         f"Moving the threshold trades false accepts ({far:.1%}) for false rejects ({frr:.1%}); "
                         f"the diamond is the current threshold.")
    elif view == "Zero-shot":
        ui.section("Zero-shot")
        cols = st.columns(2)
        with cols[0]:
            text = ui.text_area("Sentences, one per line", "sentences", fs.DEFAULT_SENTENCES, height=200, max_chars=3000)
        with cols[1]:
            label_text = ui.text_area("Labels, one per line (“name: description” to describe one)", "labels",
                                      fs.DEFAULT_LABELS, height=200, max_chars=1000)
        use_template = ui.toggle(f"Put bare labels in “{fs.TEMPLATE.format('…')}”", "template", True)
        sentences, notes = fs.read_lines(text, fs.MAX_SENTENCES)
        label_lines, label_notes = fs.read_lines(label_text, fs.MAX_LABELS)
        for note in notes + label_notes:
            st.info(note.capitalize() + ".", icon="✂️")
        if not sentences or len(label_lines) < 2:
            st.warning("Type at least one sentence and two labels (one per line).", icon="✍️")
        else:
            names, prompts = fs.label_prompts(label_lines, fs.TEMPLATE if use_template else None)
            sim = similarity(tuple(sentences), tuple(prompts))
            short = [f"{i + 1}. " + (s if len(s) <= 60 else s[:60] + "…") for i, s in enumerate(sentences)]
            ui.chart(plots.heatmap(sim, "Cosine similarity: sentence × label", x=names, y=short, text_format=".2f",
                                   square=False, height=120 + 32 * len(sentences)),
                     fs.zero_shot_sentence(sim, sentences, names))
    else:
        ui.section("Teach it yourself")
        row = st.columns([2, 2, 3])
        with row[0]:
            n_classes = ui.slider("Classes", "classes", 2, 4, 3)
        with row[1]:
            n_shots = ui.slider("Training crops per class", "shots", 1, 20, 5)
        options = list(images.PHOTOS) + ["upload"]
        cols, pictures, ids = st.columns(4), [], []
        for i in range(n_classes):
            with cols[i]:
                choice = ui.select(f"Class {i + 1}", ("class_a", "class_b", "class_c", "class_d")[i], options,
                                   default=tl.TEACH_DEFAULTS[i],
                                   format_func=lambda p: "Upload your own" if p == "upload" else images.PHOTOS[p].title)
                if choice == "upload":  # one uploader, and another once it holds a picture
                    mine, their_ids = [], []
                    for j in range(tl.MAX_UPLOADS):
                        picture, upload_id = ui.image_upload("Picture" if j == 0 else "Another (optional)",
                                                             f"teach_upload_{i}_{j}")
                        if picture is None:
                            break
                        mine.append(images.to_tensor(picture))
                        their_ids.append(upload_id)
                    if mine:
                        pictures.append(mine)
                        ids.append(tuple(their_ids))
                else:
                    pictures.append([images.to_tensor(ui.photo(choice))])
                    ids.append(choice)
        if len(pictures) < n_classes:
            st.info("Upload a picture for every class set to “Upload your own” (or pick a bundled photo).", icon="🖼️")
        else:
            if len(set(ids)) < len(ids):
                st.warning("Two classes use the same picture: nothing can tell them apart.", icon="👯")
            taught = ui.computed("Cutting crops and embedding them with EfficientNet-Lite0", tl.teach,
                                 ui.model("efficientnet_lite0"), pictures, n_shots, key=(tuple(ids), n_shots))
            names = [f"{n + 1}. " + (images.PHOTOS[i].title if i in images.PHOTOS else f"your {len(i)} picture(s)")
                     for n, i in enumerate(ids)]
            cols = st.columns([3, 2])
            with cols[0]:
                ui.chart(plots.image_figure(tl.montage(taught["train_crops"], n_classes, min(n_shots, 8)),
                                            "What each class was taught with (one row per class)", height=300),
                         f"{n_shots} crop(s) per class, cut from the left {tl.TRAIN_PART:.0%} of its picture(s) "
                         "(up to 8 shown); the test crops come from the right part, never seen in training.")
            with cols[1]:
                ui.chart(plots.heatmap(taught["confusion"], "Confusion on unseen crops", x=names, y=names,
                                       text_format="d", square=False, height=300),
                         tl.teach_sentence(taught, names))

ui.key_ideas()
ui.show_code(tl.linear_probe, tl.fine_tune, fs.prototypes, fs.nearest_prototype, fs.sentence_embeddings, fs.zero_shot)
