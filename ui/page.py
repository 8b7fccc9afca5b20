"""Page setup and teaching blocks: config, embed and presenter modes, grouped navigation, the page's
own text (intro, Key ideas, sections: `pages/NN_<slug>.md`), and the closing "Show the code"."""
from __future__ import annotations

import inspect
import textwrap
from typing import Any

import streamlit as st

from ui.catalogue import PageInfo, by_section, find
from ui.share import PAGE, finish_page
from ui.state import PRESENT_KEY, RUN, is_embedded, is_presenting, read_flag
from ui import lessons, texts, warmup
from ui.texts import PageText

_PRESENTER_CSS = """<style>
html, .stApp { font-size: 21px; }
.stApp h1 { font-size: 1.8rem; padding-top: 0; } .stApp h2, .stApp h3 { font-size: 1.6rem; }
[data-testid="stHeader"], [data-testid="stToolbar"] { display: none; }
.block-container, [data-testid="stMainBlockContainer"] { padding-top: 1.5rem; padding-bottom: 0; }
[data-testid="stPopoverBody"] { width: min(1180px, 94vw); max-width: min(1180px, 94vw) !important;
  max-height: calc(100vh - 100px) !important; }
</style>"""
_EMBED_CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"] { display: none; }
.block-container, [data-testid="stMainBlockContainer"] { padding-top: 1.5rem; }
</style>"""


def page_setup(file: str) -> PageInfo:
    """First call of every page: config, embed/presenter handling, grouped sidebar navigation, title
    (with a Share menu beside it, filled in once the page's controls have run), then the intro."""
    page = find(file)
    _start_page(page.title, page.icon)
    # Room for "🔗 Share" at 1024 px; on a slide the same slot holds "⚙️ More controls" (no Share there)
    title, share = st.columns([5, 1.3] if is_presenting() else [5, 1], vertical_alignment="bottom")
    title.title(f"{page.icon} {page.title}")
    st.session_state[RUN] |= {"page": page, "share": share, "known": set(page.params) | set(lessons.LESSON_PARAMS)}
    st.session_state[PAGE] = page.slug
    lessons.before_controls(page)  # ?beat=N: open that beat's view; on stage, the beat bar
    if "Intro" in page_text().sections:
        prose(page_text().get("Intro"))
    return page


def _page_drawn() -> None:
    """Every control has run: the URL check and Share menu, then (once per server) the warm-up."""
    lessons.after_controls()
    finish_page()
    warmup.start()
    lessons.warm_answers()


def home_done() -> None:
    """The home page's last call: it is drawn, so the warm-up may start (once per server)."""
    warmup.start()


def home_setup() -> None:
    _start_page("Deep-learning concept gallery", "🧠")


def _start_page(title: str, icon: str) -> None:
    embedded = is_embedded()
    present, problem = read_flag(PRESENT_KEY)
    st.set_page_config(page_title=title, page_icon=icon, layout="wide",
                       initial_sidebar_state="collapsed" if embedded or present else "auto")
    notices = st.container()
    st.session_state[RUN] = {"notices": notices, "keys": set(), "known": set()}
    if problem:
        notices.warning(problem, icon="🔗")
    st.session_state[PRESENT_KEY] = present
    if embedded:
        st.html(_EMBED_CSS)  # our own constant CSS (style-only html takes no space on the page)
    else:
        sidebar_navigation()
    if present:
        st.html(_PRESENTER_CSS)


_SIDEBAR_CSS = """<style>
[data-testid="stSidebar"] [data-testid="stPageLink"] a { height: auto; }
[data-testid="stSidebar"] [data-testid="stPageLink"] a * { white-space: normal; overflow: visible; text-overflow: clip; }
</style>"""


def sidebar_navigation() -> None:
    """Grouped navigation from the catalogue (Streamlit's own file list is switched off); long titles
    wrap at spaces instead of being cut."""
    with st.sidebar:
        st.html(_SIDEBAR_CSS)  # our own constant CSS
        st.page_link("streamlit_app.py", label="Gallery home", icon="🏠")
        for section, pages in by_section().items():
            st.caption(section.upper())
            for page in pages:
                st.page_link(page.file, label=page.title, icon=page.icon)


def page_text() -> PageText:
    """This page's teaching text (`pages/NN_<slug>.md`)."""
    page = st.session_state[RUN].get("page")
    return texts.page_text(page.text_file) if page else PageText({})


def more_controls():
    """Where a page's secondary controls go: a closed "⚙️ More controls" expander below the key
    controls (the hero stays above the fold at 1400 x 900); on a slide, a popover of that name beside
    the title (the key row keeps its full width), as wide as the slide (`_PRESENTER_CSS`). Lay its
    rows out with `control_columns` / `control_groups`."""
    if is_presenting():
        return st.session_state[RUN]["share"].popover("⚙️ More controls", width="stretch")
    return st.expander("⚙️ More controls")


def control_columns(spec: int | list[float], per_row: int = 4) -> list:
    """`st.columns(spec)` normally; on a slide, the same number of columns in rows of at most
    `per_row` equal ones, so each label and value keeps ~280 px in the popover (7 columns in a row
    broke labels mid-word). Returns one column per entry of `spec`, in order."""
    n = spec if isinstance(spec, int) else len(spec)
    if not is_presenting() or n <= per_row:
        return list(st.columns(spec))
    columns: list = []
    while len(columns) < n:
        columns += st.columns(per_row)
    return columns[:n]


def control_groups(labels: list[str]) -> list:
    """One container per group of controls: side by side in columns normally, one tab per group on a
    slide (seven optimisers' settings side by side do not fit a 720-pixel-high popover)."""
    return list(st.tabs(labels)) if is_presenting() else list(st.columns(len(labels)))


def prose(markdown: str) -> None:
    """Explanatory text: shown normally, hidden in presenter mode."""
    if not is_presenting():
        st.markdown(markdown)


def section(name: str) -> None:
    """A named section of the page's text file, as prose."""
    prose(page_text().get(name))


def end_of_hero() -> None:
    """Call right after the hero visual: in presenter mode the page ends here (nothing below)."""
    if is_presenting():
        _page_drawn()
        st.stop()
    lessons.student_view()


def key_ideas() -> None:
    """The teaching block from the page's text: formula, takeaways, questions, corrections."""
    if is_presenting():
        return
    t = page_text()
    st.header("Key ideas")
    for formula in t.formulas:
        st.latex(formula)
    st.markdown("\n".join(f"- {item}" for item in t.bullets("Takeaways")))
    if t.questions:
        st.markdown("**Questions this page answers:** " + " · ".join(t.questions))
    if t.corrections:
        st.subheader("Common mistakes, corrected")
        st.markdown("\n".join(f"- ~~{claim}~~ — {fix}" for claim, fix in t.corrections))


def show_code(*objects: Any) -> None:
    """The last call of every page: the source of the demo functions it used, in an expander drawn
    only when opened;
    then the URL check and the Share menu (once every control has been drawn)."""
    _page_drawn()
    if is_presenting():
        return
    code = st.expander("Show the code", key="show_code", on_change="rerun")
    if code.open:  # lazy: highlighting the source costs the browser ~0.4 s, so only once someone opens it
        for obj in objects:
            code.code(textwrap.dedent(inspect.getsource(obj)), language="python")
