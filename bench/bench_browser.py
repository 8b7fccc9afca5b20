"""What a visitor waits for, measured in a real browser (Debian Chromium driven by Playwright against a
real `streamlit run`, the browser tests' own helpers): server start to a usable home page; every
page's and every tab's first view in a fresh browser once the server has warmed up; three hero
interactions per page plus the slow controls named in issue #26, each from input to the page settled
and its figures drawn, with the bytes the server sent for it; the same interactions with 1 and with 4
visitors at once (p50 / p95); and a classroom: 30 sessions opening one page's link within 10 s.

    python -m bench.bench_browser [--only SLUG ...] [--skip-classroom] [--only-classroom] [--cold] [--write]
                                  [--from-json FILE]

Targets (issue #26, idle machine): first view ≤ 2 s, server start to home ≤ 6 s, a hero control
< 1 s p95 for one visitor and < 2 s with four, a hero update under ~500 KB. Raw numbers go to
test-artifacts/bench_browser.json; `--write` replaces this benchmark's rows in BENCHMARKS.md.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote_plus

from bench.common import ROOT, Row

sys.path.insert(0, str(ROOT))
from tests.browser_support import ARGS, CHROMIUM, COUNT_RUNS, HERO, IDLE, rss_mb, streamlit_server  # noqa: E402
from ui.catalogue import PAGES  # noqa: E402

OUT = ROOT / "test-artifacts" / "bench_browser.json"
SETTLED = """() => new Promise(done => {  // no skeleton or spinner left, then two frames drawn
  const check = () => document.querySelector('[data-testid="stSkeleton"], [data-testid="stSpinner"]')
    ? setTimeout(check, 20) : requestAnimationFrame(() => requestAnimationFrame(() => done(true)));
  check(); })"""


@dataclass(frozen=True)
class Act:
    """One interaction: `target` is a widget key (its `.st-key-<key>` element; the widget's kind says
    what to do: a slider steps once by keyboard, a select box takes its next option or `value`, a
    number input steps up, a segmented control or radio takes `value` or its next option, a toggle
    flips), or "button:<label>" / "tab:<label>". `query` opens the page with it first (e.g. present=1),
    `popover` opens "⚙️ More controls" first."""
    slug: str
    target: str
    value: str = ""
    query: str = ""
    popover: bool = False

    @property
    def name(self) -> str:
        return (f"{self.target}{' → ' + self.value if self.value else ''}"
                f"{' (' + self.query + ')' if self.query else ''}")


# The slow controls named in issue #26's table (the first three widgets of each page are added to these)
NAMED = [Act("generative", "button:Mode collapse"), Act("generative", "latent"),
         Act("playground", "width"), Act("playground", "data", "Spiral"),
         Act("transfer_learning", "seeds", query="present=1", popover=True), Act("style_transfer", "style"),
         Act("recurrent", "lag"), Act("convolutions", "padding")]
WIDGETS = ('[data-testid="stSlider"], [data-testid="stSelectbox"], [data-testid="stNumberInput"], '
           '[data-testid="stButtonGroup"], [data-testid="stCheckbox"], [data-testid="stRadio"]')


async def first_widgets(page, n: int = 3) -> list[str]:
    """Keys of the first `n` keyed widgets in the main area, in reading order."""
    return await page.evaluate("""([sel, n]) => {
      const keys = [];
      for (const el of document.querySelectorAll('[data-testid="stMain"] [class*="st-key-"]')) {
        const key = [...el.classList].find(c => c.startsWith('st-key-')).slice(7);
        if (el.querySelector(sel) && !keys.includes(key) && !el.closest('[data-testid="stExpander"]')
            && !key.startsWith('preset_')) keys.push(key);
        if (keys.length >= n) break; }
      return keys; }""", [WIDGETS, n])


async def act(page, a: Act) -> None:
    """Do interaction `a` (see `Act`) on an open page."""
    if a.target.startswith("button:"):
        await page.get_by_role("button", name=a.target[7:], exact=True).first.click()
        return
    if a.target.startswith("tab:"):
        await page.get_by_role("tab", name=a.target[4:]).first.click()
        return
    box = page.locator(f".st-key-{a.target}").first
    kind = await box.evaluate("""el => ['stSlider', 'stSelectbox', 'stNumberInput', 'stButtonGroup', 'stCheckbox',
      'stRadio'].find(t => el.matches(`[data-testid="${t}"]`) || el.querySelector(`[data-testid="${t}"]`))""")
    if kind == "stSlider":
        thumb = box.locator('input[type="range"]').first
        at_max = await thumb.input_value() == await thumb.get_attribute("max")
        await thumb.focus()
        await page.keyboard.press("ArrowLeft" if at_max else "ArrowRight")
    elif kind == "stSelectbox":
        await box.get_by_role("combobox").first.click()
        if a.value:
            await page.get_by_role("option", name=a.value, exact=True).first.click()
        else:
            await page.keyboard.press("ArrowDown")
            await page.keyboard.press("Enter")
    elif kind == "stNumberInput":
        await box.locator('[data-testid="stNumberInputStepUp"]').first.click()
    elif kind in ("stButtonGroup", "stRadio"):  # a segmented control's buttons / a radio's labels
        options = box.get_by_role("radio") if kind == "stButtonGroup" else box.locator('[data-testid="stRadioOption"]')
        if a.value:
            await options.filter(has_text=a.value).first.click()
        else:
            for i in range(await options.count()):
                o = options.nth(i)
                if "true" not in (await o.get_attribute("aria-checked"), await o.get_attribute("data-selected")):
                    await o.click()
                    break
    elif kind == "stCheckbox":
        await box.locator("label").first.click()
    else:
        raise ValueError(f"no widget to act on under .st-key-{a.target}")


class Wire:
    """Bytes the server sends a page over its websocket."""

    def __init__(self, page) -> None:
        self.bytes, self.last = 0, None
        page.on("websocket", lambda ws: ws.on("framereceived", self.add))

    def add(self, payload) -> None:
        self.bytes += len(payload)
        self.last = time.perf_counter()  # when the server's latest message arrived


async def open_page(browser, url: str, slug: str, query: str = "", timeout: float = 180_000):
    """A fresh context (a new visitor) at the page: (page, seconds until hero drawn, idle and settled,
    bytes received)."""
    context = await browser.new_context(viewport={"width": 1280, "height": 720})
    page = await context.new_page()
    wire = Wire(page)
    start = time.perf_counter()
    await page.goto(f"{url}/{slug}" + (f"?{query}" if query else ""), timeout=timeout)
    await page.get_by_role("heading", level=1).first.wait_for(timeout=timeout)
    await page.wait_for_selector(IDLE, timeout=timeout)
    await page.locator(HERO).first.wait_for(timeout=timeout)
    await page.wait_for_selector(IDLE, timeout=timeout)
    await page.evaluate(SETTLED)
    seconds = time.perf_counter() - start
    errors = await page.locator('[data-testid="stException"]').count()
    if errors:
        raise AssertionError(f"{slug}?{query} shows a traceback")
    await page.evaluate(COUNT_RUNS)
    page.wire = wire
    return page, seconds, wire.bytes


async def timed(page, a: Act, timeout: float = 300_000) -> tuple[float, int]:
    """(seconds from input to the page settled, bytes received meanwhile) for interaction `a`."""
    if a.popover:
        await page.get_by_role("button", name="⚙️ More controls").first.click()
        await page.locator('[data-testid="stPopoverBody"]').first.wait_for(state="visible")
    runs = await page.evaluate("() => window.__gallery_runs || 0")
    sent = page.wire.bytes
    start = time.perf_counter()
    await act(page, a)
    try:  # a control the browser answers alone (a player) never reruns the script
        await page.wait_for_function(f"() => (window.__gallery_runs || 0) > {runs}", timeout=3_000)
    except Exception:  # noqa: BLE001  (no rerun: nothing more to wait for on the server)
        pass
    await page.wait_for_selector(IDLE, timeout=timeout)
    await page.evaluate(SETTLED)
    return time.perf_counter() - start, page.wire.bytes - sent


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(q * (len(values) - 1))))]


async def views(browser, url: str, info) -> dict:
    """First view of the page and of each of its tabs, each in a fresh context."""
    out = {}
    for label in [None, *info.tabs[1:]]:
        query = "" if label is None else "view=" + quote_plus(label)
        page, seconds, sent = await open_page(browser, url, info.slug, query)
        out[label or "(default view)"] = {"seconds": seconds, "bytes": sent}
        await page.context.close()
    return out


async def interactions(browser, url: str, slug: str, visitors: int) -> list[dict]:
    """The page's hero interactions by `visitors` sessions at once (each on its own fresh page)."""
    probe, _, _ = await open_page(browser, url, slug)
    acts = [Act(slug, key) for key in await first_widgets(probe)] + [a for a in NAMED if a.slug == slug]
    await probe.context.close()
    results = []

    async def visitor(i: int) -> None:
        for a in acts:
            page, _, _ = await open_page(browser, url, slug, a.query)
            seconds, sent = await timed(page, a)
            results.append({"act": a.name, "visitor": i, "seconds": seconds, "bytes": sent})
            await page.context.close()

    await asyncio.gather(*(visitor(i) for i in range(visitors)))
    return results


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time so far of these processes (Linux /proc; 0 for one that has gone)."""
    import os
    tick, total = os.sysconf("SC_CLK_TCK"), 0.0
    for p in pids:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime (fields 14 and 15 of stat)
    return total


def chromium_pids() -> list[int]:
    return [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit()
            and "chrom" in (p / "comm").read_text(errors="replace") if (p / "comm").exists()]


async def classroom(browser, url: str, pid: int, slug: str, sessions: int = 30, within: float = 10.0) -> dict:
    """`sessions` visitors open the page's link at random moments within `within` seconds: seconds
    until each sees its hero, seconds until the server's last message of that first view arrived, the
    CPU time the server and the (one, shared) Chromium spent meanwhile, and the server's memory before
    and after. On one 2-core machine the 30 browser tabs compete with the server for the same cores,
    which a real class (30 laptops) does not: the server's CPU time is what the class costs the host."""
    before, rng = rss_mb(pid), random.Random(0)
    server_cpu, browser_cpu = cpu_seconds([pid]), cpu_seconds(chromium_pids())

    async def one(delay: float) -> tuple[float, float] | None:  # None: never saw the hero (counted, not fatal)
        await asyncio.sleep(delay)
        start = time.perf_counter()
        try:
            page, _, _ = await open_page(browser, url, slug, timeout=600_000)
        except Exception:  # noqa: BLE001  (a timed-out visitor is a result of the classroom, not a crash)
            return None
        seconds, served = time.perf_counter() - start, (page.wire.last or start) - start
        await page.context.close()
        return seconds, served

    times = [t for t in await asyncio.gather(*(one(rng.uniform(0, within)) for _ in range(sessions)))]
    done = [t for t in times if t is not None]
    return {"slug": slug, "seconds": [t[0] for t in done], "served": [t[1] for t in done],
            "failed": sum(t is None for t in times), "rss_before_mb": before, "rss_after_mb": rss_mb(pid),
            "server_cpu_s": cpu_seconds([pid]) - server_cpu, "browser_cpu_s": cpu_seconds(chromium_pids()) - browser_cpu}


async def measure(slugs: list[str], with_classroom: bool, classroom_slug: str) -> dict:
    from playwright.async_api import async_playwright
    out: dict = {"date": time.strftime("%Y-%m-%d"), "pages": {}}
    launch = time.perf_counter()
    with streamlit_server() as (url, pid, healthy):
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
            context = await browser.new_context(viewport={"width": 1280, "height": 720})
            home = await context.new_page()
            await home.goto(url + "/")
            await home.get_by_role("heading", level=1).first.wait_for(timeout=120_000)
            await home.wait_for_selector(IDLE, timeout=120_000)
            out["home_s"], out["healthy_s"] = time.perf_counter() - launch, healthy
            await context.close()
            await warm_up(browser, url, slugs or ([classroom_slug] if with_classroom else []))
            out["rss_warm_mb"] = rss_mb(pid)
            if slugs:
                out["visited"] = await visited_views(browser, url, slugs)
            for slug in slugs:
                info = next(p for p in PAGES if p.slug == slug)
                out["pages"][slug] = {"views": await views(browser, url, info),
                                      "one": await interactions(browser, url, slug, 1),
                                      "four": await interactions(browser, url, slug, 4)}
                print(slug, json.dumps(summary(out["pages"][slug])), flush=True)
                save(out)  # after every page: a later failure keeps what was measured
            if with_classroom:
                out["classroom"] = await classroom(browser, url, pid, classroom_slug)
            await browser.close()
    return out


async def visited_views(browser, url: str, slugs: list[str]) -> dict:
    """A visitor moving on through the gallery: one context that has opened the home page and one page
    with a chart (Streamlit's and Plotly's scripts now in its cache), then each page's link in turn:
    seconds until its hero is drawn and the page settled."""
    context = await browser.new_context(viewport={"width": 1280, "height": 720})
    page, out = await context.new_page(), {}
    for slug in ["", slugs[-1], *slugs]:
        start = time.perf_counter()
        await page.goto(f"{url}/{slug}")
        await page.get_by_role("heading", level=1).first.wait_for(timeout=180_000)
        await page.wait_for_selector(IDLE, timeout=180_000)
        if slug:
            await page.locator(HERO).first.wait_for(timeout=180_000)
            await page.wait_for_selector(IDLE, timeout=180_000)
        await page.evaluate(SETTLED)
        out[slug] = round(time.perf_counter() - start, 2)
    await context.close()
    return {slug: out[slug] for slug in slugs}


async def cold_views(slugs: list[str]) -> dict:
    """The first visitor after a restart: for each page a freshly started server, and the page's link
    opened directly in a fresh context (seconds until the hero is drawn and the page settled; KB sent)."""
    from playwright.async_api import async_playwright
    out = {}
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        for slug in slugs:
            with streamlit_server() as (url, _, _):
                page, seconds, sent = await open_page(browser, url, slug, timeout=300_000)
                await page.context.close()
            out[slug] = {"seconds": round(seconds, 2), "kb": round(sent / 1000, 1)}
            print(slug, "cold", out[slug], flush=True)
        await browser.close()
    return out


async def warm_up(browser, url: str, slugs: list[str]) -> None:
    """'Once the server has warmed up': its background warm-up (ui.warmup) loads the models; each page
    is then opened once in a throwaway context, so what a first visitor of the day pays (default results
    computed once for everyone) is not counted in every row."""
    for slug in slugs:
        page, _, _ = await open_page(browser, url, slug)
        await page.context.close()


def save(out: dict) -> None:
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(out, indent=1))


def summary(page: dict) -> dict:
    one = [r["seconds"] for r in page["one"]]
    four = [r["seconds"] for r in page["four"]]
    return {"views_max_s": round(max(v["seconds"] for v in page["views"].values()), 2),
            "one_p50": round(statistics.median(one), 2), "one_p95": round(pct(one, 0.95), 2),
            "four_p50": round(statistics.median(four), 2), "four_p95": round(pct(four, 0.95), 2),
            "kb_max": round(max(r["bytes"] for r in page["one"]) / 1000, 1)}


def rows(out: dict) -> list[Row]:
    r = [Row("browser", "server start → home page usable", out["home_s"], target="≤ 6 s")]
    for slug, page in out["pages"].items():
        for view, v in page["views"].items():
            r.append(Row(f"browser: {slug}", f"first view, {view} ({v['bytes'] / 1000:,.0f} KB)", v["seconds"],
                         target="≤ 2 s"))
        by_act: dict[str, list[dict]] = {}
        for x in page["one"]:
            by_act.setdefault(x["act"], []).append(x)
        for name, xs in by_act.items():
            r.append(Row(f"browser: {slug}", f"{name}: input → settled, 1 visitor ({xs[0]['bytes'] / 1000:,.0f} KB sent)",
                         xs[0]["seconds"], target="< 1 s; ≤ 500 KB"))
        s = summary(page)
        r.append(Row(f"browser: {slug}", "hero interactions, 1 visitor, p50 / p95", s["one_p50"],
                     target=f"p95 {s['one_p95']:.2f} s (< 1 s)"))
        r.append(Row(f"browser: {slug}", "hero interactions, 4 visitors at once, p50 / p95", s["four_p50"],
                     target=f"p95 {s['four_p95']:.2f} s (< 2 s)"))
    for slug, seconds in out.get("visited", {}).items():
        r.append(Row(f"browser: {slug}", "first view after the visitor's first page (scripts cached)", seconds,
                     target="≤ 2 s"))
    for slug, v in out.get("cold", {}).items():
        r.append(Row(f"browser: {slug}", f"cold first view: a server just started, the link opened directly "
                     f"({v['kb']:,.0f} KB)", v["seconds"], target="(imports and models load in this request)"))
    if "classroom" in out:
        c = out["classroom"]
        r.append(Row("browser: classroom", f"30 sessions open {c['slug']} within 10 s: until each sees its hero, "
                     f"p50 / slowest ({c.get('failed', 0)} never saw it)",
                     statistics.median(c["seconds"]) if c["seconds"] else float("nan"),
                     target=f"slowest {max(c['seconds'], default=float('nan')):.1f} s"))
        r.append(Row("browser: classroom", "server RSS before / after the classroom", c["rss_after_mb"], unit="MB",
                     target=f"before {c['rss_before_mb']:,.0f} MB"))
        if "server_cpu_s" in c:
            r.append(Row("browser: classroom", "server's last message of each first view, p50 / slowest",
                         statistics.median(c["served"]) if c["served"] else float("nan"),
                         target=f"slowest {max(c['served'], default=float('nan')):.1f} s"))
            r.append(Row("browser: classroom", "CPU time of the 30 first views: server (Chromium alongside)",
                         c["server_cpu_s"], target=f"Chromium {c['browser_cpu_s']:,.0f} s"))
    return r


def run(slugs: list[str] | None = None, with_classroom: bool = True, classroom_slug: str = "playground",
        cold: bool = False) -> list[Row]:
    if not Path(CHROMIUM).exists():
        return [Row("browser", "skipped: Debian chromium not installed", 0.0)]
    slugs = [p.slug for p in PAGES] if slugs is None else slugs
    out = asyncio.run(measure(slugs, with_classroom, classroom_slug))
    if cold:
        out["cold"] = asyncio.run(cold_views(slugs))
    save(out)
    return rows(out)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="page slugs (default: every page)")
    parser.add_argument("--skip-classroom", action="store_true")
    parser.add_argument("--classroom", default="playground", help="the page the classroom opens")
    parser.add_argument("--only-classroom", action="store_true", help="the classroom alone (no page is measured)")
    parser.add_argument("--cold", action="store_true", help="also each page's first view on a freshly started server")
    parser.add_argument("--write", action="store_true", help="replace this benchmark's rows in BENCHMARKS.md")
    parser.add_argument("--from-json", type=Path, help="the rows of a saved run (test-artifacts/bench_browser.json) "
                        "instead of measuring again")
    args = parser.parse_args()
    measured = (rows(json.loads(args.from_json.read_text())) if args.from_json else
                run([] if args.only_classroom else args.only, not args.skip_classroom, args.classroom, args.cold))
    from bench.run import machine, table, write_rows
    print(table(measured))
    print(machine())
    if args.write:
        write_rows(measured, "browser")
