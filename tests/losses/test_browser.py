"""Real browser: the logit playground opens, a preset click scales the logits past float32's limit (the
URL says so and the table shows the naive softmax's nan), and the embedded slide shows the hero alone.
Screenshots go to test-artifacts/browser/."""
from __future__ import annotations

import re

import pytest

from tests.browser_support import HERO, IDLE, SHOTS, visit

pytestmark = pytest.mark.browser
TITLE = "Softmax, losses and calibration"


def test_the_overflow_preset_breaks_the_naive_softmax_and_the_url_follows(browser, server):
    from playwright.sync_api import expect
    page = visit(browser, f"{server[0]}/losses", TITLE, hero=True)
    assert "the model is right" in page.get_by_text("The true class 0 gets p").first.text_content()
    page.get_by_role("button", name="Overflow", exact=True).click()
    expect(page).to_have_url(re.compile(r"scale=50"), timeout=15_000)
    page.wait_for_selector(IDLE, timeout=60_000)
    expect(page.get_by_text("non-finite value(s)").first).to_be_visible(timeout=15_000)
    page.screenshot(path=SHOTS / "losses-overflow.png")
    page.context.close()


def test_embedded_on_a_slide_the_hero_stands_alone(browser, server):
    page = visit(browser, f"{server[0]}/losses?embed=true&present=1&z0=-4&z1=6", TITLE, hero=True)
    assert page.locator(HERO).count() == 1  # the hero only: no table, no tabs below it
    assert page.get_by_text("Key ideas").count() == 0 and not page.locator('[data-testid="stSidebar"]').is_visible()
    page.screenshot(path=SHOTS / "losses-embed-present.png")
    page.context.close()
