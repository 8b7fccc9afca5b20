"""Lessons, the pure side (ui/lesson_data.py): the text-file format and every page's lesson (beats,
predict questions, answers recomputed from the view). A teacher's lesson as a link or a file:
tests/ui/test_lesson_files.py."""
from __future__ import annotations

import pytest

from ui import lesson_data as ld
from ui.catalogue import PAGES, by_slug
from ui.texts import page_text, search

pytestmark = pytest.mark.filterwarnings("ignore")


# -- the format ---------------------------------------------------------------------------------------

GOOD = """### First
view: surface=rosenbrock&steps=300
say: Something true.
asks: What is it?
predict: Which one?
choices: A | B
answer: first_to_tolerance

### Second
view:
say: Another thing.
"""


def test_a_lesson_section_parses_into_beats_with_sorted_parameters():
    beats = ld.parse_lesson(GOOD, "optimisers")
    assert [b.title for b in beats] == ["First", "Second"]
    assert beats[0].params == (("steps", "300"), ("surface", "rosenbrock"))
    assert beats[0].choices == ("A", "B") and beats[0].answer == "first_to_tolerance"
    assert beats[1].params == () and beats[1].predict == "" and beats[1].choices == ()


@pytest.mark.parametrize("text, words", [
    ("say: before any beat", "before the first"),
    ("### T\nsay: x\ncolour: red", "not one of"),
    ("### T\nview: a=1", "no “say:”"),
    ("### T\nsay: x\npredict: Q?\nchoices: only one\nanswer: f", "2–4 choices"),
    ("### T\nsay: x\npredict: Q?\nchoices: A | B", "2–4 choices and an answer"),
    ("### T\nsay: x\nview: a=1&a=2", "twice"),
    ("### T\nsay: x\nview: a=1&&b", ""),
])
def test_a_malformed_lesson_section_names_its_problem(text, words):
    with pytest.raises(ValueError) as err:
        ld.parse_lesson(text, "optimisers")
    assert words in str(err.value)


def test_an_answer_is_looked_up_only_among_the_pages_own_lesson_functions():
    assert ld.answer_function("optimisers", "first_to_tolerance").__module__ == "demos.optimisers.lesson"
    assert ld.answer_function("model_zoo", "lesson_top1").__module__ == "demos.model_zoo"
    for bad in ("os.system", "__import__", "_private", "race", "nope"):
        with pytest.raises(ValueError):
            ld.answer_function("optimisers", bad)


# -- every page's lesson ------------------------------------------------------------------------------

@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.slug)
def test_every_page_has_a_lesson_of_4_to_8_beats_with_two_predict_questions(page):
    beats = ld.page_lesson(page.slug)
    assert ld.check_page_lesson(page.slug) == []
    assert ld.MIN_BEATS <= len(beats) <= ld.MAX_PAGE_BEATS
    assert sum(bool(b.predict) for b in beats) >= 2
    assert all(b.asks for b in beats), "every beat names the curriculum question it answers"
    assert len({b.params for b in beats}) == len(beats), "every beat is a different view"
    # a slide shows the hero only: a beat about a tab would put its sentence over a view it does not show
    assert not any("view" in b.query for b in beats), "a page's beat opens a hero view, not a tab"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.slug)
def test_every_predict_answer_is_recomputed_from_the_view_and_is_one_of_its_choices(page):
    for beat in (b for b in ld.page_lesson(page.slug) if b.predict):
        right = ld.answer_function(page.slug, beat.answer)(beat.query)  # fresh, not the cached one
        assert right in beat.choices, (beat.title, right, beat.choices)
        assert ld.correct_choice(beat) == right


def test_the_lesson_text_holds_no_answer_written_by_hand():
    """An answer line names a function, never a choice."""
    for page in PAGES:
        for beat in ld.page_lesson(page.slug):
            if beat.predict:
                assert beat.answer.isidentifier() and beat.answer not in beat.choices


def test_search_finds_a_beats_question():
    beat = next(b for b in ld.page_lesson("generative") if b.predict)
    assert beat.predict in page_text(by_slug("generative").text_file).lesson_questions
    found = search("do the generated points cover all 8 Gaussians", PAGES)
    assert found[0][0].slug == "generative" and found[0][2] is not None and "Gaussians" in found[0][2]


def test_a_view_still_matches_its_beat_until_a_beat_parameter_changes():
    beat = ld.Beat("optimisers", (("kappa", "5"),), "")
    assert ld.params_match(beat, {"kappa": "5", "steps": "500"})
    assert not ld.params_match(beat, {"kappa": "6"})
