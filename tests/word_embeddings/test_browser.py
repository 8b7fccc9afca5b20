"""Real browser: the hero follows the merges slider, and a recorded word2vec run replays (scrub, then
▶ Play) in the browser with no server rerun. Screenshots go to test-artifacts/browser/."""
from __future__ import annotations

import pytest

from tests.browser_support import IDLE, SHOTS, count_reruns, new_page, reruns, until_it_shows, wait_rendered

pytestmark = pytest.mark.browser
LABEL = "g.slider-group > text.slider-label"  # the "step N (epoch E)" read-out above the frame slider


def test_the_hero_follows_the_merges_slider(browser, server):
    from playwright.sync_api import expect
    url, _ = server
    page = new_page(browser, 1400, 900)
    page.goto(f"{url}/word_embeddings?merges=3")
    wait_rendered(page, "Words as numbers")
    caption = page.get_by_text("With 3 merges the vocabulary has")
    expect(caption).to_be_visible(timeout=90_000)
    slider = page.locator('[data-testid="stSlider"] input[type="range"]').first
    slider.focus()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_text("With 4 merges the vocabulary has")).to_be_visible(timeout=30_000)
    expect(page.locator(".js-plotly-plot").first.get_by_text("BPE (4 merges): ", exact=False)).to_have_count(1)
    page.wait_for_selector(IDLE, timeout=60_000)
    page.screenshot(path=SHOTS / "word_embeddings-merges.png")
    page.context.close()


def test_a_word2vec_recording_replays_in_the_browser_without_reruns(browser, server):
    from playwright.sync_api import expect
    url, _ = server
    page = new_page(browser, 1400, 900)
    page.goto(f"{url}/word_embeddings?view=Word2vec+live&window=2&negatives=3&dim=8")
    wait_rendered(page, "Words as numbers")
    chart = page.locator(".js-plotly-plot", has=page.locator(LABEL)).first
    chart.wait_for(timeout=120_000)
    label = chart.locator(LABEL)
    expect(label).not_to_have_text("step 0 (epoch 0.0)", timeout=60_000)  # opens on the last frame
    page.wait_for_selector(IDLE, timeout=60_000)
    count_reruns(page)
    before, at_end = reruns(page), label.text_content()

    chart.scroll_into_view_if_needed()
    rail = chart.locator("rect.slider-rail-rect").bounding_box()  # scrub to the start of the recording
    page.mouse.click(rail["x"] + 2, rail["y"] + rail["height"] / 2)
    expect(label).to_have_text("step 0 (epoch 0.0)", timeout=10_000)
    until_it_shows(chart.locator("g.updatemenu-button", has_text="Play").click,
                   lambda: page.wait_for_function(f"() => {{ const t = document.querySelector('{LABEL}'); "
                                                  "return t && !t.textContent.startsWith('step 0 '); }",
                                                  timeout=30_000))
    page.wait_for_function(f"() => document.querySelector('{LABEL}').textContent === {at_end!r}", timeout=60_000)
    assert reruns(page) == before, "scrubbing and playing ran no script on the server"
    page.screenshot(path=SHOTS / "word_embeddings-word2vec.png")
    page.context.close()
