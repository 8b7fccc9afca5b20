"""Transfer page in a real browser: "teach it yourself" takes uploads only through the shared image
gate (a broken file gets a message, a real picture becomes a class), and the hero's chart legend and
zoom are client-side (no server rerun)."""
from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.browser_support import HERO, IDLE, SHOTS, count_reruns, new_page, reruns, visit, wait_rendered

pytestmark = pytest.mark.browser
SLUG = "transfer_learning"
TITLE = "Transfer, few-shot and zero-shot learning"


def _png(colour: tuple[int, int, int], size=(320, 200)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, colour).save(buf, "PNG")
    return buf.getvalue()


def test_teach_it_yourself_takes_uploads_through_the_shared_gate(browser, server, tmp_path):
    from playwright.sync_api import expect

    url, _ = server
    page = new_page(browser, 1280, 1000)
    page.goto(f"{url}/{SLUG}?view=Teach+it+yourself&classes=2&shots=2&class_b=upload")
    wait_rendered(page, TITLE)
    expect(page.get_by_text("Upload a picture for every class")).to_be_visible(timeout=60_000)
    uploader = page.locator('[data-testid="stFileUploader"] input[type="file"]').first
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n" + b"not really a png" * 10)
    uploader.set_input_files(str(broken))
    expect(page.get_by_text("Could not use")).to_be_visible(timeout=60_000)  # the gate's message, no traceback
    assert page.locator('[data-testid="stException"]').count() == 0
    good = tmp_path / "orange.png"
    good.write_bytes(_png((230, 120, 20)))
    uploader.set_input_files(str(good))
    expect(page.get_by_text("crops from the pictures' unseen right parts")).to_be_visible(timeout=120_000)
    page.wait_for_selector(IDLE, timeout=60_000)
    assert page.locator('[data-testid="stException"]').count() == 0
    page.screenshot(path=SHOTS / f"{SLUG}-teach-upload.png", full_page=True)
    page.context.close()


def test_hero_legend_and_zoom_cost_no_rerun(browser, server):
    url, _ = server
    page = visit(browser, f"{url}/{SLUG}", TITLE, hero=True)
    chart = page.locator(HERO).first
    count_reruns(page)
    before = reruns(page)
    legend = chart.locator(".legend .traces").first
    legend.locator(".legendtoggle").click()  # hide one strategy's curve
    page.wait_for_function("el => (el.getAttribute('style') || '').includes('opacity: 0.5')",
                           arg=legend.element_handle(), timeout=10_000)
    chart.hover()
    page.wait_for_timeout(800)
    assert reruns(page) == before
    page.context.close()
