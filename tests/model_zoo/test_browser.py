"""Model zoo in a real browser: switching from a digit model to a photo model keeps the Image radio's
choice visible (it was drawn with neither option selected when its labels changed under it; the
Convolutions page shares the picker and is checked too)."""
from __future__ import annotations

import pytest

from tests.browser_support import IDLE, visit

pytestmark = pytest.mark.browser


def settle(page) -> None:
    page.wait_for_timeout(300)
    page.wait_for_selector(IDLE, timeout=90_000)


@pytest.mark.parametrize("slug,title", [("model_zoo", "Model zoo"), ("convolutions", "Convolutional networks")])
def test_switching_to_a_photo_model_keeps_an_image_option_selected(browser, server, slug, title):
    from playwright.sync_api import expect
    url, _ = server
    page = visit(browser, f"{url}/{slug}", title)
    if slug == "convolutions":  # its picker is among the secondary controls, in a closed expander
        page.get_by_text("⚙️ More controls").click()
    radio = page.locator(".st-key-source")
    expect(radio.get_by_role("radio", checked=True)).to_have_count(1)
    if slug == "model_zoo":
        page.locator(".st-key-model").get_by_role("combobox").first.click()
        page.get_by_role("option").filter(has_text="EfficientNet").first.click()
    else:
        page.locator(".st-key-family").get_by_text("Photo · EfficientNet").click()
    settle(page)
    expect(page.locator(".st-key-photo")).to_be_visible()  # now a photo model
    expect(radio.get_by_role("radio", checked=True)).to_have_count(1)
    expect(radio).to_contain_text("Ours")
    page.context.close()
