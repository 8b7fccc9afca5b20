"""Lessons, the pure side (ui/lesson_data.py): the text-file format, every page's lesson (beats,
predict questions, answers recomputed from the view), a teacher's lesson through its link and its
file, and a corpus of broken or hostile lessons that must give clear messages."""
from __future__ import annotations

import base64
import json
import zlib

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


# -- a teacher's lesson: link and file ----------------------------------------------------------------

def mixed() -> list[ld.Beat]:
    return [ld.Beat("optimisers", (("surface", "saddle"),), "A saddle: <b>look</b> [here](http://x)"),
            ld.Beat("convolutions", (("stride", "2"),), "Stride two, $x^2$"),
            ld.Beat("model_zoo", (), "")]


def test_a_teachers_lesson_round_trips_through_its_link_and_its_file():
    beats = mixed()
    token = ld.encode(beats)
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), "URL-safe"
    assert ld.decode(token) == (beats, [])
    assert ld.from_json(ld.to_json(beats)) == (beats, [])
    assert ld.link_problem(token) is None


def test_a_lesson_too_long_for_a_link_says_so_and_its_file_still_works():
    import random
    rng = random.Random(0)  # random text does not compress, so the token grows with it
    beats = [ld.Beat("optimisers", (), "".join(rng.choice("abcdefghij klmnop") for _ in range(ld.MAX_SAY)))
             for _ in range(ld.MAX_BEATS)]
    token = ld.encode(beats)
    assert len(token) > ld.MAX_LINK_CHARS
    assert "share its JSON file instead" in ld.link_problem(token)
    assert ld.from_json(ld.to_json(beats))[0] == beats


def pack(obj) -> str:
    raw = obj if isinstance(obj, bytes) else (obj if isinstance(obj, str) else json.dumps(obj)).encode()
    return base64.urlsafe_b64encode(zlib.compress(raw)).decode().rstrip("=")


BROKEN_LINKS = {
    "not base64": ("%%%not*base64", "not base64url"),
    "not compressed": (base64.urlsafe_b64encode(b"plain text").decode().rstrip("="), "not compressed"),
    "bad JSON": (pack("{beats: ["), "not valid JSON"),
    "not a lesson": (pack({"page": "optimisers"}), "no list of “beats”"),
    "no beats": (pack({"beats": []}), "no beats"),
    "10,000 beats": (pack('{"beats":[' + ",".join(['{"page":"optimisers"}'] * 10_000) + "]}"), "10,000 beats"),
    "deep JSON": (pack("[" * 5000 + "]" * 5000), "nests deeper"),
    "zip bomb": (pack(b" " * 2_000_000), "unpacks to more than"),  # a ~2 kB link that inflates to 2 MB
    "not UTF-8": (pack(b"\xff\xfe{}"), "not UTF-8"),
    "unknown page only": (pack({"beats": [{"page": "../../etc/passwd", "params": {}}]}), "no page"),
    "cut short": (pack({"beats": [{"page": "optimisers"}]})[:-6], "cut short"),
    "empty": ("", "not base64url"),
    "huge token": ("A" * (ld.MAX_LINK_CHARS * 3), "characters long"),
}


@pytest.mark.parametrize("name", BROKEN_LINKS)
def test_a_broken_or_hostile_link_gets_a_clear_message(name):
    token, words = BROKEN_LINKS[name]
    with pytest.raises(ValueError) as err:
        ld.decode(token)
    assert words in str(err.value)


def test_a_file_of_10000_beats_is_refused_with_the_cap_named():
    with pytest.raises(ValueError, match=f"10,000 beats; a lesson has at most {ld.MAX_BEATS}"):
        ld.from_json(json.dumps({"beats": [{"page": "optimisers"}] * 10_000}))


def test_usable_beats_are_kept_and_every_bad_part_is_named():
    doc = {"beats": [
        {"page": "optimisers", "params": {"surface": "saddle", "bogus": "1", "present": "1", "kappa": [1]},
         "say": "x" * (ld.MAX_SAY + 5)},
        {"page": "no_such_page", "params": {}},
        "not a beat",
        {"page": "convolutions", "params": "stride=2", "say": 3},
        {"page": "attention", "params": {"text": "y" * (ld.MAX_VALUE_CHARS + 1)}},
    ]}
    beats, ignored = ld.from_json(json.dumps(doc))
    assert [b.page for b in beats] == ["optimisers", "convolutions", "attention"]
    assert beats[0].params == (("surface", "saddle"),) and len(beats[0].say) == ld.MAX_SAY
    assert beats[1].params == () and beats[1].say == "" and beats[2].params == ()
    text = " | ".join(ignored)
    for words in ("“bogus” is not a parameter", "“present” is not a parameter", "“kappa” is not text or a number",
                  "cut to 400", r"no page “no\_such\_page”", "beat 3 (no page named)", "not a name → value map",
                  "not text", "“text” is longer than"):  # names are Markdown-escaped (\_) and shown in quotes
        assert words in text, words
    assert not any(b.predict for b in beats), "a teacher's beat never carries code to run"


def test_a_view_still_matches_its_beat_until_a_beat_parameter_changes():
    beat = ld.Beat("optimisers", (("kappa", "5"),), "")
    assert ld.params_match(beat, {"kappa": "5", "steps": "500"})
    assert not ld.params_match(beat, {"kappa": "6"})
