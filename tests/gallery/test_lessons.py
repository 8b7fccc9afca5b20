"""Lessons on the page (ui/lessons.py) through AppTest: every beat of every page opens on stage with
its parameters applied (a predict beat first asks, then shows its view once answered), Next steps
through them (their time: bench/bench_lessons.py), a student's score, a teacher's mixed-page lesson through its link, and broken
lessons in the URL with clear messages."""
from __future__ import annotations


import pytest

from tests.support import open_page
from ui import lesson_data as ld
from ui import lesson_files as lf
from ui.catalogue import PAGES

pytestmark = pytest.mark.filterwarnings("ignore")


def markdown(at) -> str:
    return " ".join(m.value for m in at.markdown)


def click(at, label: str):
    button = next(b for b in at.button if b.label == label)
    button.click().run()
    assert not at.exception, at.exception
    return at


def applied(at, beat: ld.Beat) -> None:
    """The beat's parameters are in the URL, no URL notice (🔗, 🎓) appeared (the page's own notes,
    e.g. the optimisers' 💥 divergence, may), and its sentence is the subtitle."""
    assert not [w.value for w in at.warning if w.icon in ("🔗", "🎓")]
    for key, value in beat.params:
        assert at.query_params.get(key) == [value] or at.query_params.get(key) == value, (key, at.query_params)
    assert f"**{beat.say}**" in markdown(at).replace("\\", ""), "the sentence is the subtitle, whole"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.slug)
def test_every_beat_opens_on_stage_with_its_parameters_and_next_steps_through_them(page):
    """(How long a step takes is measured by bench/bench_lessons.py: a timed test would fail on a busy host.)"""
    beats = ld.page_lesson(page.slug)
    for beat in beats:  # a warm server: every beat's view was drawn before and the answers' warm-up ran
        assert not open_page(page.file, timeout=300, present="1", **beat.query).exception
        if beat.predict:
            ld.correct_choice(beat)
    at = open_page(page.file, timeout=300, present="1", beat="1")
    for n, beat in enumerate(beats, 1):
        assert not at.exception, at.exception
        assert f"Beat {n} of {len(beats)}" in markdown(at)
        if beat.predict:
            assert beat.predict[:20] in markdown(at).replace("\\", "")
            assert {b.label for b in at.button} >= set(beat.choices)
            assert not at.get("plotly_chart"), "the view stays hidden until the question is answered"
            click(at, ld.correct_choice(beat))  # answering applies the view
            assert "✅ Right" in markdown(at)
        applied(at, beat)
        assert at.query_params["beat"] in ([str(n)], str(n))
        if n < len(beats):
            click(at, "Next ▶")


def test_a_wrong_prediction_is_judged_wrong_and_counted_in_the_score():
    beat = ld.page_lesson("optimisers")[0]
    wrong = next(c for c in beat.choices if c != ld.correct_choice(beat))
    at = open_page("pages/07_optimisers.py", present="1", beat="1")
    click(at, wrong)
    assert "❌" in markdown(at) and "score 0/1" in markdown(at)


def test_beat_n_in_the_url_opens_that_beat_and_a_bad_one_says_so():
    beats = ld.page_lesson("convolutions")
    at = open_page("pages/09_convolutions.py", present="1", beat="5")
    applied(at, beats[4])
    at = open_page("pages/09_convolutions.py", present="1", beat="99")
    assert not at.exception and "beat=99" in " ".join(w.value for w in at.warning)


def test_a_student_answers_in_the_lesson_expander_and_opens_the_view():
    at = open_page("pages/09_convolutions.py")
    lesson = next(e for e in at.expander if e.label.startswith("🎓 Lesson"))
    assert "5 beats, 4 questions to predict" in lesson.label
    beat = ld.page_lesson("convolutions")[2]  # stride 2
    right = ld.correct_choice(beat)
    next(b for b in at.button if b.key == f"_lesson_pick_2_{right}").click().run()
    assert "your score 1/1" in next(e for e in at.expander if e.label.startswith("🎓")).label
    next(b for b in at.button if b.key == "_lesson_open_2").click().run()
    assert not at.exception and at.query_params.get("stride") in ("2", ["2"])
    assert "beat" not in at.query_params, "normal mode: the URL stays a plain permalink"
    assert at.slider(key="stride").value == 2 and not at.warning


def test_a_teachers_mixed_lesson_steps_across_pages_through_its_link():
    beats = [ld.Beat("optimisers", (("surface", "saddle"),), "Look [here](http://evil.example) <b>now</b> $x$"),
             ld.Beat("convolutions", (("stride", "2"),), "Stride two")]
    at = open_page("pages/07_optimisers.py", present="1", beat="1", lesson=lf.encode(beats))
    assert not at.exception and not at.warning
    assert "Beat 1 of 2" in markdown(at) and at.query_params.get("surface") in ("saddle", ["saddle"])
    shown = markdown(at)
    assert "\\[here\\]\\(http\\:" in shown and "<b>" not in shown.replace("\\<b\\>", ""), "literal, never a link"
    click(at, "Next ▶")
    assert at.title[0].value.endswith("Convolutional networks")
    assert "Beat 2 of 2" in markdown(at) and at.slider(key="stride").value == 2


@pytest.mark.parametrize("token, words", [("%%%", "not base64url"), ("AAAA", "not compressed"),
                                          (lf.encode([ld.Beat("optimisers", (), "")])[:-6], "cut short")])
def test_a_broken_lesson_link_gets_a_message_and_the_page_keeps_its_own_lesson(token, words):
    at = open_page("pages/07_optimisers.py", present="1", beat="1", lesson=token)
    assert not at.exception
    notes = " ".join(w.value for w in at.warning)
    assert "Could not open the lesson in this link" in notes and words in notes
    assert f"Beat 1 of {len(ld.page_lesson('optimisers'))}" in markdown(at)


def test_a_lesson_naming_unknown_pages_and_parameters_keeps_what_it_can():
    import json
    import zlib
    import base64
    doc = {"beats": [{"page": "nowhere", "params": {}}, {"page": "optimisers", "params": {"zz": "1", "kappa": "5"}}]}
    token = base64.urlsafe_b64encode(zlib.compress(json.dumps(doc).encode())).decode().rstrip("=")
    at = open_page("pages/07_optimisers.py", present="1", beat="1", lesson=token)
    notes = " ".join(w.value for w in at.warning)
    assert not at.exception and "no page “nowhere”" in notes and "“zz” is not a parameter" in notes
    assert "Beat 1 of 1" in markdown(at) and at.query_params.get("kappa") in ("5", ["5"])


def test_the_share_menu_builds_a_lesson_whose_link_and_file_round_trip():
    at = open_page("pages/09_convolutions.py", stride="2")
    at.text_input(key="_lesson_say").input("Stride [two](http://x)").run()
    next(b for b in at.button if b.key == "_lesson_add").click().run()
    mine = at.session_state["_lesson_mine"]
    assert [(b.page, b.query, b.say) for b in mine] == [("convolutions", {"stride": "2"}, "Stride [two](http://x)")]
    link = next(c.value for c in at.code if "lesson=" in c.value)
    token = link.split("lesson=")[1]
    assert "/convolutions?present=1&beat=1&" in link and lf.decode(token) == (mine, [])
    assert lf.from_json(lf.to_json(mine)) == (mine, [])


def test_the_home_lists_every_lesson_with_a_link_to_its_first_beat_on_stage():
    from streamlit.testing.v1 import AppTest
    from tests.support import ROOT
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60).run()
    links = {p.proto.page: p.proto for p in at.get("page_link") if "beats" in p.proto.label}
    assert set(links) == {p.slug for p in PAGES}
    for page in PAGES:
        beats = ld.page_lesson(page.slug)
        link = links[page.slug]
        # e.g. "Model zoo: 4 beats, 3 🤔": counted from the page's text file, not typed
        assert link.label == f"{page.title}: {len(beats)} beats, {sum(bool(b.predict) for b in beats)} 🤔"
        assert link.query_string == "present=1&beat=1"


def test_a_page_with_a_lesson_computes_no_answer_until_someone_answers(monkeypatch):
    calls = []
    real = ld.correct_choice
    monkeypatch.setattr(ld, "correct_choice", lambda beat: calls.append(beat) or real(beat))
    at = open_page("pages/07_optimisers.py")
    assert not at.exception and calls == []
    beat = ld.page_lesson("optimisers")[0]
    next(b for b in at.button if b.key == f"_lesson_pick_0_{beat.choices[0]}").click().run()
    assert calls and calls[0] == beat


def test_the_teacher_reorders_and_removes_beats_from_several_pages():
    at = open_page("pages/09_convolutions.py", stride="2")
    next(b for b in at.button if b.key == "_lesson_add").click().run()
    at.switch_page("pages/07_optimisers.py").run()
    at.query_params["surface"] = "saddle"
    at.text_input(key="_lesson_say").input("A saddle").run()
    next(b for b in at.button if b.key == "_lesson_add").click().run()
    assert [b.page for b in at.session_state["_lesson_mine"]] == ["convolutions", "optimisers"]
    next(b for b in at.button if b.key == "_lesson_up_1").click().run()
    assert [b.page for b in at.session_state["_lesson_mine"]] == ["optimisers", "convolutions"]
    next(b for b in at.button if b.key == "_lesson_remove_0").click().run()
    assert [(b.page, b.query) for b in at.session_state["_lesson_mine"]] == [("convolutions", {"stride": "2"})]
    assert not at.exception


def test_an_answer_that_fails_to_compute_is_said_and_not_scored(monkeypatch):
    def broken(beat):
        raise RuntimeError("weights missing")
    monkeypatch.setattr(ld, "correct_choice", broken)
    at = open_page("pages/09_convolutions.py", present="1", beat="1")
    click(at, "12")
    assert "could not be computed" in markdown(at) and "score 0/" not in markdown(at) and "score 1/" not in markdown(at)


def test_a_broken_lesson_section_gives_a_message_not_a_traceback(monkeypatch):
    def broken(slug):
        raise ValueError("convolutions, beat “x”: no “say:” sentence")
    monkeypatch.setattr(ld, "page_lesson", broken)
    at = open_page("pages/09_convolutions.py", present="1", beat="1")
    assert not at.exception
    assert "lesson cannot be read" in " ".join(w.value for w in at.warning)
    assert at.get("plotly_chart") or at.get("image"), "the page itself still works"
