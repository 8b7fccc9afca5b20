"""The backprop page in a real browser: playing and scrubbing the step-by-step graph runs in the
browser (no server rerun), and a typed expression with a mistake gets a message, not a traceback."""
from __future__ import annotations

import pytest

from tests.browser_support import HERO, IDLE, SHOTS, count_reruns, new_page, reruns, until_it_shows, wait_rendered

pytestmark = pytest.mark.browser


def test_playing_and_scrubbing_the_graph_costs_no_rerun(browser, server):
    from playwright.sync_api import expect
    url, _ = server
    page = new_page(browser, 1280, 900)
    page.goto(f"{url}/backprop?open_at=start")
    wait_rendered(page, "Backpropagation")
    page.locator(HERO).first.wait_for(timeout=90_000)
    plot = page.locator(".js-plotly-plot").first
    expect(plot).to_contain_text("Inputs and parameters are set", timeout=30_000)
    count_reruns(page)
    before, address = reruns(page), page.url
    page.wait_for_selector(IDLE, timeout=60_000)
    until_it_shows(plot.locator(".updatemenu-button").first.click,  # ▶ Play
                   lambda: expect(plot).to_contain_text("Forward 1/7", timeout=15_000))
    expect(plot).to_contain_text("Backward 1/7 through L", timeout=60_000)
    plot.locator(".updatemenu-button").nth(1).click()  # ⏸ Pause
    rail = plot.locator(".slider-rail-rect").first.bounding_box()

    def scrub_to(frame: int) -> None:  # click the slider's rail above the tick of that frame
        tick = plot.locator(".slider-tick-rect").nth(frame).bounding_box()
        page.mouse.click(tick["x"] + tick["width"] / 2, rail["y"] + rail["height"] / 2)

    scrub_to(3)
    expect(plot).to_contain_text("Forward 3/7: z2 = w21·x1 + w22·x2 + b2", timeout=15_000)
    scrub_to(16)
    expect(plot).to_contain_text("One gradient-descent step", timeout=15_000)
    page.screenshot(path=SHOTS / "backprop-player.png")
    assert reruns(page) == before and page.url == address, "the player must not rerun the script"
    page.context.close()


def test_a_bad_expression_gets_a_message_and_the_page_keeps_working(browser, server):
    from playwright.sync_api import expect
    url, _ = server
    page = new_page(browser, 1280, 900)
    page.goto(f"{url}/backprop?graph=expression&expr=a%20%5E%202")  # "a ^ 2"
    wait_rendered(page, "Backpropagation")
    expect(page.get_by_text("write powers as **")).to_be_visible(timeout=30_000)
    assert page.locator('[data-testid="stException"]').count() == 0
    box = page.get_by_role("textbox", name="Expression")
    box.fill("a ** 2 * b")
    box.press("Control+Enter")
    expect(page.get_by_text("All 2 gradients equal PyTorch autograd")).to_be_visible(timeout=30_000)
    page.wait_for_selector(IDLE, timeout=60_000)
    assert "expr=a" in page.url
    page.context.close()
