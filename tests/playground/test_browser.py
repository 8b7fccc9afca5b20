"""Real browser: the playground's recording plays and scrubs entirely in the browser (no script
rerun), and the perceptron's player does too."""
import time

import pytest

from tests.browser_support import HERO, IDLE, SHOTS, count_reruns, reruns, until_it_shows, visit

pytestmark = pytest.mark.browser

CURRENT = "() => document.querySelector('.js-plotly-plot')._fullLayout._currentFrame"
LABEL = "() => document.querySelector('.js-plotly-plot .slider-group > text.slider-label').textContent"  # the current value


def open_replay(browser, url, query):
    page = visit(browser, f"{url}/playground?{query}", "Neural-network playground", hero=True, timeout=300_000)
    page.wait_for_selector(IDLE, timeout=300_000)
    page.locator(".js-plotly-plot .slider-container").first.wait_for(timeout=30_000)
    count_reruns(page)
    return page


def scrub_to(page, fraction):
    """Click the first player's slider rail at `fraction` of its length."""
    rail = page.locator(".js-plotly-plot").first.locator(".slider-rail-touch-rect")
    rail.scroll_into_view_if_needed()
    box = rail.bounding_box()
    page.mouse.click(box["x"] + 12 + fraction * (box["width"] - 24), box["y"] + 12)


def test_scrubbing_and_playing_the_recording_cost_no_rerun(browser, server):
    url, _ = server
    page = open_replay(browser, url, "points=100&epochs=30")
    assert "epoch 30" in page.evaluate(LABEL)  # the player opens on the trained network
    until_it_shows(lambda: scrub_to(page, 0.0),
                   lambda: page.wait_for_function(f"() => ({LABEL})() === 'epoch 0'", timeout=10_000))
    until_it_shows(lambda: scrub_to(page, 0.5),
                   lambda: page.wait_for_function(f"() => ({LABEL})() !== 'epoch 0'", timeout=10_000))
    middle = page.evaluate(LABEL)
    play = page.locator(".js-plotly-plot").first.locator(".updatemenu-button").first  # ▶ Play
    until_it_shows(play.click,
                   lambda: page.wait_for_function(f"() => ({LABEL})() !== {middle!r}", timeout=20_000))
    time.sleep(1.0)
    page.locator(".js-plotly-plot").first.locator(".updatemenu-button").nth(1).click()  # ⏸ Pause
    page.screenshot(path=SHOTS / "playground-scrubbed.png")
    assert page.evaluate(CURRENT) is not None
    assert reruns(page) == 0, "scrubbing and playing must not rerun the script"
    assert page.locator('[data-testid="stException"]').count() == 0
    page.context.close()


def test_the_perceptron_plays_in_the_browser_and_steps_on_the_server(browser, server):
    from playwright.sync_api import expect
    url, _ = server
    page = open_replay(browser, url, "mode=perceptron&pdata=xor")
    until_it_shows(lambda: scrub_to(page, 0.99),
                   lambda: page.wait_for_function(f"() => ({LABEL})().includes('step')", timeout=10_000))
    assert reruns(page) == 0
    page.get_by_role("button", name="Step ▶").click()  # a server step: one rerun, the sentence follows
    expect(page.get_by_text("Step 1 (epoch 1)")).to_be_visible(timeout=60_000)
    page.wait_for_selector(IDLE, timeout=60_000)
    assert reruns(page) >= 1
    page.context.close()


def test_the_csv_corpus_through_the_real_uploader(browser, server, tmp_path):
    """Every bad CSV ends in a clear message, a good one trains, and the page keeps working."""
    from playwright.sync_api import expect

    from tests.playground.test_datasets import BAD_CSV, GOOD_CSV, HOSTILE_CSV
    url, _ = server
    page = visit(browser, f"{url}/playground?data=upload&epochs=20", "Neural-network playground", timeout=300_000)
    uploader = page.locator('[data-testid="stFileUploader"] input[type="file"]').first
    for name in ("empty", "one class", "nan", "prose", "three columns of strings", "binary", "latin-1",
                 "a million rows", "html", *HOSTILE_CSV):  # issue #29's files: each once raised a traceback
        path = tmp_path / f"{name.replace(' ', '_')}.csv"
        data = BAD_CSV[name] if name in BAD_CSV else HOSTILE_CSV[name][0]
        path.write_bytes(data)
        uploader.set_input_files(str(path))
        if data:  # an empty file is refused by the browser widget itself (0 bytes)
            # Wait for the message naming *this* file: a generic "Could not use" is still on screen from the
            # previous file, and moving on before this upload lands lets two uploads race (a CI failure).
            expect(page.get_by_text(f"Could not use {path.name}")).to_be_visible(timeout=180_000)
        page.wait_for_selector(IDLE, timeout=180_000)
        assert page.locator('[data-testid="stException"]').count() == 0, name
    path = tmp_path / "good.csv"
    path.write_bytes(GOOD_CSV["unicode header"][0])
    uploader.set_input_files(str(path))
    try:
        page.locator(HERO).first.wait_for(timeout=300_000)
    except Exception as err:  # say what the page shows instead, in the log
        page.screenshot(path=SHOTS / "playground-csv-failed.png", full_page=True)
        shown = page.locator('[data-testid="stMain"]').inner_text()[-1500:]
        raise AssertionError(f"no chart after the good CSV; the page shows:\n{shown}") from err
    page.wait_for_selector(IDLE, timeout=300_000)
    assert page.get_by_text("Could not use").count() == 0
    assert page.locator('[data-testid="stException"]').count() == 0
    page.screenshot(path=SHOTS / "playground-csv.png")
    page.context.close()
