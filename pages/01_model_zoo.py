"""Model zoo: every registered model's card and a live prediction."""
import pandas as pd
import streamlit as st

import ui
from demos import images, plots
from demos.model_zoo import headline_metric, model_card, predict_topk
from models import class_names, model_names, title
from models.registry import DIGITS

page = ui.page_setup(__file__)

# Controls: which model, which input
top = st.columns([3, 2, 1, 1])
with top[0]:
    name = ui.select("Model", "model", model_names(classifiers_only=True), format_func=title)
is_digits = class_names(name) == DIGITS
picked = ui.image_picker(is_digits, {"source": top[1], "digit": top[2], "photo": top[2], "index": top[3]},
                         "Upload a picture to see what the model makes of it (a digit photo for the digit CNN).")
x, true_label = picked.x, picked.truth

# What the model sees
model = ui.model(name)
labels = class_names(name)

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
headline = headline_metric(card)
c2.metric(headline[0].capitalize(), f"{headline[1]:.1%}")
c3.metric("Classes", card["classes"])
st.markdown(f"**Architecture:** {card['architecture']}  \n**Task:** {card['task']}  \n"
            f"**Input:** {card['input']}  \n**Data:** {card['data']['source']}")
st.markdown("**Weights:** " + " · ".join(f"`{f['file']}` sha256 `{f['sha256']}`" for f in card["files"].values())
            + " (checked on every load)")
st.markdown("**Reproduce:**")
st.code(card["command"], language="bash")
with st.expander("Full metadata (JSON)"):
    st.json(card)

# Every model at a glance (read from the cards and weight headers: nothing is loaded for the table)
st.subheader("All models")
rows = []
for other in model_names():
    other_card = model_card(other)
    headline = headline_metric(other_card)
    rows.append({"model": other, "what": other_card["title"], "parameters": other_card["parameters"],
                 "metric": headline[0] if headline else "— (third-party)", "value": headline[1] if headline else None,
                 "sha256": " + ".join(f["sha256"][:12] + "…" for f in other_card["files"].values())})
st.dataframe(pd.DataFrame(rows), hide_index=True)

ui.key_ideas()
ui.show_code(predict_topk, images.digit_input, images.photo_input)
