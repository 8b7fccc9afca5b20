"""Text and number helpers every page's captions share (kit: no page-specific logic).

- `quote`: the one way an untrusted string (a URL value, a file name, a typed expression, a CSV label)
  is made short and inert before it goes into a message.
- `num`, `pow10`, `signed`: numbers for people (a real minus sign, a few significant digits).
"""
from __future__ import annotations

import math

QUOTE_LIMIT = 40  # characters of an untrusted string shown in a message


def quote(raw: str, limit: int = QUOTE_LIMIT) -> str:
    """An untrusted string made short and inert for a message: cut to `limit` characters (then "…");
    every character that does not print as itself (controls, format characters such as the
    right-to-left override U+202E, zero-width and unusual spaces) written as its escape (\x00, \u202e);
    backticks as '. Printable letters of any script stay as they are ("été", "猫")."""
    text = str(raw)
    shown = "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text[:limit])
    return shown.replace("`", "'") + ("…" if len(text) > limit else "")


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
