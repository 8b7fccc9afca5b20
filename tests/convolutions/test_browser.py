"""Convolutions page in a real browser: the sliding-window player runs client-side (no server rerun),
and an uploaded picture reaches the network through the shared upload gate (a broken file gets a
message, not a traceback)."""
from __future__ import annotations


import numpy as np
import pytest

from tests.support import digit_png
from tests.browser_support import HERO, IDLE, SHOTS, count_reruns, new_page, reruns, until_it_shows, visit, wait_rendered

pytestmark = pytest.mark.browser
TITLE = "Convolutional networks"


def test_playing_and_scrubbing_the_window_costs_no_rerun(browser, server):
    from playwright.sync_api import expect
    url, _ = server
    page = visit(browser, f"{url}/convolutions?embed=true&present=1", TITLE, hero=True)
    hero = page.locator(HERO).first
    label = hero.locator("text.slider-label").filter(has_text="window at")
    expect(label).to_have_text("window at (0, 0)", timeout=30_000)
    sum_line = hero.locator("g.textpoint text").filter(has_text="out[")
    expect(sum_line).to_contain_text("out[0, 0] = ")  # the dot product of that position, written out
    count_reruns(page)
    until_it_shows(hero.locator("g.updatemenu-button").filter(has_text="Play").click,
                   lambda: expect(label).not_to_have_text("window at (0, 0)", timeout=15_000))  # the window moves…
    hero.locator("g.updatemenu-button").filter(has_text="Pause").click()
    page.wait_for_timeout(400)
    paused = label.text_content()
    page.wait_for_timeout(800)
    assert label.text_content() == paused  # …and stops where it was
    expect(sum_line).to_contain_text(paused.replace("window at (", "out[").replace(")", "]"))
    rail = hero.locator("rect.slider-rail-touch-rect").bounding_box()
    page.mouse.click(rail["x"] + rail["width"] * 0.95, rail["y"] + rail["height"] / 2)  # scrub near the end
    expect(label).not_to_have_text(paused, timeout=10_000)
    page.wait_for_timeout(1000)
    assert reruns(page) == 0, "playing, pausing and scrubbing ran the script again"
    page.screenshot(path=SHOTS / "convolutions-player.png")
    page.context.close()


def test_an_upload_goes_through_the_shared_gate(browser, server, tmp_path):
    from playwright.sync_api import expect
    url, _ = server
    page = new_page(browser, height=1400)
    page.goto(f"{url}/convolutions?source=upload&view=What+the+network+sees")
    wait_rendered(page, TITLE)
    uploader = page.locator('[data-testid="stFileUploader"] input[type="file"]')
    good = tmp_path / "one.png"
    good.write_bytes(digit_png())
    uploader.set_input_files(str(good))
    expect(page.get_by_text("of the upload ")).to_be_visible(timeout=90_000)  # the hero slides over it
    expect(page.get_by_text("Digit CNN says")).to_be_visible(timeout=90_000)
    page.wait_for_selector(IDLE, timeout=60_000)
    assert page.locator('[data-testid="stException"]').count() == 0
    page.screenshot(path=SHOTS / "convolutions-upload.png")
    bad = tmp_path / "broken.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(np.random.default_rng(0).integers(0, 255, 300, dtype=np.uint8)))
    uploader.set_input_files(str(bad))
    expect(page.get_by_text("not a readable image")).to_be_visible(timeout=60_000)
    page.wait_for_selector(IDLE, timeout=60_000)
    assert page.locator('[data-testid="stException"]').count() == 0
    page.context.close()
