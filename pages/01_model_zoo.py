"""Model zoo: every registered model's card and a live prediction."""
import pandas as pd
import streamlit as st

import ui
from demos import images, plots
from demos.model_zoo import headline_metric, model_card, predict_topk
from models import class_names, model_names, title
from models.registry import DIGITS

page = ui.page_setup(__file__)
ui.prose("Every model the gallery runs, with the facts you would want before trusting it: what it "
         "was trained on, how it scores on data it never saw, the checksum of its weights and the "
         "command that retrains it. Pick a model and an input to watch it predict, live, on this CPU.")

# Controls: which model, which input
top = st.columns([3, 2, 1, 1])
digit, index, photo_name = 0, 0, "coffee"  # replaced by whichever controls this view draws
with top[0]:
    name = ui.select("Model", "model", model_names(classifiers_only=True), format_func=title)
is_digits = class_names(name) == DIGITS
with top[1]:
    source = ui.select("Input", "source", ["sample", "upload"], widget="radio",
                       format_func={"sample": "Held-out digit" if is_digits else "Bundled photo",
                                    "upload": "Upload your own"}.get)
if source == "sample" and is_digits:
    with top[2]:
        digit = ui.slider("Digit", "digit", 0, 9, 7)
    with top[3]:
        index = ui.slider("Example", "index", 0, 99, 0, help="Which of the 100 held-out examples")
elif source == "sample":
    with top[2]:
        photo_name = ui.select("Photo", "photo", list(images.PHOTOS),
                               format_func=lambda p: images.PHOTOS[p].title)
ui.skip("digit", "index", "photo")  # whichever of these the current view does not draw

# What the model sees
model = ui.model(name)
labels = class_names(name)
x, true_label = ui.model_input(is_digits, source, digit, index, photo_name,
                               "Upload a picture to see what the model makes of it (a digit photo for the digit CNN).")

# Hero: input as the model sees it, and its top-5
left, right = st.columns([1, 2])
top5 = predict_topk(model, x, labels)
with left:
    ui.chart(plots.image_figure(images.to_image(x), "What the model sees", height=280),
             f"Input resized to {x.shape[-1]}×{x.shape[-2]} px, as the model receives it.")
with right:
    ui.chart(plots.topk_bars([n for n, _ in top5], [p for _, p in top5], "Top-5 prediction",
                             highlight=true_label),
             f"The model's top guess is “{top5[0][0]}” with probability {top5[0][1]:.1%}"
             + (f"; the true label is {true_label}." if true_label else "."), export="top5")

ui.end_of_hero()

# The model card
card = model_card(name, model)
st.subheader(f"Model card: `{name}`")
c1, c2, c3 = st.columns(3)
c1.metric("Parameters", f"{card['parameters']:,}")
metric_name, metric_value = headline_metric(card)
c2.metric(metric_name.capitalize(), f"{metric_value:.1%}")
c3.metric("Classes", card["classes"])
st.markdown(f"**Architecture:** {card['architecture']}  \n**Task:** {card['task']}  \n"
            f"**Input:** {card['input']}  \n**Data:** {card['data']['source']}")
st.markdown(f"**Weights:** `{card['weights_file']}` · sha256 `{card['sha256']}` (checked on every load)")
st.markdown("**Reproduce:**")
st.code(card["command"], language="bash")
with st.expander("Full metadata (JSON)"):
    st.json(card)

# Every model at a glance
st.subheader("All models")
rows = []
for other in model_names():
    other_card = model_card(other, ui.model(other))
    label, value = headline_metric(other_card)
    rows.append({"model": other, "parameters": other_card["parameters"], "metric": label,
                 "value": value, "sha256": other_card["sha256"][:12] + "…"})
st.dataframe(pd.DataFrame(rows), hide_index=True)

ui.key_ideas(
    r"p(y=i \mid x) = \mathrm{softmax}(z)_i = \frac{e^{z_i}}{\sum_j e^{z_j}}",
    ["Report accuracy on a held-out split the model never trained on or was tuned on; this zoo "
     "uses one fixed, seeded, stratified 4,000 / 1,000 split of 5,000 MNIST digits everywhere.",
     "A softmax probability is not a calibrated confidence: networks are often over-confident, "
     "especially on inputs unlike their training data (try uploading a photo to the digit CNN).",
     "Preprocessing is part of the model: EfficientNet-Lite0 expects (x − 127)/128 at 224 px; the "
     "wrong scaling silently wrecks a pretrained model. Here each model normalises internally.",
     "Weights are data: pinning their sha256 and the command that made them is what makes a "
     "result reproducible (torchvision's Weights API and nanoGPT checkpoints do the same)."],
    questions=["What is transfer learning's first requirement?", "How do you evaluate a classifier?"],
    corrections=[("Rescale inputs by 1/255 for any pretrained ImageNet network",
                  "each network needs the exact preprocessing it was trained with (e.g. Keras "
                  "ResNet-50 uses caffe-style mean subtraction)."),
                 ("Use the test set as validation data while training",
                  "monitoring or tuning on the test set makes its score optimistic; keep a "
                  "separate held-out split.")])
ui.show_code(predict_topk, images.digit_input, images.photo_input)
