"""A synthetic translation task with a visible alignment: human-written dates -> ISO dates.

"3 may 1971 and the twenty-first of march, 1998" -> "1971-05-03 1998-03-21". One to three dates
per input, in formats of very different lengths, so the information to carry grows with the input:
a fixed-size context vector has to squeeze it all in, attention does not (the bottleneck lesson).
"""
from __future__ import annotations

import datetime as dt
import random

import torch

MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december")
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
ONES = ("", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
ORDINAL_ONES = ("", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth")
FIRST, LAST = dt.date(1950, 1, 1), dt.date(2049, 12, 31)

IN_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789 ,./-';"
OUT_CHARS = "0123456789- "
PAD, SOS, EOS = 0, 1, 2  # special ids shared by both vocabularies; characters start at 3
MAX_DATES = 3
OUT_LEN = 11 * MAX_DATES - 1  # "YYYY-MM-DD YYYY-MM-DD YYYY-MM-DD"
MAX_IN = 160  # longest input the models accept (longer text is cut)
JOINERS = (" and ", "; ", ", then ", " / ")


def ordinal_words(n: int) -> str:
    """1 -> "first", 21 -> "twenty-first", 30 -> "thirtieth"."""
    special = {10: "tenth", 11: "eleventh", 12: "twelfth", 13: "thirteenth", 14: "fourteenth",
               15: "fifteenth", 16: "sixteenth", 17: "seventeenth", 18: "eighteenth",
               19: "nineteenth", 20: "twentieth", 30: "thirtieth"}
    if n in special:
        return special[n]
    if n < 10:
        return ORDINAL_ONES[n]
    return ("twenty-" if n < 30 else "thirty-") + ORDINAL_ONES[n % 10]


def suffix(n: int) -> str:
    return "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


FORMATS = (  # each takes a date and returns a human-written string
    lambda d: f"{d.day}/{d.month}/{d.year}",
    lambda d: f"{d.day:02d}.{d.month:02d}.{d.year % 100:02d}",
    lambda d: f"{d.day} {MONTHS[d.month - 1][:3]} {d.year}",
    lambda d: f"{MONTHS[d.month - 1]} {d.day}, {d.year}",
    lambda d: f"{d.day}{suffix(d.day)} {MONTHS[d.month - 1]} {d.year}",
    lambda d: f"{DAYS[d.weekday()]}, {d.day} {MONTHS[d.month - 1]} {d.year}",
    lambda d: f"{DAYS[d.weekday()][:3]} {MONTHS[d.month - 1][:3]} {d.day:02d} '{d.year % 100:02d}",
    lambda d: f"the {ordinal_words(d.day)} of {MONTHS[d.month - 1]}, {d.year}",
    lambda d: f"{DAYS[d.weekday()]} the {ordinal_words(d.day)} of {MONTHS[d.month - 1]} {d.year}",
)


def iso(d: dt.date) -> str:
    return d.isoformat()


def random_pairs(n: int, seed: int, max_dates: int = MAX_DATES) -> list[tuple[str, str]]:
    """n (human, iso) pairs, each with 1..max_dates uniformly random dates in random formats.
    Two-digit years follow one rule: 50-99 -> 19xx, 00-49 -> 20xx (the range is 1950-2049)."""
    rng = random.Random(seed)
    span = (LAST - FIRST).days
    pairs = []
    for _ in range(n):
        days = [FIRST + dt.timedelta(days=rng.randint(0, span)) for _ in range(rng.randint(1, max_dates))]
        human = rng.choice(JOINERS).join(rng.choice(FORMATS)(d) for d in days)
        pairs.append((human, " ".join(iso(d) for d in days)))
    return pairs


def encode_input(text: str) -> list[int]:
    """Characters -> ids (unknown characters dropped), cut to MAX_IN, then EOS."""
    ids = [IN_CHARS.index(c) + 3 for c in text.lower() if c in IN_CHARS][:MAX_IN]
    return ids + [EOS]


def encode_output(text: str) -> list[int]:
    return [OUT_CHARS.index(c) + 3 for c in text] + [EOS]


def decode_output(ids: list[int]) -> str:
    """Ids -> text, stopping at the first EOS."""
    out = []
    for i in ids:
        if i == EOS:
            break
        if i >= 3:
            out.append(OUT_CHARS[i - 3])
    return "".join(out)


def input_tokens(text: str) -> list[str]:
    """What the encoder sees, one label per position (for the alignment matrix axes)."""
    return [c for c in text.lower() if c in IN_CHARS][:MAX_IN] + ["<eos>"]


def pad(rows: list[list[int]]) -> torch.Tensor:
    """Id lists -> (B, longest) tensor, 0 = padding."""
    out = torch.zeros(len(rows), max(map(len, rows)), dtype=torch.long)
    for i, r in enumerate(rows):
        out[i, :len(r)] = torch.tensor(r)
    return out


def encode_pairs(pairs: list[tuple[str, str]]) -> tuple[torch.Tensor, torch.Tensor]:
    """(human, ISO) pairs -> padded (input ids, output ids)."""
    return pad([encode_input(h) for h, _ in pairs]), pad([encode_output(i) for _, i in pairs])
