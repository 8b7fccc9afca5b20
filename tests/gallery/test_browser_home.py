"""The home page in a real browser (Debian Chromium against `streamlit run`, network cut off): the
newcomer's path and the glossary are on it, every glossary link opens its page, and no card title or
sidebar label is cut or has a word broken across two lines. Screenshots go to test-artifacts/browser/."""
from __future__ import annotations

import re

import pytest

from tests.browser_support import SHOTS, new_page, wait_rendered
from ui.catalogue import CARDS_PER_ROW, PAGES, by_slug, grid_rows
from ui.primer import GLOSSARY, START_PATH

pytestmark = pytest.mark.browser

HOME = "Deep-learning concept gallery"

# For each navigation-link label (card titles, path steps, glossary terms in the body; the sidebar's
# pages): how far its text overflows any box between it and its link (which would cut it), and every
# word that is wider than the label's box (measured on a canvas in the label's own font, so it could only
# fit by breaking) or that the browser laid out over more than one line. A compound such as "few-shot"
# may break after its hyphen, as in print: its parts ("few-", "shot") are the words here.
LABELS = """() => {
  const canvas = document.createElement('canvas').getContext('2d');
  return [...document.querySelectorAll('[data-testid="stPageLink"] a [data-testid="stMarkdownContainer"] p')].map(p => {
    const style = getComputedStyle(p);
    canvas.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    let overflow = 0;
    for (let box = p; box && box.tagName !== 'A'; box = box.parentElement)
      overflow = Math.max(overflow, box.scrollWidth - box.clientWidth, box.scrollHeight - box.clientHeight);
    const words = [], walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const weight = getComputedStyle(node.parentElement).fontWeight;  // **bold** labels are <strong>
      canvas.font = `${style.fontStyle} ${weight} ${style.fontSize} ${style.fontFamily}`;
      for (const match of node.data.matchAll(/[^\\s-]+-?/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        words.push({word: match[0], width: canvas.measureText(match[0]).width, lines: lines.size});
      }
    }
    const width = p.clientWidth;
    return {text: p.innerText, sidebar: !!p.closest('[data-testid="stSidebar"]'), overflow,
            width, broken: words.filter(w => w.width > width + 1 || w.lines > 1).map(w => w.word)};
  });
}"""


def open_home(browser, url: str, width: int = 1280, height: int = 720):
    page = new_page(browser, width, height)
    page.goto(url + "/")
    wait_rendered(page, HOME)
    page.get_by_text("Glossary: the overview questions").wait_for(timeout=30_000)
    return page


def settled(page, script: str, tries: int = 20):
    """What `script` reads once two reads 0.3 s apart agree: the sidebar slides open and fonts load
    after the script is idle, and a label measured mid-way is cut by a layout that is not the final one."""
    last = page.evaluate(script)
    for _ in range(tries):
        page.wait_for_timeout(300)
        now = page.evaluate(script)
        if now == last:
            return now
        last = now
    raise AssertionError("the home's layout did not settle in 6 s")


@pytest.mark.parametrize("size", [(1400, 900), (1024, 720)], ids=["1400", "1024"])
def test_no_card_title_or_sidebar_label_is_cut(browser, server, size):
    page = open_home(browser, server[0], *size)
    page.wait_for_selector('[data-testid="stSidebar"] [data-testid="stPageLink"]')
    labels = settled(page, LABELS)
    body = {label["text"] for label in labels if not label["sidebar"]}
    sidebar = {label["text"] for label in labels if label["sidebar"]}
    for info in PAGES:  # every title is measured, in the cards and in the sidebar
        assert info.title in body and info.title in sidebar, info.title
    for label in labels:
        where = "sidebar" if label["sidebar"] else "body"
        assert label["overflow"] <= 1, f"{where}: “{label['text']}” is cut by {label['overflow']}px"
        assert not label["broken"], f"{where}: “{label['text']}” breaks {label['broken']} ({label['width']}px wide)"
    page.screenshot(path=SHOTS / f"home-{size[0]}.png", full_page=True)
    page.context.close()


@pytest.mark.parametrize("size", [(1400, 900), (1024, 720)], ids=["1400", "1024"])
def test_the_cards_form_an_even_grid(browser, server, size):
    """Rows of CARDS_PER_ROW cards (the last may be shorter) of one width, each row's cards starting at
    one height, whatever the length of the section headings above them."""
    page = open_home(browser, server[0], *size)
    page.locator('[data-testid="stMain"] [data-testid="stImage"] img').nth(len(PAGES) - 1).wait_for()  # every card drawn
    cards = settled(page, """() => [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stImage"]')]
      .map(img => img.closest('[data-testid="stVerticalBlockBorderWrapper"], [data-testid="stVerticalBlock"]'))
      .map(card => { const r = card.getBoundingClientRect(); return {top: r.top, width: r.width}; })""")
    rows = grid_rows()
    assert len(cards) == len(PAGES) == sum(len(pages) for row in rows for _, pages in row)
    start = 0
    for row in rows:
        count = sum(len(pages) for _, pages in row)
        tops = [c["top"] for c in cards[start:start + count]]
        assert (count == CARDS_PER_ROW or row is rows[-1]) and max(tops) - min(tops) <= 1, (row[0][0], tops)
        start += count
    widths = [c["width"] for c in cards]
    assert max(widths) - min(widths) <= 8, widths  # nested columns' gaps differ by a few pixels
    page.context.close()


def test_the_path_and_the_glossary_are_shown_and_every_glossary_link_opens_its_page(browser, server):
    from playwright.sync_api import expect
    url, _ = server
    page = open_home(browser, url, 1400, 900)
    main = page.locator('[data-testid="stMain"]')
    expect(main.get_by_text(f"Start here: {len(START_PATH)} pages, in order")).to_be_visible()
    for number, (slug, why) in enumerate(START_PATH, 1):
        step = main.get_by_role("link", name=f"{number} · {by_slug(slug).title}")
        assert step.evaluate("a => new URL(a.href).pathname") == f"/{slug}", slug
        expect(main.get_by_text(why)).to_be_visible()
    for term in GLOSSARY:
        expect(main.get_by_text(term.definition)).to_be_visible()
    linked = [t for t in GLOSSARY if t.slug]
    for term in linked:  # every link leads to its page's path (each page's own rendering is tested per page)
        link = main.get_by_role("link", name=re.compile(re.escape(term.term) + r"\s*$")).first  # case kept:
        # "Supervised learning" is not the augmentation card's "…self-supervised learning"
        assert link.evaluate("a => new URL(a.href).pathname") == f"/{term.slug}", term.term
    term = linked[-1]  # and a click on a link really opens its page, in this tab
    main.get_by_role("link", name=re.compile(re.escape(term.term) + r"\s*$")).first.click()
    wait_rendered(page, by_slug(term.slug).title)
    assert page.url.split("?")[0].rstrip("/").endswith(f"/{term.slug}"), (term.term, page.url)
    assert page.get_by_text("Page not found").count() == 0
    page.context.close()
