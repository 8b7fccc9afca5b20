"""A teacher's own lesson as a file or a link, pure (no streamlit import): written as JSON, packed
into a URL-safe `lesson=` token, and read back like a manifest — every limit checked before parsing,
what cannot be used left out with a reason, a clear message (never a traceback) when nothing can.

The JSON form: {"lesson": 1, "beats": [{"page": slug, "params": {name: value}, "say": sentence}, ...]}.
"""
from __future__ import annotations

import base64
import binascii
import json
import zlib

from demos.text import json_depth, quote
from ui.catalogue import PAGES, PageInfo
from ui.lesson_data import MAX_SAY, RESERVED, Beat

MAX_BEATS = 50  # a teacher's lesson
MAX_VALUE_CHARS = 4000  # one parameter value (the attention page's text fits)
MAX_LINK_CHARS = 6000  # the lesson= token: browsers and servers accept URLs of ~8 kB
MAX_FILE_BYTES = 256 * 1024  # an uploaded lesson file
MAX_JSON_DEPTH = 6


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


def from_json(text: str) -> tuple[list[Beat], list[str]]:
    """(beats, what was left out and why) from a lesson's JSON text. Raises ValueError with a message
    for the person who sent it when no beat can be used."""
    if len(text) > MAX_FILE_BYTES:
        raise ValueError(f"it holds {len(text):,} characters; a lesson is at most {MAX_FILE_BYTES:,}")
    if json_depth(text) > MAX_JSON_DEPTH:
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
    return quote(str(raw))
