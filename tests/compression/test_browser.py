"""Real browser: a click on a point of the frontier chooses that model (its card and the URL follow);
the embedded page draws the hero without the sidebar. Screenshots go to test-artifacts/browser/."""
from __future__ import annotations

import re

import pytest

from tests.browser_support import HERO, IDLE, SHOTS, new_page, until_it_shows, wait_rendered

pytestmark = pytest.mark.browser
TITLE = "Compression"
POINT = """(gd) => { const l = gd._fullLayout, r = gd.getBoundingClientRect();
  for (const t of gd.data) { const i = (t.customdata || []).indexOf('student (distilled)');
    if (i >= 0) return [r.left + l.xaxis._offset + l.xaxis.d2p(t.x[i]), r.top + l.yaxis._offset + l.yaxis.d2p(t.y[i])]; }
  return null; }"""


def test_a_click_on_a_point_chooses_it_and_the_embedded_page_draws_the_hero(browser, server):
    from playwright.sync_api import expect
    page = new_page(browser, 1400, 900)
    page.goto(f"{server[0]}/compression")
    wait_rendered(page, TITLE)
    chart = page.locator(HERO).first
    chart.wait_for(timeout=90_000)
    page.wait_for_timeout(1500)
    spot = page.locator(".js-plotly-plot").first.evaluate(POINT)
    assert spot is not None
    until_it_shows(lambda: page.mouse.click(*spot),  # a chart still settling can swallow the first click
                   lambda: expect(page).to_have_url(re.compile(r"model=student"), timeout=15_000))
    page.wait_for_selector(IDLE, timeout=60_000)
    expect(page.get_by_text("784→32→10 MLP trained on the teacher's soft targets").first).to_be_visible()
    page.screenshot(path=SHOTS / "compression-clicked.png")
    page.context.close()

    embedded = new_page(browser, 1280, 720)
    embedded.goto(f"{server[0]}/compression?embed=true&x=latency")
    embedded.locator(HERO).first.wait_for(timeout=90_000)
    embedded.wait_for_selector(IDLE, timeout=60_000)
    assert embedded.locator('[data-testid="stSidebar"]').count() == 0
    assert embedded.locator('[data-testid="stException"]').count() == 0
    embedded.screenshot(path=SHOTS / "compression-embed.png")
    embedded.context.close()
