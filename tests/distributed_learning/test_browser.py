"""Real browser, embed mode: the hero follows the Workers slider (4 → 5 workers, the caption says so).
Screenshot to test-artifacts/browser/."""
from __future__ import annotations

import pytest

from tests.browser_support import IDLE, SHOTS, new_page, wait_rendered

pytestmark = pytest.mark.browser


def test_the_hero_follows_the_workers_slider_in_embed_mode(browser, server):
    from playwright.sync_api import expect
    url, _ = server
    page = new_page(browser, 1280, 720)
    page.goto(f"{url}/distributed_learning?embed=true")
    wait_rendered(page, "Across machines and with few labels")
    expect(page.get_by_text("4 worker(s) share a batch of 128 digits")).to_be_visible(timeout=90_000)
    page.wait_for_selector(IDLE, timeout=60_000)
    slider = page.locator('[data-testid="stSlider"] input[type="range"]').first
    slider.focus()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_text("5 worker(s) share a batch of 128 digits (26 + 26 + 26 + 25 + 25)")).to_be_visible(
        timeout=30_000)  # tensor_split: 128 = 3 × 26 + 2 × 25
    assert page.locator('[data-testid="stSidebar"]').count() == 0 or not page.locator(
        '[data-testid="stSidebar"]').is_visible()
    page.screenshot(path=SHOTS / "distributed_learning-workers.png")
    page.context.close()
