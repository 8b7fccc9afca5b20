"""Lessons in a real Chromium (tests/browser_support.py): the arrow keys step the beats in presenter
mode, the URL follows, a step's time is recorded (test-artifacts/browser_timings.json; no bound: a timed test fails on a busy host); every beat of every page opens from its `?beat=N` link with
its parameters applied (a predict beat asks first)."""
from __future__ import annotations

import re
import time

import pytest

from tests.browser_support import IDLE, new_page, record, wait_rendered
from ui import lesson_data as ld
from ui.catalogue import PAGES, by_slug

pytestmark = pytest.mark.browser


def beat_shown(page, n: int, total: int, timeout: float = 60_000) -> None:
    from playwright.sync_api import expect
    expect(page.get_by_text(f"Beat {n} of {total}", exact=False).first).to_be_visible(timeout=timeout)
    page.wait_for_selector(IDLE, timeout=timeout)


def test_arrow_keys_step_the_beats_in_presenter_mode_and_the_url_follows(browser, server):
    url, _ = server
    info, beats = by_slug("convolutions"), ld.page_lesson("convolutions")
    page = new_page(browser)
    page.goto(f"{url}/convolutions?present=1&beat=5")
    wait_rendered(page, info.title)
    beat_shown(page, 5, len(beats))
    assert "typed=1" in page.url and "beat=5" in page.url
    page.wait_for_function("document.__lessonKeys === true", timeout=30_000)  # the key listener is in place
    page.get_by_role("heading", level=1).first.click()  # focus the page, not a widget
    page.keyboard.press("ArrowLeft")  # beat 4 asks its question first
    beat_shown(page, 4, len(beats))
    page.get_by_text(beats[3].predict[:25]).first.wait_for(timeout=30_000)
    page.get_by_role("button", name=ld.correct_choice(beats[3]), exact=True).click()
    page.get_by_text("✅ Right").first.wait_for(timeout=30_000)
    page.wait_for_selector(IDLE)
    assert "dilation=2" in page.url and "beat=4" in page.url
    page.wait_for_function("document.__lessonKeys === true", timeout=30_000)
    page.get_by_role("heading", level=1).first.click()
    start = time.perf_counter()
    page.keyboard.press("ArrowRight")
    page.wait_for_url(re.compile(r"beat=5"), timeout=30_000)
    beat_shown(page, 5, len(beats))
    seconds = time.perf_counter() - start
    record("lesson_arrow_step_s", round(seconds, 3))
    assert "typed=1" in page.url
    page.context.close()


@pytest.mark.parametrize("info", PAGES, ids=lambda p: p.slug)
def test_every_beat_opens_from_its_link_with_its_parameters(browser, server, info):
    url, _ = server
    beats = ld.page_lesson(info.slug)
    page = new_page(browser)
    for n, beat in enumerate(beats, 1):
        page.goto(f"{url}/{info.slug}?present=1&beat={n}")
        wait_rendered(page, info.title)
        beat_shown(page, n, len(beats))
        if beat.predict:
            page.get_by_role("button", name=ld.correct_choice(beat), exact=True).click()
            page.get_by_text("✅ Right").first.wait_for(timeout=60_000)
            page.wait_for_selector(IDLE, timeout=60_000)
        page.get_by_text(beat.say[:40]).first.wait_for(timeout=60_000)
        for key, value in beat.params:
            assert f"{key}=" in page.url, (n, key, page.url)
        assert page.locator('[data-testid="stException"]').count() == 0
    page.context.close()


def test_an_embedded_slide_opens_at_its_beat_and_steps(browser, server):
    url, _ = server
    beats = ld.page_lesson("backprop")
    page = new_page(browser)
    page.goto(f"{url}/backprop?embed=true&present=1&beat=5")
    wait_rendered(page, by_slug("backprop").title)
    beat_shown(page, 5, len(beats))
    page.get_by_text(beats[4].say[:40]).first.wait_for(timeout=30_000)
    page.get_by_role("button", name="◀ Back").click()
    beat_shown(page, 4, len(beats))
    page.get_by_text(beats[3].predict[:25]).first.wait_for(timeout=30_000)
    page.context.close()
