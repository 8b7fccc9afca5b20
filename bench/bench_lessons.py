"""Stepping a page's lesson on stage: server time of each Next ▶ (and of answering a predict beat,
which applies its view) on a warm server, the slowest step per page. Target: < 1 s (issue #30). Every
beat's view is opened once first and the predict answers are computed, as the server's warm-up does.

    python -m bench.run --only lessons
"""
from __future__ import annotations

import time

from bench.common import ROOT, Row
from ui import lesson_data as ld
from ui.catalogue import PAGES


def _click(at, label: str):
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, at.exception


def page_steps(page) -> list[float]:
    """Seconds of each step through `page`'s lesson in presenter mode, after one warm-up pass."""
    from streamlit.testing.v1 import AppTest

    def open_at(**params: str):
        at = AppTest.from_file(str(ROOT / page.file), default_timeout=300)
        for k, v in params.items():
            at.query_params[k] = v
        return at.run()

    beats = ld.page_lesson(page.slug)
    for beat in beats:  # warm: every view drawn once, every answer computed
        open_at(present="1", **beat.query)
        if beat.predict:
            ld.correct_choice(beat)
    at, steps = open_at(present="1", beat="1"), []
    for n, beat in enumerate(beats, 1):
        if beat.predict:
            start = time.perf_counter()
            _click(at, ld.correct_choice(beat))
            steps.append(time.perf_counter() - start)
        if n < len(beats):
            start = time.perf_counter()
            _click(at, "Next ▶")
            steps.append(time.perf_counter() - start)
    return steps


def run() -> list[Row]:
    rows = []
    for page in PAGES:
        steps = page_steps(page)
        rows.append(Row("lessons", f"{page.slug}: slowest of {len(steps)} beat steps on stage (warm)", max(steps),
                        target="< 1 s"))
    return rows
