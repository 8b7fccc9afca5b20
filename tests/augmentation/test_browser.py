"""Augmentation page in a real browser: an upload goes through the shared image gate (a broken file
gets its message, a real picture becomes the grid's photo), and the recorded runs replay in the
browser without a server rerun."""
from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.browser_support import IDLE, SHOTS, count_reruns, new_page, reruns, visit, wait_rendered

pytestmark = pytest.mark.browser
SLUG = "augmentation"
TITLE = "Data augmentation and self-supervised learning"


def test_an_upload_goes_through_the_gate_into_the_grid(browser, server, tmp_path):
    from playwright.sync_api import expect

    url, _ = server
    page = new_page(browser, 1280, 1000)
    page.goto(f"{url}/{SLUG}?kind=photo&source=upload")
    wait_rendered(page, TITLE)
    uploader = page.locator('[data-testid="stFileUploader"] input[type="file"]').first
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n" + b"not really a png" * 10)
    uploader.set_input_files(str(broken))
    expect(page.get_by_text("Could not use")).to_be_visible(timeout=60_000)
    assert page.locator('[data-testid="stException"]').count() == 0
    good = tmp_path / "stripes.png"
    picture = Image.new("RGB", (300, 200), (240, 200, 40))
    for x in range(0, 300, 40):
        picture.paste((20, 60, 200), (x, 0, x + 20, 200))
    buf = io.BytesIO()
    picture.save(buf, "PNG")
    good.write_bytes(buf.getvalue())
    uploader.set_input_files(str(good))
    expect(page.get_by_text("the meter reads held-out digits")).to_be_visible(timeout=120_000)
    page.wait_for_selector(IDLE, timeout=60_000)
    assert page.locator('[data-testid="stException"]').count() == 0
    page.screenshot(path=SHOTS / f"{SLUG}-upload.png", full_page=True)
    page.context.close()


def test_the_recorded_runs_replay_without_a_rerun(browser, server):
    url, _ = server
    page = visit(browser, f"{url}/{SLUG}?view=Does+it+help%3F", TITLE)
    page.wait_for_selector(".js-plotly-plot .updatemenu-button", timeout=90_000)
    count_reruns(page)
    before = reruns(page)
    page.locator(".js-plotly-plot .updatemenu-button").first.click()  # ▶ Play
    page.wait_for_timeout(1500)
    assert reruns(page) == before
    assert page.locator('[data-testid="stException"]').count() == 0
    page.context.close()
