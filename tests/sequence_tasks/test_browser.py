"""Sequences page in a real browser: the leakage switch redraws the forecast chart and its caption and
lands in the URL; the embedded slide shows the hero chart without the sidebar. Screenshots go to
test-artifacts/browser/."""
from __future__ import annotations

import re

import pytest

from tests.browser_support import HERO, IDLE, SHOTS, visit

pytestmark = pytest.mark.browser
TITLE = "Sequences in practice"


def test_the_leakage_switch_changes_the_caption_and_the_url(browser, server):
    from playwright.sync_api import expect
    page = visit(browser, f"{server[0]}/sequence_tasks", TITLE, hero=True)
    caption = page.get_by_text(re.compile(r"^At 12 months ahead the ranking is"))
    expect(caption).to_contain_text("Leakage is off", timeout=30_000)
    page.get_by_text("Leakage trap", exact=True).first.click()
    expect(page).to_have_url(re.compile(r"leak=1"), timeout=30_000)
    page.wait_for_selector(IDLE, timeout=90_000)
    expect(caption).to_contain_text("Leakage is ON", timeout=60_000)
    page.screenshot(path=SHOTS / "sequence_tasks-leak.png")
    page.context.close()


def test_embedded_slide_shows_the_hero_without_the_sidebar(browser, server):
    page = visit(browser, f"{server[0]}/sequence_tasks?embed=true&present=1", TITLE, hero=True)
    assert page.locator(HERO).first.is_visible()
    assert page.locator('[data-testid="stSidebar"]').count() == 0 or not page.locator(
        '[data-testid="stSidebar"]').first.is_visible()
    page.screenshot(path=SHOTS / "sequence_tasks-embed.png")
    page.context.close()
