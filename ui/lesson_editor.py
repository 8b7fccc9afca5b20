"""A teacher's own lesson, built in the Share menu (the stage and student side is `ui.lessons`, the
pure side `ui.lesson_data`): add the current view as a beat with a sentence, reorder, remove, mix
pages, and get a link (`?lesson=`) or a JSON file to upload again. The lesson lives in this browser
session until it is shared."""
from __future__ import annotations

import streamlit as st

from ui import lesson_data as ld
from ui import lesson_files as lf
from ui.catalogue import PageInfo, by_slug
from ui.state import PRESENT_KEY

MINE = "_lesson_mine"  # the teacher's lesson being built: list of Beat

def _add(page: PageInfo) -> None:
    mine = st.session_state.setdefault(MINE, [])
    say = st.session_state.get("_lesson_say", "").strip()[:ld.MAX_SAY]
    # the URL holds exactly the non-default values (defaults stay out of it): a short, exact view
    view = {k: v for k, v in st.query_params.to_dict().items() if k in page.params}
    if len(mine) < lf.MAX_BEATS:
        mine.append(ld.Beat(page.slug, tuple(sorted(view.items())), say))
    st.session_state["_lesson_say"] = ""


def _move(i: int, j: int) -> None:
    mine = st.session_state.get(MINE, [])
    if 0 <= j < len(mine):
        mine[i], mine[j] = mine[j], mine[i]


def _remove(i: int) -> None:
    mine = st.session_state.get(MINE, [])
    if 0 <= i < len(mine):
        mine.pop(i)


def _upload() -> None:
    upload = st.session_state.get("_lesson_file")
    if upload is None:
        return
    try:
        beats, ignored = lf.from_json(upload.getvalue().decode("utf-8", errors="strict"))
    except UnicodeDecodeError:
        st.session_state["_lesson_upload_note"] = "Could not read that lesson: the file is not UTF-8 text."
        return
    except ValueError as err:
        st.session_state["_lesson_upload_note"] = f"Could not read that lesson: {err}."
        return
    st.session_state[MINE] = beats
    st.session_state["_lesson_upload_note"] = (
        f"Loaded {len(beats)} beats" + ("; left out " + "; ".join(ignored[:5]) if ignored else "") + ".")


def lesson_link(beats: list[ld.Beat], base: str) -> tuple[str | None, str | None]:
    """(link opening the lesson at beat 1 on stage, or None; problem or None)."""
    token = lf.encode(beats)
    problem = lf.link_problem(token)
    if problem:
        return None, problem
    return f"{base}/{beats[0].page}?{PRESENT_KEY}=1&{ld.BEAT_PARAM}=1&{ld.LESSON_PARAM}={token}", None


def teacher_menu(page: PageInfo) -> None:
    """In the Share menu: build a lesson from views of any pages."""
    from urllib.parse import urlsplit
    st.markdown("**Your own lesson** (views of any pages, each with your sentence)")
    mine = st.session_state.setdefault(MINE, [])
    st.text_input("Your sentence for this view", key="_lesson_say", max_chars=ld.MAX_SAY)
    st.button("➕ Add this view to my lesson", key="_lesson_add", on_click=_add, args=(page,),
              disabled=len(mine) >= lf.MAX_BEATS)
    for i, beat in enumerate(mine):
        row = st.columns([6, 1, 1, 1], vertical_alignment="center")
        row[0].text(f"{i + 1}. {by_slug(beat.page).title}: {beat.say or '(no sentence)'}")
        row[1].button("↑", key=f"_lesson_up_{i}", on_click=_move, args=(i, i - 1), disabled=i == 0)
        row[2].button("↓", key=f"_lesson_down_{i}", on_click=_move, args=(i, i + 1), disabled=i == len(mine) - 1)
        row[3].button("✕", key=f"_lesson_remove_{i}", on_click=_remove, args=(i,))
    if mine:
        url = urlsplit(st.context.url or "http://localhost:8501/")
        link, problem = lesson_link(mine, f"{url.scheme}://{url.netloc}")
        if problem:
            st.warning(f"No link: {problem}.", icon="📏")
        else:
            st.code(link, language=None, wrap_lines=True)
        st.download_button("Lesson file (JSON)", lf.to_json(mine), "lesson.json", "application/json",
                           key="_lesson_download")
    st.file_uploader("Open a lesson file", type=["json"], key="_lesson_file", on_change=_upload)
    note = st.session_state.pop("_lesson_upload_note", None)
    if note:
        st.text(note)
