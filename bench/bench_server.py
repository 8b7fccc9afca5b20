"""A real server in a real browser: first page rendered after launch, and the server's memory after
visiting every page."""
from __future__ import annotations

import sys
import time
from pathlib import Path

from bench.common import ROOT, Row
from ui.catalogue import PAGES


def run() -> list[Row]:
    sys.path.insert(0, str(ROOT / "tests"))
    from playwright.sync_api import sync_playwright
    import conftest  # noqa: F401  (first, as under pytest: browser_support reads its paths)
    from browser_support import ARGS, CHROMIUM, HERO, IDLE, rss_mb, streamlit_server

    if not Path(CHROMIUM).exists():
        return [Row("server", "skipped: Debian chromium not installed", 0.0)]
    rows = []
    launch = time.perf_counter()
    with streamlit_server() as (url, pid, _), sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        page.goto(url + "/")
        page.get_by_role("heading", level=1).first.wait_for(timeout=60_000)
        page.wait_for_selector(IDLE, timeout=60_000)
        rows.append(Row("server", "home rendered in the browser, from server launch", time.perf_counter() - launch,
                        target="≤ 6 s"))
        rows.append(Row("server", "server RSS after the home page", rss_mb(pid), unit="MB"))
        for info in PAGES:
            page.goto(f"{url}/{info.slug}")
            page.locator(HERO).first.wait_for(timeout=180_000)
            page.wait_for_selector(IDLE, timeout=180_000)
            rows.append(Row("server", f"server RSS after also opening {info.slug}", rss_mb(pid), unit="MB"))
        rows.append(Row("server", "server RSS after visiting every page", rss_mb(pid), unit="MB", target="≤ 1,200 MB"))
        browser.close()
    return rows
