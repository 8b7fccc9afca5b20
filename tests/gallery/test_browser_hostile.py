"""Hostile input through the real widgets in Chromium: the bad-input corpus through every page's own
uploader, hostile manifests through the Share menu's restore, and the longest permalink a page can
produce reopened. Every input ends in a clear message or a result, never a traceback, and the page
keeps working afterwards."""
from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from tests.browser_support import IDLE, SHOTS, visit, wait_rendered
from tests.gallery.test_bad_input import BAD, GOOD

pytestmark = pytest.mark.browser
UPLOADERS = {  # slug -> (query that opens its uploader, title)
    "model_zoo": ("source=upload", "Model zoo"),
    "adversarial_attacks": ("source=upload", "Adversarial attacks"),
    "anomaly_detection": ("view=Your+image", "Anomaly detection"),
    "style_transfer": ("content=upload&size=128", "Style transfer"),
}
CORPUS = {**{f"bad {k}": v for k, v in BAD.items() if len(v) < 5 * 2**20},  # the browser caps at 20 MB
          **{f"good {k}": GOOD[k] for k in ("rgb png", "16-bit png", "cmyk jpeg", "animated gif", "1x1 png",
                                            "40x1000 strip (25:1)", "transparent only")}}


def settle(page) -> None:
    page.wait_for_timeout(300)  # the upload round trip starts a rerun
    page.wait_for_selector(IDLE, timeout=120_000)


def test_the_corpus_through_each_pages_own_uploader(browser, server, tmp_path):
    """Each page's uploader in its own tab, fed the corpus in step (one file to every tab, then every
    tab read): the four sessions' reruns overlap, and each tab still answers for its own file."""
    url, _ = server
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    pages = {}
    for slug, (query, title) in UPLOADERS.items():
        pages[slug] = context.new_page()
        pages[slug].goto(f"{url}/{slug}?{query}")
    for slug, page in pages.items():
        wait_rendered(page, UPLOADERS[slug][1])
    outcomes = {slug: {"refused": 0, "accepted": 0} for slug in UPLOADERS}
    for name, data in CORPUS.items():
        path = tmp_path / (name.replace(" ", "_").replace("/", "_")[:60] + ".png")
        path.write_bytes(data)
        for page in pages.values():
            page.locator('[data-testid="stFileUploader"] input[type="file"]').first.set_input_files(str(path))
        for slug, page in pages.items():
            message = page.get_by_text(f"Could not use {quote(path.name)}")  # names this very file
            if name.startswith("bad"):  # waits for the rerun that reads it, however busy the machine
                expect(message.first, f"{slug}: {name} was not refused with a message").to_be_visible(timeout=90_000)
            settle(page)
            assert page.locator('[data-testid="stException"]').count() == 0, f"{slug}: {name} gave a traceback"
            outcomes[slug]["refused" if message.count() > 0 else "accepted"] += 1
    for slug, page in pages.items():
        page.screenshot(path=SHOTS / f"{slug}-upload-corpus.png")
        (SHOTS / f"{slug}-upload-corpus.json").write_text(json.dumps(outcomes[slug] | {"inputs": len(CORPUS)}))
    context.close()


HOSTILE_MANIFESTS = {
    "embed keys": ({"page": "model_zoo", "params": {"EMBED": "true", "embed_options": "x", "digit": "4"}},
                   "ignored EMBED (not a parameter of this page)"),  # the backticks render as code
    # 40 KB: under the size cap, so the depth check (not the size check) must refuse it
    "deep nesting": ('{"page": "model_zoo", "params": ' + "[" * 20_000 + "]" * 20_000 + "}", "nests deeper"),
    "too big": ({"page": "model_zoo", "params": {"digit": "4", "pad": "x" * 70_000}}, "a manifest is at most"),
    "another page": ({"page": "attention", "params": {"layer": "2"}}, "manifest of the page “Attention maps”"),
}


def test_hostile_manifests_are_refused_in_the_share_menu(browser, server, tmp_path):
    """One after another through the same Share menu: each gets its own message, and the next one is
    still read (a refused manifest leaves the restore working)."""
    url, _ = server
    page = visit(browser, f"{url}/model_zoo", "Model zoo")
    for name, (content, expected) in HOSTILE_MANIFESTS.items():
        path = tmp_path / f"{name.replace(' ', '_')}.json"
        path.write_text(content if isinstance(content, str) else json.dumps(content))
        body = page.locator('[data-testid="stPopoverBody"]')
        if not body.first.is_visible():
            page.get_by_role("button", name="🔗 Share").click()
        body.locator('input[type="file"]').set_input_files(str(path))
        expect(page.get_by_text(expected, exact=False).first, name).to_be_visible(timeout=60_000)
        settle(page)
        assert page.locator('[data-testid="stException"]').count() == 0, name
    page.context.close()


def test_the_longest_text_permalink_of_the_attention_page_reopens(browser, server):
    """The text box takes at most 1,500 characters: even 4-byte characters make a URL the server
    accepts, and the link restores the text."""
    url, _ = server
    text = "🙂" * 1500
    page = visit(browser, f"{url}/attention?text={quote(text)}", "Attention maps")
    assert page.locator('[data-testid="stException"]').count() == 0
    expect(page.locator("textarea").first).to_have_value(text, timeout=60_000)
    page.context.close()
