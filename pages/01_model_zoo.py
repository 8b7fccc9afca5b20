"""Model zoo: every registered model's card and a live prediction."""
import streamlit as st

import ui
from demos import images, model_zoo
from demos.prediction import predict_topk
from models import class_names, model_names, title

page = ui.page_setup(__file__)

# Controls: which model, which input
top = st.columns([3, 2, 1, 1])
with top[0]:
    name = ui.select("Model", "model", model_names(classifiers_only=True), format_func=title)
is_digits = model_zoo.takes_digits(name)
picked = ui.image_picker(is_digits, {"source": top[1], "digit": top[2], "photo": top[2], "index": top[3]},
                         "Upload a picture to see what the model makes of it (a digit photo for the digit CNN).")
x, true_label = picked.x, picked.truth

# What the model sees
model = ui.model(name)
labels = class_names(name)

# Hero: input as the model sees it, and its top-5
left, right = st.columns([1, 2])
top5 = predict_topk(model, x, labels)
height = 460 if ui.is_presenting() else 280  # a slide: the picture and its bars fill the frame
with left:
    ui.chart(model_zoo.input_figure(x, height), model_zoo.input_caption(x))
with right:
    ui.chart(model_zoo.top5_figure(top5, true_label, height), model_zoo.top5_caption(top5, true_label),
             export="top5")

ui.end_of_hero()

# The model card
card = model_zoo.model_card(name, model)
st.subheader(f"Model card: `{name}`")
c1, c2, c3 = st.columns(3)
c1.metric("Parameters", f"{card['parameters']:,}")
c2.metric(*model_zoo.headline_display(card))
c3.metric("Classes", card["classes"])
st.markdown(model_zoo.card_text(card))
st.markdown(model_zoo.weights_text(card))
st.markdown("**Reproduce:**")
st.code(card["command"], language="bash")
with st.expander("Full metadata (JSON)"):
    st.json(card)

# Every model at a glance (read from the cards and weight headers: nothing is loaded for the table)
st.subheader("All models")
st.dataframe(model_zoo.zoo_table(), hide_index=True)

ui.key_ideas()
ui.show_code(predict_topk, images.digit_input, images.photo_input)
