"""Regenerate the gallery thumbnails (home cards and README) from the pages themselves, or shoot every
page of a checkout (for before/after comparisons of a layout change).

    .venv/bin/python scripts/screenshots.py            # every ui/thumbnails/<slug>.png, one command
    .venv/bin/python scripts/screenshots.py model_zoo  # only the pages named
    .venv/bin/python scripts/screenshots.py --shoot test-artifacts/before --root ../old-checkout

A thumbnail is a crop of the page's hero, not the whole page: the script starts its own server (network
cut off, as the browser tests run it), opens each page in presenter mode at 1280 x 720 in Debian
Chromium, waits until the script is idle, every hero image has loaded and every chart has drawn, and
the hero has stayed the same for a second (a page may rerun itself once a background job ends). It
then crops to the hero's charts and images (see `crop_hero`), scaled to THUMBNAIL_SIZE. A
result that looks blank (see `blankness`) is retried, then refused: the old file is kept and the
script exits with 1. tests/ui/test_thumbnails.py checks the committed files the same way.
"""
from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ui.catalogue import PAGES, THUMBNAIL_SIZE  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
MIN_MARKS = 0.012  # share of saturated or dark pixels: the lines, bars, photos and digits of a drawn hero
MAX_ONE_COLOUR = 0.97  # share of pixels within 8 levels of the commonest colour (the background)
# Measured: a page captured before its images loaded (the old style-transfer thumbnail) has 0.7 % marks
# and 95 % one colour; the sparsest real heroes (line charts) about 1.6 % marks, and up to 94 % one
# colour. Marks tell them apart; one colour only catches a crop of nearly nothing.


def blankness(image: Image.Image) -> tuple[float, float]:
    """(share of "marks": saturated or dark pixels, share of pixels within 8 levels of the commonest
    colour) of an image. A page captured before its hero drew is background, grey captions and empty
    grey boxes: few marks, one colour."""
    pixels = np.asarray(image.convert("RGB")).astype(np.int16).reshape(-1, 3)
    colours, counts = np.unique(pixels // 8, axis=0, return_counts=True)  # coarse bins find the background
    common = colours[counts.argmax()] * 8 + 4
    one_colour = float((np.abs(pixels - common).max(axis=1) <= 8).mean())
    chroma, grey = pixels.max(axis=1) - pixels.min(axis=1), pixels.mean(axis=1)
    return float(((chroma > 48) | (grey < 96)).mean()), one_colour


def looks_blank(image: Image.Image) -> str | None:
    """Why the image would make a useless thumbnail, or None if it is fine."""
    marks, one_colour = blankness(image)
    if marks < MIN_MARKS:
        return f"{marks:.1%} of the pixels are saturated or dark (< {MIN_MARKS:.1%})"
    if one_colour > MAX_ONE_COLOUR:
        return f"{one_colour:.0%} of the pixels are one colour (> {MAX_ONE_COLOUR:.0%})"
    return None


def crop_hero(shot: Image.Image, boxes: list[dict], scale: float, background: tuple[int, int, int],
              pad: int = 8) -> Image.Image:
    """The thumbnail from a full-page screenshot: everything outside the hero boxes (CSS px, times
    `scale` device px) painted `background`, so no half-cut button or caption of a neighbouring column
    shows; then the smallest box of THUMBNAIL_SIZE's shape around what is drawn there (charts carry
    wide empty margins), centred on it, scaled to THUMBNAIL_SIZE."""
    background = tuple(background)
    mask = Image.new("L", shot.size, 0)
    draw = ImageDraw.Draw(mask)
    for b in boxes:
        draw.rectangle([b["x"] * scale, b["y"] * scale, (b["x"] + b["width"]) * scale - 1,
                        (b["y"] + b["height"]) * scale - 1], fill=255)
    hero = Image.composite(shot.convert("RGB"), Image.new("RGB", shot.size, background), mask)
    ink = np.abs(np.asarray(hero).astype(np.int16) - background).max(axis=2) > 24
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    if not len(rows):
        return Image.new("RGB", THUMBNAIL_SIZE, background)
    left, top, right, bottom = cols[0] - pad, rows[0] - pad, cols[-1] + 1 + pad, rows[-1] + 1 + pad
    ratio = THUMBNAIL_SIZE[0] / THUMBNAIL_SIZE[1]
    width, height = right - left, bottom - top
    width, height = round(max(width, height * ratio)), round(max(height, width / ratio))
    x, y = (left + right - width) // 2, (top + bottom - height) // 2
    canvas = Image.new("RGB", (width, height), background)  # the box may reach past the page's edge
    canvas.paste(hero.crop((max(x, 0), max(y, 0), min(x + width, hero.width), min(y + height, hero.height))),
                 (max(-x, 0), max(-y, 0)))
    return canvas.resize(THUMBNAIL_SIZE, Image.Resampling.LANCZOS)


BACKGROUND = """() => getComputedStyle(document.querySelector('[data-testid="stApp"]')).backgroundColor
  .match(/\\d+/g).slice(0, 3).map(Number)"""
REJECTED = ROOT / "test-artifacts" / "thumbnails-rejected"

# Every visible hero element (a chart or an image) in the page body, once all are drawn; null while
# an image is loading, a chart has not drawn, or a placeholder still stands in for an element.
HERO_STATE = """() => {
  const main = document.querySelector('[data-testid="stMain"]') || document.body;
  if (main.querySelector('[data-testid="stSkeleton"]')) return null;
  const boxes = [];
  for (const el of main.querySelectorAll('.js-plotly-plot, [data-testid="stImage"]')) {
    const r = el.getBoundingClientRect();
    if (r.width < 20 || r.height < 20) continue;  // hidden (a closed popover, a collapsed tab)
    if (el.matches('.js-plotly-plot') && !(el._fullLayout && el.querySelector('.main-svg'))) return null;
    for (const img of el.querySelectorAll('img')) if (!img.complete || img.naturalWidth === 0) return null;
    boxes.push({x: r.x + window.scrollX, y: r.y + window.scrollY, width: r.width, height: r.height});
  }
  return boxes.length ? {boxes, width: document.documentElement.scrollWidth,
                         height: document.documentElement.scrollHeight} : null;
}"""


def wait_for_hero(page, timeout_s: float = 180) -> dict:
    """The hero's state once the script is idle and it reads the same twice, a second apart."""
    deadline, last = time.time() + timeout_s, None
    while time.time() < deadline:
        page.wait_for_selector(IDLE, timeout=timeout_s * 1000)
        state = page.evaluate(HERO_STATE)
        if state is not None and state == last and page.locator(IDLE).count():
            return state
        last = state
        page.wait_for_timeout(1000)
    raise TimeoutError("the hero did not settle")


@contextmanager
def server(root: Path, offline: bool = True):
    """`streamlit run` of the checkout at `root` on a free port (network cut off if the checkout has
    tests/offline) -> its base URL."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    path = [str(root)]
    if offline and (root / "tests" / "offline").is_dir():
        path.insert(0, str(root / "tests" / "offline"))
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.headless=true",
                             f"--server.port={port}", "--server.address=127.0.0.1", "--server.fileWatcherType=none",
                             "--browser.gatherUsageStats=false"],
                            cwd=root, env=dict(os.environ, PYTHONPATH=os.pathsep.join(path), HF_HUB_OFFLINE="1"),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(600):
            try:  # listening is enough: each page load waits for the app itself
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def thumbnails(slugs: list[str]) -> int:
    """Write ui/thumbnails/<slug>.png for the pages named (all if none): a 16:9 crop of each hero."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    chosen = [p for p in PAGES if not slugs or p.slug in slugs]
    if unknown := set(slugs) - {p.slug for p in PAGES}:
        print("no such page:", ", ".join(sorted(unknown)))
        return 2
    failed = []
    with server(ROOT) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        for info in chosen:
            for attempt in range(3):
                page = browser.new_page(viewport={"width": 1280, "height": 720}, device_scale_factor=2)
                try:
                    page.goto(f"{url}/{info.slug}?present=1")
                    state = wait_for_hero(page)
                    page.wait_for_timeout(500)  # a chart's last transition
                    shot = Image.open(io.BytesIO(page.screenshot(full_page=True)))
                    background = page.evaluate(BACKGROUND)
                except (TimeoutError, PlaywrightError) as error:  # e.g. a hero that never draws
                    print(f"{info.slug}: try {attempt + 1} failed: {str(error).splitlines()[0]}", flush=True)
                    continue
                finally:
                    page.close()
                image = crop_hero(shot, state["boxes"], shot.width / state["width"], background)
                image = image.quantize(256, method=Image.Quantize.FASTOCTREE)  # a third of the bytes
                if (reason := looks_blank(image)) is None:
                    break
                REJECTED.mkdir(parents=True, exist_ok=True)
                image.save(REJECTED / f"{info.slug}.png")
                print(f"{info.slug}: try {attempt + 1} looks blank ({reason}); see {REJECTED / info.slug}.png",
                      flush=True)
            else:
                failed.append(info.slug)
                continue
            image.save(info.thumbnail, optimize=True)
            marks, share = blankness(image)
            print(f"{info.thumbnail.relative_to(ROOT)}  {image.width}x{image.height}  marks {marks:.1%}  one colour {share:.0%}  "
                  f"{info.thumbnail.stat().st_size // 1024} KB", flush=True)
        browser.close()
    if failed:
        print("kept the old thumbnails of:", ", ".join(failed))
    return 1 if failed else 0


def shoot(out: Path, root: Path) -> int:
    """Every page of the checkout at `root` (its own catalogue, its own server): full page at 1280 and
    1024 px wide, and presenter mode at 1280 x 720."""
    import re

    from playwright.sync_api import sync_playwright

    slugs = [re.sub(r"^\d+_", "", f.stem) for f in sorted((root / "pages").glob("*.py"))]
    out.mkdir(parents=True, exist_ok=True)
    with server(root, offline=False) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        for slug in [""] + slugs:
            for name, (width, height), query in (("1280", (1280, 720), ""), ("1024", (1024, 720), ""),
                                                 ("present", (1280, 720), "?present=1")):
                page = browser.new_page(viewport={"width": width, "height": height})
                page.goto(f"{url}/{slug}{query}")
                page.wait_for_selector(IDLE, timeout=600_000)
                page.wait_for_timeout(1500)  # charts draw after the script ends
                page.screenshot(path=out / f"{slug or 'home'}-{name}.png", full_page=name != "present")
                more = page.get_by_role("button", name="⚙️ More controls")
                if name == "present" and more.count():  # and the slide's popover, opened
                    more.first.click()
                    page.locator('[data-testid="stPopoverBody"]').first.wait_for(state="visible")
                    page.wait_for_timeout(500)
                    page.screenshot(path=out / f"{slug}-present-popover.png")
                page.close()
            print(slug or "home", flush=True)
        browser.close()
    return 0


if __name__ == "__main__":
    if "--shoot" in sys.argv:
        args = dict(zip(sys.argv[1::2], sys.argv[2::2]))
        raise SystemExit(shoot(Path(args["--shoot"]).resolve(), Path(args.get("--root", ROOT)).resolve()))
    raise SystemExit(thumbnails(sys.argv[1:]))
