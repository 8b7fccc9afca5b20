"""Vision tasks page in a real browser: NMS stepped one suppression at a time is replayed in the browser
(scrubbing and playing cost no server rerun)."""
from __future__ import annotations

import pytest

from tests.browser_support import SHOTS, count_reruns, new_page, reruns, until_it_shows, wait_rendered

pytestmark = pytest.mark.browser
TITLE = "Detection and segmentation"


def test_nms_steps_replay_in_the_browser_without_reruns(browser, server):
    from playwright.sync_api import expect
    url, _ = server
    page = new_page(browser, height=1800)
    page.goto(f"{url}/vision_tasks?view=IoU+and+NMS&nms_score=0.05")
    wait_rendered(page, TITLE)
    chart = page.locator(".js-plotly-plot").filter(has=page.locator("text.slider-label")).first
    chart.wait_for(timeout=90_000)
    label = chart.locator("text.slider-label").filter(has_text="step ")  # the read-out, not the ticks
    expect(label).to_have_text("step raw", timeout=30_000)  # the replay opens on the raw boxes
    page.wait_for_timeout(1000)
    count_reruns(page)
    before = reruns(page)
    chart.scroll_into_view_if_needed()
    until_it_shows(chart.locator("g.updatemenu-button").filter(has_text="Play").click,
                   lambda: expect(label).not_to_have_text("step raw", timeout=15_000))
    expect(label).to_contain_text("keep", timeout=15_000)
    rail = chart.locator("rect.slider-rail-touch-rect").bounding_box()
    page.mouse.click(rail["x"] + 2, rail["y"] + rail["height"] / 2)  # scrub back to the start
    expect(label).to_have_text("step raw", timeout=10_000)
    page.screenshot(path=SHOTS / "vision_tasks-nms.png")
    assert reruns(page) == before, "stepping NMS must not rerun the script"
    page.context.close()
