"""Lessons, pure (no streamlit import): a page's lesson read from its text file, the answers of its
predict questions computed by the page's own functions (a teacher's own lessons as files and links:
`ui.lesson_files`).

A lesson is a list of beats. A beat is a view (the page's own URL parameters, so a beat is a
permalink), the sentence a speaker says over it, the curriculum question it answers, and optionally
a predict question with 2–4 choices whose correct choice is computed by a named function of the
page's logic (`demos/<slug>/lesson.py`, or `demos/<slug>.py` for a one-module page) from the view.

In `pages/NN_<slug>.md`:

    ## Lesson
    ### Title of the beat
    view: surface=rosenbrock&steps=300      (the URL query of the view; empty = the default view)
    say: One or two sentences the speaker says (true whatever the numbers on screen).
    asks: The curriculum question the beat answers.
    predict: Which optimiser reaches the tolerance first?      (optional, with the two lines below)
    choices: SGD | Momentum | Adam
    answer: first_to_tolerance              (a function name: never the answer itself)
"""
from __future__ import annotations

import functools
import importlib
from dataclasses import dataclass, field
from typing import Callable, Mapping
from urllib.parse import parse_qsl

from ui.catalogue import by_slug
from ui.texts import page_text

LESSON_PARAM = "lesson"  # ?lesson=<base64url(zlib(JSON))>: a teacher's own lesson
BEAT_PARAM = "beat"  # ?beat=N (1-based): open the lesson at beat N
RESERVED = ("embed", "embed_options", "present", BEAT_PARAM, LESSON_PARAM)
MIN_BEATS, MAX_PAGE_BEATS = 4, 8  # a page's own lesson
MAX_SAY = 400  # characters of a teacher's sentence
FIELDS = ("view", "say", "asks", "predict", "choices", "answer")


@dataclass(frozen=True)
class Beat:
    page: str  # slug of the page the beat shows
    params: tuple[tuple[str, str], ...]  # the view's URL parameters, sorted
    say: str  # the speaker's sentence (a teacher's: plain text, shown literally)
    title: str = ""
    asks: str = ""  # the curriculum question it answers
    predict: str = ""  # a question asked before the view is shown ("" = none)
    choices: tuple[str, ...] = ()
    answer: str = ""  # name of the function that computes the right choice from the view
    extra: tuple = field(default=(), compare=False)

    @property
    def query(self) -> dict[str, str]:
        return dict(self.params)


# -- a page's own lesson, from its text file ---------------------------------------------------------

def parse_query(query: str) -> tuple[tuple[str, str], ...]:
    """`a=1&b=x` -> (("a", "1"), ("b", "x")), sorted; a key given twice or a part without `=` is an error."""
    pairs = parse_qsl(query.strip(), keep_blank_values=True, strict_parsing=bool(query.strip()))
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        raise ValueError(f"a parameter is given twice in {query!r}")
    return tuple(sorted(pairs))


def parse_lesson(markdown: str, slug: str) -> list[Beat]:
    """The beats of a `## Lesson` section body. Raises ValueError (with the beat's title) on a line
    that is not `field: value`, an unknown field, a missing `say`, or a predict without choices or
    answer function."""
    blocks: list[tuple[str, dict[str, str]]] = []
    for line in markdown.splitlines():
        if line.startswith("### "):
            blocks.append((line[4:].strip(), {}))
        elif line.strip():
            if not blocks:
                raise ValueError(f"{slug}: lesson text before the first “### ” beat: {line!r}")
            name, sep, value = line.partition(":")
            name = name.strip().lower()
            if not sep or name not in FIELDS:
                raise ValueError(f"{slug}, beat “{blocks[-1][0]}”: {line!r} is not one of {', '.join(FIELDS)}")
            blocks[-1][1][name] = value.strip()
    beats = []
    for title, f in blocks:
        if not f.get("say"):
            raise ValueError(f"{slug}, beat “{title}”: no “say:” sentence")
        choices = tuple(c.strip() for c in f.get("choices", "").split("|") if c.strip())
        if f.get("predict") and not (2 <= len(choices) <= 4 and f.get("answer")):
            raise ValueError(f"{slug}, beat “{title}”: a predict question needs 2–4 choices and an answer function")
        beats.append(Beat(slug, parse_query(f.get("view", "")), f["say"], title, f.get("asks", ""),
                          f.get("predict", ""), choices if f.get("predict") else (), f.get("answer", "")))
    return beats


@functools.lru_cache(maxsize=None)
def page_lesson(slug: str) -> tuple[Beat, ...]:
    """A page's own lesson, from the `## Lesson` section of its text file (() when it has none)."""
    text = page_text(by_slug(slug).text_file)
    return tuple(parse_lesson(text.sections["Lesson"], slug)) if "Lesson" in text.sections else ()


def answer_function(slug: str, name: str) -> Callable[[Mapping[str, str]], str]:
    """The page's function `name` that computes a predict answer: looked up only in the page's own
    lesson module (`demos.<slug>.lesson`, or `demos.<slug>` for a one-module page), never imported
    from anywhere a lesson names."""
    page = by_slug(slug)
    module = importlib.import_module(f"demos.{slug}.lesson" if page.demos.is_dir() else f"demos.{slug}")
    fn = getattr(module, name, None) if name.isidentifier() and not name.startswith("_") else None
    if not callable(fn):
        raise ValueError(f"{slug}: no answer function {name!r} in {module.__name__}")
    return fn


@functools.lru_cache(maxsize=256)
def _answer(slug: str, name: str, params: tuple[tuple[str, str], ...]) -> str:
    return answer_function(slug, name)(dict(params))


def correct_choice(beat: Beat) -> str:
    """The right choice of a beat's predict question, computed from its view by the page's function
    (cached: the same view always gives the same answer). Raises ValueError if the function returns
    something that is not one of the choices."""
    got = _answer(beat.page, beat.answer, beat.params)
    if got not in beat.choices:
        raise ValueError(f"{beat.page}, beat “{beat.title}”: {beat.answer} gave {got!r}, not one of {beat.choices}")
    return got


def check_page_lesson(slug: str) -> list[str]:
    """What is wrong with a page's own lesson (empty when nothing): beat count, predict count,
    parameters the page does not have."""
    beats, problems = page_lesson(slug), []
    if not MIN_BEATS <= len(beats) <= MAX_PAGE_BEATS:
        problems.append(f"{slug}: {len(beats)} beats (a lesson has {MIN_BEATS}–{MAX_PAGE_BEATS})")
    if sum(bool(b.predict) for b in beats) < 2:
        problems.append(f"{slug}: fewer than two predict questions")
    known = set(by_slug(slug).params)
    for b in beats:
        problems += [f"{slug}, beat “{b.title}”: unknown parameter {k!r}" for k, _ in b.params if k not in known]
    return problems


def params_match(beat: Beat, view: Mapping[str, str]) -> bool:
    """Whether a view (the page's current URL parameters, defaults included) is still the beat's."""
    return all(view.get(k, v) == v for k, v in beat.params)
