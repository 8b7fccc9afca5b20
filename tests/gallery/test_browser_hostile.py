"""Hostile input through the real widgets in Chromium: the bad-input corpus through every page's own
uploader, hostile manifests through the Share menu's restore, and the longest permalink a page can
produce reopened. Every input ends in a clear message or a result, never a traceback, and the page
keeps working afterwards."""
from __future__ import annotations

import json
from urllib.parse import quote, urlsplit

import pytest
from playwright.sync_api import expect

from demos.text import WORD_JOINER
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
                   "ignored “EMBED” (not a parameter of this page)"),
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
        body.locator('.st-key-_ui_manifest_file input[type="file"]').set_input_files(str(path))  # not the lesson file's
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


# ---------------------------------------------------------------- user strings render as literal text
MARKUP = {  # hostile string -> what Streamlit's Markdown would make of it if it were not escaped
    "image": "![](//example.org/p.png)",  # an <img>: the viewer's browser fetches the URL
    "link": "[click](//example.org)",  # a live <a>
    "autolink": "www.example.org",  # GFM turns a bare www. address into an <a>
    "html": "<img src=//example.org/q.png>",
    "latex": "$\\frac{1}{2}$",  # KaTeX
    "colour": ":red[red] :material/home:",  # Streamlit's directives: a coloured span, an icon
    "emphasis": "*em* _it_ `code`",
}
# what none of these may create inside a message: never a link, image, formula, colour or icon; and
# no code, emphasis, heading or list item holding a piece of the string (the messages' own `code` is fine)
NEVER = "a, img, .katex, span[style*='color'], [data-testid='stIconMaterial']"
MARKUP_OF_TEXT = "code, em, h1, h2, h3, li"  # (file names are shown in the message's own bold)


def alerts_are_literal(page, hostile: str) -> None:
    """Some message shows `hostile` as its own characters, and no message holds markup made from it."""
    alerts = page.locator('[data-testid="stAlert"]')
    texts = [t.replace(WORD_JOINER, "") for t in alerts.all_inner_texts()]  # invisible, see demos.text
    assert any(hostile in t for t in texts), (hostile, texts)
    no_markup(page, hostile)


def no_markup(page, hostile: str) -> None:
    alerts = page.locator('[data-testid="stAlert"]')
    assert alerts.locator(NEVER).count() == 0, (hostile, [a.inner_html() for a in alerts.all()])
    made = [t for t in alerts.locator(MARKUP_OF_TEXT).all_inner_texts() if t.strip() and t.strip() in hostile]
    assert not made, (hostile, made)
    assert page.locator('[data-testid="stException"]').count() == 0


def test_user_strings_in_messages_render_as_literal_text(browser, server, tmp_path):
    """Each Markdown, LaTeX, HTML and :colour[] string through each way a user string reaches a message:
    an unknown URL parameter, a bad URL value (the backprop page's values and expression), a typed
    grid, a manifest's page and key, an upload's file name and a CSV's labels. Every message shows
    the string itself; none holds a link, image, code, emphasis, formula, colour or icon; and the
    browser never asks example.org for anything."""
    url, _ = server
    requested = []
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    context.on("request", lambda r: requested.append(r.url) if urlsplit(r.url).hostname != "127.0.0.1" else None)
    page = context.new_page()
    for name, hostile in MARKUP.items():
        for address, title in ((f"model_zoo?x={quote(hostile)}", "Model zoo"),
                               (f"backprop?graph=expression&values={quote('a = ' + hostile)}", "Backprop"),
                               (f"backprop?graph=expression&expr={quote(hostile)}", "Backprop"),
                               (f"convolutions?typed=1&grid={quote('1 ' + hostile)}", "Convolutional")):
            page.goto(f"{url}/{address}")
            wait_rendered(page, title)
            shown = hostile if "expr" not in address else None
            if shown is not None:
                alerts_are_literal(page, shown.split(" ")[0][:12] if "grid" in address else shown)  # a grid quotes 12
            else:  # the expression's message quotes Python's parser, not the text: no markup from it
                no_markup(page, hostile)
        page.goto(f"{url}/model_zoo")
        wait_rendered(page, "Model zoo")
        for doc, expected in (({"page": hostile, "params": {}}, hostile),
                              ({"page": "model_zoo", "params": {hostile: "1"}}, hostile)):
            path = tmp_path / f"{name}.json"
            path.write_text(json.dumps(doc))
            body = page.locator('[data-testid="stPopoverBody"]')
            if not body.first.is_visible():
                page.get_by_role("button", name="🔗 Share").click()
            body.locator('.st-key-_ui_manifest_file input[type="file"]').set_input_files(str(path))  # not the lesson file's
            notice = page.locator('[data-testid="stAlert"]').filter(has_text="manifest")
            expect(notice.first, name).to_be_visible(timeout=60_000)
            settle(page)
            alerts_are_literal(page, expected)
        page.goto(f"{url}/model_zoo?source=upload")
        wait_rendered(page, "Model zoo")
        path = tmp_path / (hostile.replace("/", "∕") + ".png")  # a file name cannot hold a slash
        path.write_bytes(b"not an image")
        page.locator('[data-testid="stFileUploader"] input[type="file"]').first.set_input_files(str(path))
        expect(page.get_by_text("Could not use").first).to_be_visible(timeout=60_000)
        settle(page)
        alerts_are_literal(page, path.name[:40])
        page.goto(f"{url}/playground?data=upload")
        wait_rendered(page, "playground", timeout=300_000)
        labels = [hostile, "2" + hostile, "third"]  # three classes: the message lists them (24 characters each)
        csv = "\n".join(f"{i},{i % 3},{labels[i % 3]}" for i in range(9)).encode()
        path = tmp_path / f"{name}.csv"
        path.write_bytes(csv)
        page.locator('[data-testid="stFileUploader"] input[type="file"]').first.set_input_files(str(path))
        expect(page.get_by_text("exactly 2 classes").first).to_be_visible(timeout=60_000)
        settle(page)
        alerts_are_literal(page, hostile[:20])
    assert requested == [], requested
    context.close()
