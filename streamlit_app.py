"""Home: the gallery of concept pages, one card per catalogue entry, grouped by section."""
import streamlit as st

import ui
from ui.catalogue import by_section

ui.home_setup()
st.title("🧠 Deep-learning concept gallery")
ui.prose("Classic deep-learning ideas, each as a page that runs a real, small, pretrained model live on "
         "your CPU, with no internet. Move a slider and watch the maths happen; every view has a link "
         "you can share, and every page can be embedded in a slide (`?embed=true`) or shown in "
         "presenter mode (`?present=1`).")
ui.check_unknown_params()

# One card per page: picture, title (a link), one-line pitch
for section, pages in by_section().items():
    st.header(section)
    columns = st.columns(3)
    for i, page in enumerate(pages):
        with columns[i % 3].container(border=True):
            if page.thumbnail.is_file():
                st.image(str(page.thumbnail), width="stretch")
            st.page_link(page.file, label=f"**{page.title}**", icon=page.icon)
            st.caption(page.pitch)

st.divider()
st.caption("Models: a digit CNN trained here on MNIST (LeCun, Cortes & Burges; CC BY-SA 3.0) and "
           "EfficientNet-Lite0 (Tan & Le 2019; Apache-2.0). Photos from scikit-image (CC0 / public "
           "domain). Source, credits and retraining commands: see the README.")
