"""Lessons, pure (no streamlit import): a page's lesson read from its text file, the answers of its
predict questions computed by the page's own functions, and teachers' own lessons encoded for a link
or a JSON file and validated on the way back in (like a manifest: a clear message, never a traceback).

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

import base64
import binascii
import functools
import importlib
import json
import zlib
from dataclasses import dataclass, field
from typing import Callable, Mapping
from urllib.parse import parse_qsl

from ui.catalogue import PAGES, PageInfo, by_slug
from ui.texts import page_text

LESSON_PARAM = "lesson"  # ?lesson=<base64url(zlib(JSON))>: a teacher's own lesson
BEAT_PARAM = "beat"  # ?beat=N (1-based): open the lesson at beat N
RESERVED = ("embed", "embed_options", "present", BEAT_PARAM, LESSON_PARAM)
MIN_BEATS, MAX_PAGE_BEATS = 4, 8  # a page's own lesson
MAX_BEATS = 50  # a teacher's lesson
MAX_SAY = 400  # characters of a teacher's sentence
MAX_VALUE_CHARS = 4000  # one parameter value (the attention page's text fits)
MAX_LINK_CHARS = 6000  # the lesson= token: browsers and servers accept URLs of ~8 kB
MAX_FILE_BYTES = 256 * 1024  # an uploaded lesson file
MAX_JSON_DEPTH = 6
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


# -- a teacher's own lesson: JSON, link, validation ---------------------------------------------------

def to_doc(beats: list[Beat]) -> dict:
    """The JSON form of a lesson: {"lesson": 1, "beats": [{"page", "params", "say"}, ...]}."""
    return {"lesson": 1, "beats": [{"page": b.page, "params": b.query, "say": b.say} for b in beats]}


def to_json(beats: list[Beat]) -> str:
    return json.dumps(to_doc(beats), indent=2, ensure_ascii=False)


def encode(beats: list[Beat]) -> str:
    """The lesson as a URL-safe token: base64url of zlib-compressed compact JSON (no padding)."""
    raw = json.dumps(to_doc(beats), separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode("ascii").rstrip("=")


def link_problem(token: str) -> str | None:
    """Why a token cannot travel in a link (None when it can)."""
    if len(token) > MAX_LINK_CHARS:
        return (f"this lesson's link would be {len(token):,} characters, over the {MAX_LINK_CHARS:,} a URL "
                "safely carries: share its JSON file instead, or shorten the sentences")
    return None


def _depth(text: str) -> int:
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            escaped = not escaped and ch == "\\"
            in_string = escaped or ch != '"'
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def from_json(text: str) -> tuple[list[Beat], list[str]]:
    """(beats, what was left out and why) from a lesson's JSON text. Raises ValueError with a message
    for the person who sent it when no beat can be used."""
    if len(text) > MAX_FILE_BYTES:
        raise ValueError(f"it holds {len(text):,} characters; a lesson is at most {MAX_FILE_BYTES:,}")
    if _depth(text) > MAX_JSON_DEPTH:
        raise ValueError(f"its JSON nests deeper than {MAX_JSON_DEPTH} levels")
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError) as err:
        raise ValueError("it is not valid JSON") from err
    if not isinstance(doc, dict) or not isinstance(doc.get("beats"), list):
        raise ValueError("it has no list of “beats”: not a lesson of this gallery")
    if len(doc["beats"]) > MAX_BEATS:
        raise ValueError(f"it has {len(doc['beats']):,} beats; a lesson has at most {MAX_BEATS}")
    if not doc["beats"]:
        raise ValueError("it has no beats")
    slugs = {p.slug: p for p in PAGES}
    beats, ignored = [], []
    for i, item in enumerate(doc["beats"], 1):
        if not isinstance(item, dict) or not isinstance(item.get("page"), str):
            ignored.append(f"beat {i} (no page named)")
            continue
        page = slugs.get(item["page"])
        if page is None:
            ignored.append(f"beat {i} (no page “{_quote(item['page'])}” in this gallery)")
            continue
        params, problems = _params(item.get("params", {}), page)
        say = item.get("say", "")
        if not isinstance(say, str):
            problems.append("its sentence is not text")
            say = ""
        if len(say) > MAX_SAY:
            problems.append(f"its sentence was cut to {MAX_SAY} characters")
            say = say[:MAX_SAY]
        ignored += [f"beat {i}: {p}" for p in problems]
        beats.append(Beat(page.slug, params, say))
    if not beats:
        raise ValueError("none of its beats names a page of this gallery: " + "; ".join(ignored[:4]))
    return beats, ignored


def _params(raw, page: PageInfo) -> tuple[tuple[tuple[str, str], ...], list[str]]:
    if not isinstance(raw, dict):
        return (), ["its parameters are not a name → value map; opened the default view"]
    known, params, problems = set(page.params), {}, []
    for key, value in raw.items():
        shown = _quote(key) or "(empty name)"
        if key not in known or key.lower() in RESERVED:
            problems.append(f"“{shown}” is not a parameter of {page.title}")
        elif isinstance(value, bool) or not isinstance(value, (str, int, float)):
            problems.append(f"“{shown}” is not text or a number")
        elif len(str(value)) > MAX_VALUE_CHARS:
            problems.append(f"“{shown}” is longer than {MAX_VALUE_CHARS:,} characters")
        else:
            params[key] = str(value)
    return tuple(sorted(params.items())), problems


def decode(token: str) -> tuple[list[Beat], list[str]]:
    """(beats, what was left out) from a `lesson=` token. Raises ValueError with a clear message."""
    if len(token) > MAX_LINK_CHARS * 2:
        raise ValueError(f"the link's lesson is {len(token):,} characters long; at most {MAX_LINK_CHARS:,} are read")
    if not token or not set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"):
        raise ValueError("the link's lesson is not base64url text (was the link cut short or changed?)")
    try:
        packed = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError) as err:
        raise ValueError("the link's lesson is not base64url text (was the link cut short?)") from err
    try:
        inflater = zlib.decompressobj()
        raw = inflater.decompress(packed, MAX_FILE_BYTES + 1)
    except zlib.error as err:
        raise ValueError("the link's lesson is not compressed data (was the link cut short?)") from err
    if len(raw) > MAX_FILE_BYTES or inflater.unconsumed_tail:
        raise ValueError(f"the link's lesson unpacks to more than {MAX_FILE_BYTES:,} bytes")
    if not inflater.eof:
        raise ValueError("the link's lesson is not complete compressed data (was the link cut short?)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ValueError("the link's lesson is not UTF-8 text") from err
    return from_json(text)


def _quote(raw) -> str:
    from demos.text import quote
    return quote(str(raw))


def params_match(beat: Beat, view: Mapping[str, str]) -> bool:
    """Whether a view (the page's current URL parameters, defaults included) is still the beat's."""
    return all(view.get(k, v) == v for k, v in beat.params)
