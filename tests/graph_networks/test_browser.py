"""Real browser: the recorded GCN training replays (scrub to epoch 0, then ▶ Play) in the browser with
no server rerun; the embedded page shows the hero. Screenshots go to test-artifacts/browser/."""
from __future__ import annotations

import pytest

from tests.browser_support import HERO, IDLE, SHOTS, count_reruns, new_page, reruns, until_it_shows, wait_rendered

pytestmark = pytest.mark.browser
EMBEDDING = "() => Array.from(document.querySelector('.js-plotly-plot').data[2].x)"  # the embedding's x
LABEL = "g.slider-group > text.slider-label"  # the "epoch N" read-out above the frame slider


def test_the_gcn_training_replays_in_the_browser_without_reruns(browser, server):
    from playwright.sync_api import expect
    page = new_page(browser, 1400, 900)
    page.goto(f"{server[0]}/graph_networks?epochs=100")
    wait_rendered(page, "Graph neural networks")
    chart = page.locator(HERO).first
    chart.wait_for(timeout=90_000)
    label = chart.locator(LABEL)
    expect(label).to_have_text("epoch 100", timeout=60_000)  # the recording opens on its last frame
    page.wait_for_selector(IDLE, timeout=60_000)
    count_reruns(page)
    before, at_end = reruns(page), page.evaluate(EMBEDDING)

    chart.scroll_into_view_if_needed()
    rail = chart.locator("rect.slider-rail-rect").bounding_box()  # scrub to the first frame
    page.mouse.click(rail["x"] + 2, rail["y"] + rail["height"] / 2)
    expect(label).to_have_text("epoch 0", timeout=10_000)
    assert page.evaluate(EMBEDDING) != at_end  # the untrained embedding differs from the trained one

    until_it_shows(chart.locator("g.updatemenu-button", has_text="Play").click,
                   lambda: page.wait_for_function(f"() => document.querySelector('{LABEL}').textContent "
                                                  "=== 'epoch 100'", timeout=60_000))
    assert page.evaluate(EMBEDDING) == at_end
    page.screenshot(path=SHOTS / "graph_networks-replayed.png")
    assert reruns(page) == before, "scrubbing and playing the recording must not rerun the script"
    page.context.close()


def test_the_embedded_page_shows_the_hero_without_the_sidebar(browser, server):
    page = new_page(browser, 1280, 720)
    page.goto(f"{server[0]}/graph_networks?embed=true")
    page.locator(HERO).first.wait_for(timeout=90_000)
    page.wait_for_selector(IDLE, timeout=60_000)
    assert page.locator('[data-testid="stSidebar"]').count() == 0 or not page.locator(
        '[data-testid="stSidebar"]').first.is_visible()
    page.screenshot(path=SHOTS / "graph_networks-embedded.png")
    page.context.close()
