"""Lessons on the page (the pure side is `ui.lesson_data`):

- on stage (`?present=1`): a beat bar under the title (◀ Back · Beat k of n · Next ▶, the arrow keys
  too), the beat's sentence as the slide's subtitle; `?beat=N` opens the lesson at beat N. A beat with a
  predict question first asks it (the view stays hidden), then applies its view and judges the choice.
- for a student (normal mode): the lesson as a closed expander under the hero, each beat's question
  to answer before "Open this view"; the score is kept in this browser session only.
- for a teacher (the Share menu, `ui.lesson_editor`): add the current view as a beat with a sentence, reorder, remove, mix
  pages, and get a link (`?lesson=`) or a JSON file to upload again.

A beat's view is applied like a manifest restore: its parameters go in the URL and the page's
controls forget their state, so each control binds (and checks) its value on this run.
"""
from __future__ import annotations


import streamlit as st

from demos.text import quote
from ui import lesson_data as ld
from ui import lesson_files as lf
from ui.catalogue import PageInfo, by_slug
from ui.state import NOTICES, PRESENT_KEY, is_embedded, is_presenting, run_state, url_params

APPLIED = "_lesson_applied"  # (lesson id, beat index) whose view this session last applied
ANSWERS = "_lesson_answers"  # (lesson id, beat index) -> (choice, right?) : the score, this session only
DECODED = "_lesson_decoded"  # token -> (beats, ignored) or error message (decoded once per session)
LESSON_PARAMS = (ld.BEAT_PARAM, ld.LESSON_PARAM)

_KEYS_JS = """<script>
(function () {
  const doc = document;  // st.html runs in the app's own document (no iframe), embedded or not
  if (doc.__lessonKeys) return;
  doc.__lessonKeys = true;
  doc.addEventListener("keydown", function (e) {
    const t = e.target, tag = t && t.tagName ? t.tagName.toLowerCase() : "";
    if (tag === "input" || tag === "textarea" || tag === "select" || (t && t.isContentEditable)) return;
    const label = e.key === "ArrowRight" ? "Next ▶" : e.key === "ArrowLeft" ? "◀ Back" : null;
    if (!label) return;
    const button = Array.from(doc.querySelectorAll("button")).find(b => b.innerText.trim() === label && !b.disabled);
    if (button) { e.preventDefault(); button.click(); }
  });
})();
</script>"""


# -- which lesson, which beat -------------------------------------------------------------------------

def literal(text: str, limit: int = ld.MAX_SAY) -> str:
    """Text (a teacher's sentence, a beat's title) made inert for st.markdown: `demos.text.quote`
    backslash-escapes every ASCII punctuation mark and splits bare addresses, so no link, image, HTML,
    emphasis, emoji code or LaTeX is rendered."""
    return quote(text, limit)


def current(page: PageInfo) -> tuple[str, list[ld.Beat], str | None]:
    """(lesson id, its beats, a problem message or None): the teacher's lesson in the URL, else the
    page's own."""
    token = st.query_params.get(ld.LESSON_PARAM)
    try:
        own = list(ld.page_lesson(page.slug))
    except ValueError as err:  # a broken `## Lesson` in the text file (the tests catch it before a release)
        return page.slug, [], f"This page's lesson cannot be read: {quote(str(err), 200)}."
    if token is None:
        return page.slug, own, None
    cache = st.session_state.setdefault(DECODED, {})
    if token not in cache:
        try:
            cache[token] = lf.decode(token)
        except ValueError as err:
            cache[token] = str(err)
    found = cache[token]
    if isinstance(found, str):
        return page.slug, own, f"Could not open the lesson in this link: {found}. Showing this page's own lesson."
    beats, ignored = found
    note = ("Opened the lesson in this link; left out " + "; ".join(ignored[:5])
            + (f" and {len(ignored) - 5} more" if len(ignored) > 5 else "") + ".") if ignored else None
    return "custom:" + token[:32], beats, note


def beat_number(count: int) -> tuple[int | None, str | None]:
    """(0-based beat from `?beat=N`, problem or None)."""
    raw = st.query_params.get(ld.BEAT_PARAM)
    if raw is None:
        return None, None
    if raw.isdigit() and 1 <= int(raw) <= count:
        return int(raw) - 1, None
    del st.query_params[ld.BEAT_PARAM]
    return None, f"URL parameter `beat={quote(raw)}` is not a beat of this lesson (1 to {count}); ignored."


def _apply(page: PageInfo, beats: list[ld.Beat], index: int, lesson_id: str) -> None:
    """Open beat `index`: another page's beat switches page; this page's puts its parameters in the
    URL (the lesson and, on stage, the beat number with them) and drops the controls' state."""
    beat = beats[index]
    carry = {k: st.query_params[k] for k in (PRESENT_KEY, ld.LESSON_PARAM) if k in st.query_params}
    keep_beat = _on_stage() or beat.page != page.slug
    query = beat.query | carry | ({ld.BEAT_PARAM: str(index + 1)} if keep_beat else {})
    if beat.page != page.slug:
        target = by_slug(beat.page)
        for key in target.params:
            st.session_state.pop(key, None)
        st.switch_page(target.file, query_params=query)
    notices = st.session_state.get(NOTICES, {})
    for key in page.params:
        st.session_state.pop(key, None)
        notices.pop(key, None)
    st.query_params.from_dict(query)
    st.session_state[APPLIED] = (lesson_id, index) if _on_stage() else None


def _on_stage() -> bool:
    """Presenter mode or an embedded page: the beat stays in the URL and the beat bar shows."""
    return is_presenting() or is_embedded()


def _go(index: int) -> None:
    """Button callback: step to beat `index` (applied at the top of the next run)."""
    st.query_params[ld.BEAT_PARAM] = str(index + 1)
    st.session_state[APPLIED] = None


def _choose(lesson_id: str, index: int, choice: str, beat: ld.Beat) -> None:
    """A choice's callback: judged against the answer computed from the beat's view (only now, so a
    page with a lesson costs nothing until someone answers)."""
    try:
        ok = choice == ld.correct_choice(beat)
    except Exception:  # noqa: BLE001  (never a traceback: the verdict says the answer could not be computed)
        ok = None
    st.session_state.setdefault(ANSWERS, {})[(lesson_id, index)] = (choice, ok)
    st.session_state[APPLIED] = None


def score(lesson_id: str, beats: list[ld.Beat]) -> tuple[int, int, int]:
    """(right, answered, predict questions) of this session on a lesson."""
    answers = st.session_state.get(ANSWERS, {})
    got = [answers[(lesson_id, i)] for i, b in enumerate(beats) if b.predict and (lesson_id, i) in answers]
    judged = [ok for _, ok in got if ok is not None]
    return sum(judged), len(judged), sum(bool(b.predict) for b in beats)


# -- at the top of the page: before the controls ------------------------------------------------------

def before_controls(page: PageInfo) -> None:
    """Right after the title: open the beat the URL names (once), and on stage draw the beat bar; a
    predict beat not yet answered shows its question and stops the page (its view stays hidden)."""
    run = run_state()
    lesson_id, beats, problem = current(page)
    if problem:
        run["notices"].warning(problem, icon="🎓")
    index, bad = beat_number(len(beats))
    if bad:
        run["notices"].warning(bad, icon="🔗")
    run["lesson"] = (lesson_id, beats, index)
    if index is None or not beats:
        return
    beat, on_stage = beats[index], _on_stage()
    answered = (lesson_id, index) in st.session_state.get(ANSWERS, {})
    if beat.predict and on_stage and not answered and beat.page == page.slug:
        _bar(beats, index, lesson_id)
        _ask(beat, lesson_id, index)
        st.stop()
    if st.session_state.get(APPLIED) != (lesson_id, index):
        _apply(page, beats, index, lesson_id)
    if not on_stage and ld.BEAT_PARAM in st.query_params:
        del st.query_params[ld.BEAT_PARAM]  # normal mode: the view is opened; the URL is a plain permalink
    if on_stage:
        run["beat_bar"] = st.container()
        run["beat_bar_px"] = bar_px(beats[index])  # the hero shrinks by this much (ui.state.stage_scale)


def bar_px(beat: ld.Beat) -> int:
    """Pixels the beat bar and its sentence take on a 1280 x 720 slide (measured in Chromium: the bar
    and gaps 115 plus 25 for captions and text beside a chart, each line of the sentence 34, about 130
    characters a line at the slide's 21 px)."""
    return 140 + 34 * max(1, -(-len(beat.say) // 130))


def _bar(beats: list[ld.Beat], index: int, lesson_id: str, verdict: str = "") -> None:
    back, middle, forward = st.columns([1, 5, 1], vertical_alignment="center")
    back.button("◀ Back", key="_lesson_back", disabled=index == 0, on_click=_go, args=(index - 1,), width="stretch")
    forward.button("Next ▶", key="_lesson_next", disabled=index == len(beats) - 1, on_click=_go, args=(index + 1,),
                   width="stretch")
    right, answered, asked = score(lesson_id, beats)
    title = f" · {literal(beats[index].title, 80)}" if beats[index].title else ""
    middle.markdown(f"**Beat {index + 1} of {len(beats)}**{title}"
                    + (f" · score {right}/{answered}" if answered else "") + (f" · {verdict}" if verdict else ""))
    st.html(_KEYS_JS, unsafe_allow_javascript=True)


def _ask(beat: ld.Beat, lesson_id: str, index: int) -> None:
    """A predict question and its choices (each a button); the right one is computed from the view."""
    st.markdown(f"#### 🤔 {literal(beat.predict, 300)}")
    for column, choice in zip(st.columns(len(beat.choices)), beat.choices):
        column.button(choice, key=f"_lesson_choice_{index}_{choice}", on_click=_choose,
                      args=(lesson_id, index, choice, beat), width="stretch")


def _verdict(beat: ld.Beat, lesson_id: str, index: int) -> str | None:
    got = st.session_state.get(ANSWERS, {}).get((lesson_id, index))
    if not beat.predict or got is None:
        return None
    if got[1] is None:
        return "⚠️ The answer could not be computed for this view, so this choice is not scored."
    right = ld.correct_choice(beat)
    return (f"✅ Right: {literal(right)}." if got[1]
            else f"❌ You said {literal(got[0])}; what the page computes for this view is {literal(right)}.")


# -- after the controls ------------------------------------------------------------------------------

_WARM: list = []  # the answers' warm-up thread, once per server process


def warm_answers() -> None:
    """Once per server, in the background: compute every page's predict answers (each is cached), so
    that answering a question on a warm server only reruns the page. Like `ui.warmup` (whose switch,
    GALLERY_WARMUP=0, it honours) it starts after a page is drawn, and it waits for that warm-up to
    finish first, so that two background threads never import the pages' modules side by side."""
    import os
    import threading
    import time

    from ui import warmup

    if _WARM or os.environ.get("GALLERY_WARMUP", "1") == "0":
        return

    def work() -> None:
        from ui.catalogue import PAGES
        deadline = time.time() + 600
        while warmup.status()["finished"] is None and time.time() < deadline:
            time.sleep(1.0)
        for page in PAGES:
            for beat in ld.page_lesson(page.slug):
                if beat.predict:
                    try:
                        ld.correct_choice(beat)
                    except Exception:  # noqa: BLE001  (a failing answer shows when someone answers; tests catch it)
                        pass

    _WARM.append(threading.Thread(target=work, name="lesson-answers", daemon=True))
    _WARM[0].start()


def after_controls() -> None:
    """Every control has run: fill the beat bar (the sentence only while the view is still the beat's)."""
    run = run_state()
    if "beat_bar" not in run:
        return
    warm_answers()
    lesson_id, beats, index = run["lesson"]
    beat = beats[index]
    with run["beat_bar"]:
        _bar(beats, index, lesson_id, _verdict(beat, lesson_id, index) or "")
        if ld.params_match(beat, url_params()):
            st.markdown(f"**{literal(beat.say)}**")  # the slide's subtitle (bold, no heading anchor)
        else:
            st.caption("The view has changed since this beat opened, so its sentence is not shown.")
            st.button("↺ Back to the beat's view", key="_lesson_reset", on_click=_go, args=(index,))


def student_view() -> None:
    """Normal mode, under the hero: the lesson's beats, each question before its view."""
    run = run_state()
    if "lesson" not in run or is_presenting():
        return
    lesson_id, beats, _ = run["lesson"]
    if not beats:
        return
    right, answered, asked = score(lesson_id, beats)
    label = (f"🎓 Lesson: {len(beats)} beats, {asked} questions to predict"
             + (f" · your score {right}/{answered}" if answered else ""))
    with st.expander(label):
        # (markdown, not a caption: the pages' tests read the captions under their charts by position)
        st.markdown("*Predict first, then open the view to see what the model does. Your score stays in this "
                    "browser session. On stage (presenter mode) the arrow keys step through the beats.*")
        page = run["page"]
        for i, beat in enumerate(beats):
            where = "" if beat.page == page.slug else f" ({by_slug(beat.page).title})"
            st.markdown(f"**{i + 1}. {literal(beat.title or 'Beat', 80)}**{where}"
                        + (f" — *{literal(beat.asks, 200)}*" if beat.asks else ""))
            verdict = _verdict(beat, lesson_id, i)
            if beat.predict and verdict is None:
                st.markdown(f"🤔 {literal(beat.predict, 300)}")
                with st.container(horizontal=True):
                    for choice in beat.choices:
                        st.button(choice, key=f"_lesson_pick_{i}_{choice}", on_click=_choose,
                                  args=(lesson_id, i, choice, beat))
                continue
            if verdict:
                st.markdown(verdict)
            st.text(beat.say)
            st.button("Open this view", key=f"_lesson_open_{i}", on_click=_go, args=(i,))

