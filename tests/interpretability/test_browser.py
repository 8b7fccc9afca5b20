"""Interpretability page in a real browser: an uploaded digit goes through the shared upload gate and is
explained (a broken file gets a message, not a traceback); the Faithfulness tab opens from a click and
goes into the URL."""
from __future__ import annotations


import numpy as np
import pytest

from tests.support import digit_png
from tests.browser_support import IDLE, SHOTS, new_page, wait_rendered

pytestmark = pytest.mark.browser
TITLE = "Interpretability"


def test_an_upload_is_explained_and_a_broken_file_gets_a_message(browser, server, tmp_path):
    from playwright.sync_api import expect
    url, _ = server
    page = new_page(browser, height=1400)
    page.goto(f"{url}/interpretability?source=upload")
    wait_rendered(page, TITLE)
    uploader = page.locator('[data-testid="stFileUploader"] input[type="file"]')
    good = tmp_path / "one.png"
    good.write_bytes(digit_png())
    uploader.set_input_files(str(good))
    expect(page.get_by_text("Six explanations of").first).to_be_visible(timeout=90_000)
    expect(page.get_by_text("Completeness").first).to_be_visible(timeout=30_000)
    page.wait_for_selector(IDLE, timeout=60_000)
    assert page.locator('[data-testid="stException"]').count() == 0
    page.screenshot(path=SHOTS / "interpretability-upload.png")
    bad = tmp_path / "broken.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(np.random.default_rng(0).integers(0, 255, 300, dtype=np.uint8)))
    uploader.set_input_files(str(bad))
    expect(page.get_by_text("not a readable image")).to_be_visible(timeout=60_000)
    page.wait_for_selector(IDLE, timeout=60_000)
    assert page.locator('[data-testid="stException"]').count() == 0
    page.context.close()


def test_the_faithfulness_tab_opens_and_goes_into_the_url(browser, server):
    from playwright.sync_api import expect
    url, _ = server
    page = new_page(browser, height=1400)
    page.goto(f"{url}/interpretability")
    wait_rendered(page, TITLE)
    expect(page.get_by_text("Six explanations of “7”").first).to_be_visible(timeout=90_000)
    page.get_by_role("tab", name="Faithfulness").click()
    expect(page.get_by_text("Deletion: ").first).to_be_visible(timeout=90_000)
    page.wait_for_selector(IDLE, timeout=60_000)
    assert "view=Faithfulness" in page.url
    assert page.locator('[data-testid="stException"]').count() == 0
    page.screenshot(path=SHOTS / "interpretability-faithfulness.png")
    page.context.close()
