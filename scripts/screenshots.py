"""Regenerate the gallery thumbnails (home cards and README) from the browser tests' screenshots, or
shoot every page of a checkout (for before/after comparisons of a layout change).

    bash scripts/test.sh -m browser      # writes test-artifacts/browser/<page>-present.png
    .venv/bin/python scripts/screenshots.py
    .venv/bin/python scripts/screenshots.py --shoot test-artifacts/before --root ../old-checkout
"""
from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ui.catalogue import PAGES  # noqa: E402

SOURCE = ROOT / "test-artifacts" / "browser"
SIZE = (640, 360)  # 16:9, like the slide the presenter screenshot was taken for


def main() -> int:
    missing = []
    for page in PAGES:
        shot = SOURCE / f"{page.slug}-present.png"
        if not shot.exists():
            missing.append(shot.name)
            continue
        page.thumbnail.parent.mkdir(parents=True, exist_ok=True)
        image = Image.open(shot).convert("RGB")
        image.thumbnail(SIZE, Image.Resampling.LANCZOS)
        image.save(page.thumbnail, optimize=True)
        print(f"{page.thumbnail.relative_to(ROOT)}  ({image.width}×{image.height})")
    if missing:
        print("missing (run the browser tests first):", ", ".join(missing))
    return 1 if missing else 0


def shoot(out: Path, root: Path) -> int:
    """Every page of the checkout at `root` (its own catalogue, its own server): full page at 1280 and
    1024 px wide, and presenter mode at 1280 x 720."""
    import os
    import re
    import socket
    import subprocess
    import time

    from playwright.sync_api import sync_playwright

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    slugs = [re.sub(r"^\d+_", "", f.stem) for f in sorted((root / "pages").glob("*.py"))]
    out.mkdir(parents=True, exist_ok=True)
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.headless=true",
                               f"--server.port={port}", "--server.address=127.0.0.1", "--server.fileWatcherType=none"],
                              cwd=root, env=dict(os.environ, PYTHONPATH=str(root)), stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        for _ in range(600):
            try:  # listening is enough: each page load below waits for the app itself
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
            for slug in [""] + slugs:
                for name, (width, height), query in (("1280", (1280, 720), ""), ("1024", (1024, 720), ""),
                                                     ("present", (1280, 720), "?present=1")):
                    page = browser.new_page(viewport={"width": width, "height": height})
                    page.goto(f"http://127.0.0.1:{port}/{slug}{query}")
                    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=600_000)
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
    finally:
        server.terminate()
    return 0


if __name__ == "__main__":
    if "--shoot" in sys.argv:
        args = dict(zip(sys.argv[1::2], sys.argv[2::2]))
        raise SystemExit(shoot(Path(args["--shoot"]).resolve(), Path(args.get("--root", ROOT)).resolve()))
    raise SystemExit(main())
