"""Text and number helpers every page's captions share (kit: no page-specific logic).

- `quote`: the one way an untrusted string (a URL value, a file name, a typed expression, a CSV label,
  a manifest field) is made short and inert before it goes into a message: it renders as literal text
  in Streamlit's Markdown (no link, image, emphasis, HTML, LaTeX or :colour[...] directive).
- `shorten`: the same string cut and made printable, for places that do not render Markdown (chart
  labels, tables, code blocks).
- `literal`: any text (no cut) made Markdown-inert, for a message that shows a whole user string.
- `chart_text`: a user string made inert for a Plotly label (Plotly reads <a href>, <b>, %{...}).
- `NUMBER`, `ascii_number`: a number as people type it in ASCII (Python's float() also takes 1_0, ١٠, ７, 𝟓,
  " 5 ", "infinity": a URL value, a CSV cell or a typed value is read through these instead).
- `num`, `pow10`, `signed`: numbers for people (a real minus sign, a few significant digits).
"""
from __future__ import annotations

import math
import re
import string

QUOTE_LIMIT = 40  # characters of an untrusted string shown in a message


MARKDOWN_SPECIAL = frozenset(string.punctuation)  # CommonMark lets a backslash escape any ASCII punctuation


WORD_JOINER = "\u2060"  # invisible and zero-width: it splits a would-be address without changing what shows
# GFM finds bare addresses (www.x.org, http://x, a@b.org) in the text after escapes are read, so a
# backslash cannot stop them: a word joiner after "www", after the ":" of "://" and after "@" does
AUTOLINK = re.compile(r"(?i)www(?=\.)|:(?=//)|@")


def shorten(raw: object, limit: int = QUOTE_LIMIT) -> str:
    """An untrusted string cut to `limit` characters (then "…") with every character that does not print
    as itself (controls, format characters such as the right-to-left override U+202E, zero-width and
    unusual spaces) written as its escape (\\x00, \\u202e). Printable letters of any script stay as they
    are ("été", "猫"). Plain text: for charts and tables, not for Markdown (see `quote`)."""
    text = str(raw)
    shown = "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text[:limit])
    return shown + ("…" if len(text) > limit else "")


def literal(text: str) -> str:
    """`text` as Markdown that renders exactly as `text`: every ASCII punctuation character gets a
    backslash (links, images, emphasis, HTML tags, `$` LaTeX, `:colour[...]` directives, headings,
    lists, tables all need one), a line break becomes a space, and a bare address (www.x.org, http://x,
    a@b.org) gets an invisible word joiner (U+2060) that keeps GFM from linking it. Not for
    inside a `code span` (a backslash there shows): call sites put quoted values in “quotes” instead."""
    flat = " ".join(str(text).splitlines())
    flat = AUTOLINK.sub(lambda m: m.group(0) + WORD_JOINER, flat)
    return "".join("\\" + c if c in MARKDOWN_SPECIAL else c for c in flat)


def quote(raw: object, limit: int = QUOTE_LIMIT) -> str:
    """An untrusted string made short and inert for a Markdown message (st.error, st.warning, captions):
    `shorten`, then `literal`. It renders as the shortened text itself, never as markup."""
    return literal(shorten(raw, limit))


def chart_text(raw: object) -> str:
    """A (short) user string for a Plotly title, label or hover template: Plotly renders a few HTML tags
    (<a href=…> a live link, <b>, <br>) and fills %{…} in templates, so &, <, > and % become numeric
    character references, which Plotly shows as the characters themselves."""
    return "".join(f"&#{ord(c)};" if c in "&<>%" else c for c in str(raw))


NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", re.ASCII)  # 1, -2.5, .5, 3e-4, 1.e3


def ascii_number(raw: str) -> float:
    """`raw` as a float when it is written with ASCII digits (NUMBER, nothing around it), else ValueError."""
    if NUMBER.fullmatch(raw) is None:
        raise ValueError(f"not an ASCII number: {raw!r}")
    return float(raw)


def num(v: float) -> str:
    """A number for people: 3 significant digits, a real minus sign, "—" for inf and NaN."""
    if not math.isfinite(v):
        return "—"
    return (f"{v:.3g}" if abs(v) >= 1e-3 or v == 0 else f"{v:.2e}").replace("-", "−")


def signed(v: float, fmt: str = ".2f") -> str:
    """`v` in format `fmt` with a real minus sign ("−0.25"); a value that rounds to 0 shows no sign."""
    text = format(abs(v), fmt)
    return text if v >= 0 or float(text) == 0 else f"−{text}"


SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def pow10(x: float) -> str:
    """10 to the nearest integer power of `x`, typeset: 1e-6 -> '10⁻⁶'."""
    return "10" + str(round(math.log10(x))).translate(SUPERSCRIPTS)


def json_depth(text: str) -> int:
    """Deepest bracket nesting of a JSON text, strings skipped, without parsing it: uploads and links
    are refused by depth before `json.loads` could recurse on them."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if escaped:  # the character after a backslash is part of the string, a quote included
            escaped = False
        elif in_string:
            escaped = ch == "\\"
            in_string = ch != '"'
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest
