"""The hostile corpus (tests/hostile_corpus.py) through every typed input and every URL-bound control of
every page, by the real widgets (AppTest): never a traceback, a refused value gets a notice, and no
message, caption or Markdown block holds a hostile string as raw Markdown (it is always escaped, so
it renders as its own characters: tests/gallery/test_browser_hostile.py checks the rendering).
Outcomes (refused / accepted / traceback per input) are written to test-artifacts/hostile_corpus.json."""
from __future__ import annotations

import json
import string

import pytest

from demos.text import literal
from tests.hostile_corpus import MARKUP, NUMBERS, TEXTS
from tests.support import ARTIFACTS, open_page
from ui.catalogue import PAGES

pytestmark = pytest.mark.filterwarnings("ignore")
OUTCOMES = ARTIFACTS / "hostile_corpus.json"
TEXT_INPUTS = {  # input -> (page file, URL that shows it, text_area key)
    "backprop expr": ("pages/08_backprop.py", {"graph": "expression"}, "expr"),
    "backprop values": ("pages/08_backprop.py", {"graph": "expression"}, "values"),
    "convolutions grid": ("pages/09_convolutions.py", {"typed": "1"}, "grid"),
    "convolutions weights": ("pages/09_convolutions.py", {"kernel": "custom"}, "weights"),
    "attention text": ("pages/05_attention.py", {"preset": "custom"}, "text"),
    "recurrent prompt": ("pages/10_recurrent.py", {"view": "Text generation"}, "prompt"),
    "recurrent texts": ("pages/10_recurrent.py", {"view": "Padding and masking"}, "texts"),
    "transfer sentences": ("pages/12_transfer_learning.py", {"view": "Zero-shot"}, "sentences"),
    "transfer labels": ("pages/12_transfer_learning.py", {"view": "Zero-shot"}, "labels"),
}


def record(name: str, outcome: dict) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    data = json.loads(OUTCOMES.read_text()) if OUTCOMES.exists() else {}
    data[name] = outcome
    OUTCOMES.write_text(json.dumps(data, indent=2, ensure_ascii=False))


def shown_markdown(at) -> list[str]:
    """Every Markdown string of the run: messages, captions and Markdown blocks."""
    return [e.value for kind in ("error", "warning", "info", "success", "caption", "markdown") for e in getattr(at, kind)]


def raw_in(at, text: str) -> list[str]:
    """Markdown strings that hold `text` unescaped (only texts with Markdown characters can be told)."""
    pieces = [p for p in text.split() if len(p) >= 3 and set(p) & set(string.punctuation)]
    return [m for m in shown_markdown(at) for p in pieces if p in m.replace(literal(p), "")]  # escaped is fine


@pytest.mark.parametrize("name", list(TEXT_INPUTS))
def test_every_typed_input_takes_the_text_corpus(name):
    file, query, key = TEXT_INPUTS[name]
    at = open_page(file, timeout=240, **query)
    assert not at.exception
    before = len(at.error) + len(at.warning)
    outcome = {"corpus": len(TEXTS), "refused": 0, "accepted": 0, "traceback": 0}
    for label, text in TEXTS.items():
        box = at.text_area(key=key)
        box.input(text[:box.max_chars] if box.max_chars else text).run()  # the browser cuts at max_chars too
        if at.exception:
            outcome["traceback"] += 1
            continue
        assert not raw_in(at, text), (label, raw_in(at, text))
        outcome["refused" if len(at.error) + len(at.warning) > before else "accepted"] += 1
    record(name, outcome)
    assert outcome["traceback"] == 0, outcome


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.slug)
def test_every_url_control_takes_the_markup_and_number_corpus(page):
    """Each control of the page gets a value from MARKUP + NUMBERS (rotating over opens so every value
    meets several controls): it falls back with a notice naming the value, escaped."""
    first = open_page(page.file, timeout=240)
    keys = [w.key for kind in ("slider", "selectbox", "number_input", "toggle", "text_area", "radio")
            for w in getattr(first, kind) if w.key and not w.key.startswith("_")]
    values = list(MARKUP.values()) + list(NUMBERS.values())
    outcome = {"corpus": len(values), "controls": len(keys), "refused": 0, "accepted": 0, "traceback": 0}
    for shift in range(0, len(values), max(1, len(keys))) if keys else ():
        bad = {k: values[(i + shift) % len(values)] for i, k in enumerate(keys)}
        at = open_page(page.file, timeout=240, **bad)
        if at.exception:
            outcome["traceback"] += len(bad)
            continue
        notes = " ".join(w.value for w in at.warning)
        for k, v in bad.items():
            noticed = f"“{literal(k)}=" in notes
            outcome["refused" if noticed else "accepted"] += 1
            # a text box may take any text; every other control must refuse these values
            assert noticed or k in {w.key for w in first.text_area}, (k, v)
        assert not [m for v in bad.values() for m in raw_in(at, v)], bad
    record(f"URL values: {page.slug}", outcome)
    assert outcome["traceback"] == 0, outcome
