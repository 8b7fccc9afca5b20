"""Tuning page in a real browser: the live search trains its trials, streams, and ends with the caption
saying it reproduced the committed table; on a slide (embed + present) the hero stays and the prose goes."""
from __future__ import annotations

import pytest

from tests.browser_support import SHOTS, visit

pytestmark = pytest.mark.browser
TITLE = "Tuning and debugging a network"


def test_a_live_search_trains_and_matches_the_committed_table(browser, server):
    from playwright.sync_api import expect
    url, _ = server
    page = visit(browser, f"{url}/tuning?strategy=Random&budget=81", TITLE, hero=True)
    page.get_by_role("button", name="Run this search live").click()
    expect(page.get_by_text("The live Random search trained 81 epochs of 3 trials")).to_be_visible(timeout=90_000)
    expect(page.get_by_text("committed table's numbers")).to_be_visible()
    assert page.locator('[data-testid="stException"]').count() == 0
    page.screenshot(path=SHOTS / "tuning-live.png")
    page.context.close()


def test_embedded_on_a_slide_the_hero_stays_and_the_prose_goes(browser, server):
    url, _ = server
    page = visit(browser, f"{url}/tuning?embed=true&present=1&strategy=Hyperband", TITLE, hero=True)
    assert page.locator(".js-plotly-plot").count() >= 2  # the search space and the band
    assert page.get_by_text("Key ideas").count() == 0 and page.get_by_text("The clinic").count() == 0
    page.screenshot(path=SHOTS / "tuning-slide.png")
    page.context.close()
