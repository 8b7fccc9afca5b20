"""Recurrent networks page in a real browser: stepping through the generated characters' distributions
and replaying a live training run in the browser, with no server rerun."""
from __future__ import annotations

import pytest

from tests.browser_support import HERO, SHOTS, count_reruns, new_page, reruns, until_it_shows, wait_rendered

pytestmark = pytest.mark.browser
TITLE = "Recurrent networks"


def play_pause_scrub(page, chart, prefix: str) -> None:
    """Play, pause and click near the start of a Plotly player's slider; its label must move each time."""
    from playwright.sync_api import expect
    label = chart.locator("text.slider-label").filter(has_text=prefix)
    expect(label).to_be_visible(timeout=30_000)
    start = label.text_content()
    until_it_shows(chart.locator("g.updatemenu-button").filter(has_text="Play").click,
                   lambda: expect(label).not_to_have_text(start, timeout=15_000))
    chart.locator("g.updatemenu-button").filter(has_text="Pause").click()
    page.wait_for_timeout(400)
    paused = label.text_content()
    page.wait_for_timeout(800)
    assert label.text_content() == paused
    rail = chart.locator("rect.slider-rail-touch-rect").bounding_box()
    grip = chart.locator("rect.slider-grip-rect").bounding_box()
    # click the far end of the rail from where the grip stopped, so the frame must change however
    # far (or little) the play got before the pause
    far = 0.03 if grip["x"] + grip["width"] / 2 > rail["x"] + rail["width"] / 2 else 0.97
    page.mouse.click(rail["x"] + rail["width"] * far, rail["y"] + rail["height"] / 2)
    expect(label).not_to_have_text(paused, timeout=10_000)


def test_stepping_through_the_generated_characters_costs_no_rerun(browser, server):
    url, _ = server
    page = new_page(browser, height=1600)
    page.goto(f"{url}/recurrent?view=Text+generation&length=60")
    wait_rendered(page, TITLE)
    chart = page.locator(".js-plotly-plot").filter(has=page.locator("text.slider-label")).first
    chart.wait_for(timeout=90_000)
    chart.scroll_into_view_if_needed()
    count_reruns(page)
    play_pause_scrub(page, chart, "character ")
    page.wait_for_timeout(1000)
    assert reruns(page) == 0, "playing, pausing and scrubbing the draws ran the script again"
    page.screenshot(path=SHOTS / "recurrent-sampling-player.png")
    page.context.close()


def test_replaying_a_live_training_costs_no_rerun(browser, server):
    url, _ = server
    page = new_page(browser, height=1400)
    page.goto(f"{url}/recurrent?view=Train+at+your+lag&lag=2")
    wait_rendered(page, TITLE)
    page.locator(HERO).first.wait_for(timeout=90_000)
    chart = page.locator(".js-plotly-plot").filter(has=page.locator("text.slider-label")).first
    chart.wait_for(timeout=180_000)  # the training runs once on the server, with a progress bar
    page.get_by_text("press play to replay it").wait_for(timeout=60_000)
    chart.scroll_into_view_if_needed()
    count_reruns(page)
    play_pause_scrub(page, chart, "step ")
    page.wait_for_timeout(1000)
    assert reruns(page) == 0, "replaying the training ran the script again"
    page.screenshot(path=SHOTS / "recurrent-training-player.png")
    page.context.close()
