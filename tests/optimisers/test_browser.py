"""Real browser: a recorded optimiser race replays (scrub, then ▶ Play) entirely in the browser, with
no server rerun. Screenshots go to test-artifacts/browser/."""
from __future__ import annotations

import pytest

from tests.browser_support import HERO, IDLE, SHOTS, count_reruns, new_page, reruns, until_it_shows, wait_rendered

pytestmark = pytest.mark.browser
HEADS = ("() => { const gd = document.querySelector('.js-plotly-plot'); const x = gd.data[gd.data.length - 3].x;"
         " return Array.from(x._inputArray || x); }")  # the runners' dots (before the loss dots and the click grid)
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


def test_a_click_on_the_contour_starts_the_race_there(browser, server):
    """A click on the contour (on the invisible grid of start points) moves Start x / Start y and the URL
    there, and the race reruns from it: the runners' first positions are the clicked point."""
    from demos.optimisers import race, surfaces
    x, y = (float(v) for v in race.click_grid(surfaces.surface("quadratic"))[10 * race.CLICK_GRID + 30])  # (1.5, -1.5)
    page = new_page(browser, 1280, 900)
    page.goto(f"{server[0]}/optimisers")
    wait_rendered(page, "Gradient descent")
    page.locator(HERO).first.wait_for(timeout=90_000)
    page.wait_for_timeout(1000)
    spot = page.locator(".js-plotly-plot").first.evaluate(
        "(gd, p) => { const l = gd._fullLayout, r = gd.getBoundingClientRect();"
        " return [r.left + l.xaxis._offset + l.xaxis.d2p(p[0]), r.top + l.yaxis._offset + l.yaxis.d2p(p[1])]; }", [x, y])
    page.mouse.click(*spot)
    page.wait_for_url(f"**x0={x:g}&y0={y:g}**", timeout=60_000)
    page.wait_for_selector(IDLE, timeout=60_000)
    assert page.locator(".st-key-x0").inner_text().split()[:3] == ["Start", "x", f"{x:.2f}"]  # the slider moved
    paths = page.evaluate("() => { const gd = document.querySelector('.js-plotly-plot');"
                          " const a = v => Array.from(v._inputArray || v).slice(0, 1); return [a(gd.data[2].x), a(gd.data[2].y)]; }")
    assert paths == [[x], [y]]  # the first runner's path starts at the click
    page.screenshot(path=SHOTS / "optimisers-click-start.png")
    page.context.close()
