"""Real browser: the 2-D GAN's recording replays in the page. Scrubbing the player's slider and pressing
Play change the frame shown (the slider's step label) and cost no server rerun."""
from __future__ import annotations

import pytest

from tests.browser_support import IDLE, SHOTS, count_reruns, reruns, until_it_shows, visit

pytestmark = pytest.mark.browser


def step_label(page) -> str:
    return page.locator(".slider-label").first.text_content().strip()  # the player's "step N" text


def test_scrubbing_and_playing_the_gan_recording_costs_no_rerun(browser, server):
    from playwright.sync_api import expect
    url, _ = server
    page = visit(browser, f"{url}/generative?iters=500", "Generative models", hero=True, timeout=180_000)
    rail = page.locator(".slider-rail-touch-rect").first  # the player slider's click target
    rail.wait_for(timeout=180_000)  # the player appears once the recording is done
    page.wait_for_selector(IDLE, timeout=180_000)
    assert step_label(page).endswith("500"), "the player opens on the last frame"
    count_reruns(page)
    before = reruns(page)

    rail.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    box = rail.bounding_box()
    page.mouse.click(box["x"] + 2, box["y"] + box["height"] / 2)  # scrub to the start
    expect(page.locator(".slider-label").first).to_have_text("step 0", timeout=10_000)
    page.mouse.click(box["x"] + box["width"] * 0.5, box["y"] + box["height"] / 2)  # and to the middle
    expect(page.locator(".slider-label").first).not_to_have_text("step 0", timeout=10_000)
    middle = step_label(page)
    assert 150 <= int(middle.split()[-1]) <= 350

    until_it_shows(page.get_by_text("▶ Play").first.click,
                   lambda: expect(page.locator(".slider-label").first).not_to_have_text(middle, timeout=10_000))
    page.get_by_text("⏸ Pause").first.click()
    page.wait_for_timeout(500)
    assert reruns(page) == before, "scrubbing and playing ran the script on the server"
    assert page.locator('[data-testid="stException"]').count() == 0
    page.screenshot(path=SHOTS / "generative-replay.png", full_page=True)
    page.context.close()
