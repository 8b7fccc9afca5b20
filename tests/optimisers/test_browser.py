"""Real browser: a recorded optimiser race replays (scrub, then ▶ Play) entirely in the browser, with
no server rerun. Screenshots go to test-artifacts/browser/."""
from __future__ import annotations

import pytest

from tests.browser_support import HERO, IDLE, SHOTS, count_reruns, new_page, reruns, until_it_shows, wait_rendered

pytestmark = pytest.mark.browser
HEADS = ("() => { const gd = document.querySelector('.js-plotly-plot'); const x = gd.data[gd.data.length - 2].x;"
         " return Array.from(x._inputArray || x); }")  # the runners' dots (trace before last), as plain numbers
LABEL = "g.slider-group > text.slider-label"  # the "step N" read-out above the frame slider


def test_a_race_replays_in_the_browser_without_reruns(browser, server):
    from playwright.sync_api import expect
    url, _ = server
    page = new_page(browser, 1400, 900)
    page.goto(f"{url}/optimisers?steps=300")
    wait_rendered(page, "Gradient descent and optimisers")
    chart = page.locator(HERO).first
    chart.wait_for(timeout=90_000)
    label = chart.locator(LABEL)
    expect(label).to_have_text("step 300", timeout=60_000)  # the recording opens on its last frame
    page.wait_for_selector(IDLE, timeout=60_000)
    count_reruns(page)
    before, at_end = reruns(page), page.evaluate(HEADS)

    chart.scroll_into_view_if_needed()
    rail = chart.locator("rect.slider-rail-rect").bounding_box()  # scrub: click the start of the frame slider
    page.mouse.click(rail["x"] + 2, rail["y"] + rail["height"] / 2)
    expect(label).to_have_text("step 0", timeout=10_000)
    at_start = page.evaluate(HEADS)
    assert at_start != at_end and len(set(at_start)) == 1  # every runner back on the start point

    until_it_shows(chart.locator("g.updatemenu-button", has_text="Play").click,  # play: frames advance in the browser
                   lambda: page.wait_for_function(f"() => {{ const t = document.querySelector('{LABEL}'); "
                                                  "return t && Number(t.textContent.replace('step ', '')) >= 100; }",
                                                  timeout=30_000))
    page.wait_for_function(f"() => document.querySelector('{LABEL}').textContent === 'step 300'", timeout=60_000)
    assert page.evaluate(HEADS) == at_end
    page.screenshot(path=SHOTS / "optimisers-replayed.png")
    assert reruns(page) == before, "scrubbing and playing the recording must not rerun the script"
    page.context.close()
