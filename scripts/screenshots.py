"""Regenerate the gallery thumbnails (home cards and README) from the browser tests' screenshots.

    bash scripts/test.sh -m browser      # writes test-artifacts/browser/<page>-present.png
    .venv/bin/python scripts/screenshots.py
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


if __name__ == "__main__":
    raise SystemExit(main())
