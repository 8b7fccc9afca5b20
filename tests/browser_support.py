"""Real-browser plumbing shared by every browser test: Debian Chromium driven by Playwright against a
real `streamlit run` on 127.0.0.1 with the server's network cut off (tests/offline). One Chromium and
one shared server per test session (`browser`, `server` fixtures, re-exported by conftest); tests that
need a fresh server use `streamlit_server()`. Screenshots go to test-artifacts/browser/."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.support import ARTIFACTS, OFFLINE_DIR, ROOT

CHROMIUM = "/usr/bin/chromium"
SHOTS = ARTIFACTS / "browser"
TIMINGS = ARTIFACTS / "browser_timings.json"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-default-apps", "--disable-extensions"]
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
HERO = '.js-plotly-plot, [data-testid="stImage"]'  # a page's hero is a chart or an image


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def streamlit_server():
    """A fresh server (no network) -> (base URL, pid, seconds until healthy)."""
    port = free_port()
    env = dict(os.environ, PYTHONPATH=f"{OFFLINE_DIR}{os.pathsep}{ROOT}", HF_HUB_OFFLINE="1",
               MALLOC_ARENA_MAX="2")  # as scripts/run.sh starts it
    log = open(ARTIFACTS / f"server-{port}.log", "w")
    start = time.time()
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "streamlit_app.py",
                             "--server.headless=true", "--server.address=127.0.0.1",
                             f"--server.port={port}", "--server.fileWatcherType=none",
                             "--browser.gatherUsageStats=false"],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        while time.time() - start < 60:
            try:
                if urllib.request.urlopen(url + "/_stcore/health", timeout=1).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("streamlit did not become healthy in 60 s")
        yield url, proc.pid, time.time() - start
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def record(key: str, value) -> None:
    data = json.loads(TIMINGS.read_text()) if TIMINGS.exists() else {}
    data[key] = value
    TIMINGS.write_text(json.dumps(data, indent=2))


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is missing: run `bash scripts/setup.sh --test`")
    from playwright.sync_api import sync_playwright
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def server():
    with streamlit_server() as (url, pid, _):
        yield url, pid


def wait_rendered(page, text: str, timeout: float = 90_000) -> None:
    from playwright.sync_api import expect
    expect(page.get_by_role("heading", level=1).first).to_contain_text(text, timeout=timeout)
    page.wait_for_selector(IDLE, timeout=timeout)
    assert page.locator('[data-testid="stException"]').count() == 0, "the page shows a traceback"


def new_page(browser, width=1280, height=720):
    context = browser.new_context(viewport={"width": width, "height": height})
    return context.new_page()


def visit(browser, address: str, title: str, hero: bool = False, timeout: float = 90_000):
    """A new 1280x720 tab at `address`, rendered (its title shown) and idle, and with `hero` its first
    chart or image drawn."""
    page = new_page(browser)
    page.goto(address)
    wait_rendered(page, title, timeout=timeout)
    if hero:
        page.locator(HERO).first.wait_for(timeout=timeout)
    return page


def open_view(browser, url: str, info, query: str = "", hero: bool = True):
    """A new 1280x720 tab on `info`'s page with `query`, rendered and idle (and its hero drawn)."""
    return visit(browser, f"{url}/{info.slug}" + (f"?{query}" if query else ""), info.title, hero)


def reruns(page) -> int:
    """How many script runs the page's session has started so far (counted in the browser from
    Streamlit's own "running" state changes): compare before and after an interaction to prove that
    it cost no server rerun."""
    return page.evaluate("() => window.__gallery_runs || 0")


COUNT_RUNS = """() => { if (window.__gallery_counter) return;
  window.__gallery_runs = 0; window.__gallery_counter = true;
  const app = document.querySelector('[data-testid="stApp"]');
  new MutationObserver(() => { if (app.getAttribute('data-test-script-state') === 'running') window.__gallery_runs++; })
    .observe(app, {attributes: true, attributeFilter: ['data-test-script-state']}); }"""


def count_reruns(page) -> None:
    """Start counting script runs of this page (see `reruns`)."""
    page.evaluate(COUNT_RUNS)


def until_it_shows(act, shows, tries: int = 3) -> None:
    """Do `act()` (click a Plotly player's ▶ Play, or its slider rail), then `shows()`: a Playwright
    expectation that raises if the chart did not follow. A chart still settling after its first render,
    or a busy browser, can swallow one click; a person clicks again, and so does this (at most `tries`
    times). The expectation itself is never relaxed."""
    from playwright.sync_api import Error as PlaywrightError
    for attempt in range(tries):
        act()
        try:
            shows()
            return
        except (AssertionError, PlaywrightError):
            if attempt == tries - 1:
                raise


# Text that does not read on a slide, found in the browser from each text node's own boxes (a Range):
# text reaching past an ancestor that clips it ("Moment…", "Ill-conditioned qu"), or a word whose
# letters land on two lines (the browser broke it: "Digit s" / "ize"), or a text box's value wider than
# the box (a select shows its value in one: "Ill-conditioned qu"). Invisible text (a slider's
# min/max shown on hover), charts and code are skipped.
CUT_TEXT = """(root) => {
  const bad = [], top = document.querySelector(root) || document.body;
  const walker = document.createTreeWalker(top, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, text = node.textContent, el = node.parentElement;
    if (!text.trim() || el.closest('svg, .js-plotly-plot, code, [aria-hidden="true"]')) continue;
    const css = getComputedStyle(el);
    if (css.visibility === 'hidden' || css.opacity === '0' || !el.getClientRects().length) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const box = range.getBoundingClientRect();
    if (!box.width) continue;
    for (let a = el; a && a !== top.parentElement; a = a.parentElement) {
      const ov = getComputedStyle(a).overflowX;
      if (ov === 'visible') continue;
      const clip = a.getBoundingClientRect();
      if (box.right > clip.right + 1 || box.left < clip.left - 1) { bad.push(`cut: ${text.trim()}`); break; }
    }
    const words = /[\\p{L}\\p{N}][^\\s\\-/]*/gu;  // a break after a hyphen or slash is allowed
    for (let m; (m = words.exec(text)); ) {
      range.setStart(node, m.index); range.setEnd(node, m.index + m[0].length);
      const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
      if (lines.size > 1) { bad.push(`split word "${m[0]}" in: ${text.trim()}`); break; }
    }
  }
  for (const input of top.querySelectorAll('input[type="text"], input:not([type])'))  // a select's value
    if (input.value && input.getClientRects().length && input.scrollWidth > input.clientWidth + 1)
      bad.push(`cut: ${input.value}`);
  return [...new Set(bad)];
}"""

# The hero's extent: the union of a page's charts and images in the first screen (px, top and height)
HERO_BOX = """() => {
  let top = Infinity, bottom = -Infinity;
  for (const el of document.querySelectorAll('.js-plotly-plot, [data-testid="stImage"] img')) {
    const b = el.getBoundingClientRect();
    if (!b.height || b.top >= window.innerHeight) continue;
    top = Math.min(top, b.top); bottom = Math.max(bottom, Math.min(b.bottom, window.innerHeight));
  }
  return top === Infinity ? {top: 0, height: 0} : {top: Math.round(top), height: Math.round(bottom - top)};
}"""

# Chart text on screen smaller than `min` px (tick labels, legends, annotations, bar and cell labels)
SMALL_CHART_TEXT = """(min) => {
  const small = [];
  for (const t of document.querySelectorAll('.js-plotly-plot svg text')) {
    const box = t.getBoundingClientRect();
    if (!t.textContent.trim() || !box.width || box.top > innerHeight) continue;
    const size = parseFloat(getComputedStyle(t).fontSize);
    if (size < min) small.push(`${size}px: ${t.textContent.slice(0, 30)}`);
  }
  return small;
}"""
