"""The home's card pictures (ui/thumbnails/<slug>.png, made by scripts/screenshots.py): one per page,
of the catalogue's size, each a crop of a drawn hero and not a page captured before its hero loaded."""
import numpy as np
import pytest
from PIL import Image, ImageDraw

from scripts.screenshots import blankness, crop_hero, looks_blank
from tests.support import ROOT
from ui.catalogue import PAGES, THUMBNAIL_SIZE

# The style-transfer thumbnail as it was committed before #28: the page shot before its images loaded
BLANK = ROOT / "tests" / "ui" / "data" / "blank_style_transfer_before_fix.png"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.slug)
def test_every_page_has_a_thumbnail_of_its_hero(page):
    assert page.thumbnail.is_file(), f"run: .venv/bin/python scripts/screenshots.py {page.slug}"
    image = Image.open(page.thumbnail)
    assert image.size == THUMBNAIL_SIZE
    assert looks_blank(image) is None, (page.slug, looks_blank(image), blankness(image))
    assert page.thumbnail.stat().st_size < 80_000, "a card picture stays small"


def test_a_page_captured_before_its_hero_drew_is_refused():
    assert "saturated or dark" in looks_blank(Image.open(BLANK))
    white = Image.new("RGB", THUMBNAIL_SIZE, (255, 255, 255))
    assert looks_blank(white) is not None
    ImageDraw.Draw(white).rectangle([0, 0, 479, 30], fill=(0, 114, 178))  # a drawn bar: 11 % marks
    assert looks_blank(white) is None


def test_the_crop_keeps_only_the_hero_and_centres_it():
    """A 2x screenshot of a 600 x 400 CSS-px page: a hero box holding a red square (with empty margins,
    as a chart has) and, outside it, a black button. The thumbnail is the square, centred and scaled up,
    with the button painted over."""
    shot = Image.new("RGB", (1200, 800), (255, 255, 255))
    draw = ImageDraw.Draw(shot)
    draw.rectangle([300, 200, 399, 299], fill=(220, 0, 0))  # the hero's mark, at CSS (150..200, 100..150)
    draw.rectangle([900, 200, 1000, 260], fill=(0, 0, 0))  # a neighbour's button, outside the hero
    hero = {"x": 100, "y": 50, "width": 300, "height": 200}  # CSS px: holds the square, not the button
    thumb = np.asarray(crop_hero(shot, [hero], 2.0, (255, 255, 255), pad=0)).astype(int)
    assert thumb.shape == (THUMBNAIL_SIZE[1], THUMBNAIL_SIZE[0], 3)
    red = (thumb[..., 0] > 150) & (thumb[..., 1] < 80)
    rows, cols = np.flatnonzero(red.any(axis=1)), np.flatnonzero(red.any(axis=0))
    assert rows[0] <= 2 and rows[-1] >= THUMBNAIL_SIZE[1] - 3, "the square fills the height"
    assert abs((cols[0] + cols[-1]) / 2 - THUMBNAIL_SIZE[0] / 2) <= 2, "and is centred"
    assert not ((thumb.max(axis=2) < 60).any()), "the neighbour's button is not in the picture"
