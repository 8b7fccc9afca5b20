"""demos.style_transfer.inputs: procedural patterns, resizing of any shape, the sources' options and
labels, the two-style mix, and the small-upload warning."""
import pytest
import torch

from demos.images import PHOTOS
from demos.style_transfer import inputs


@pytest.mark.parametrize("name", inputs.PATTERNS)
def test_patterns_are_valid_and_seeded(name):
    p = inputs.pattern(name, 64, seed=3)
    assert p.shape == (1, 3, 64, 64) and 0 <= p.min() and p.max() <= 1 and p.std() > 0.05
    assert torch.equal(p, inputs.pattern(name, 64, seed=3))


@pytest.mark.parametrize("shape", [(1, 1), (5, 2000), (300, 20), (4000, 4000)])
def test_resize_longer_handles_tiny_and_extreme_shapes(shape):
    out = inputs.resize_longer(torch.rand(1, 3, *shape), 128)
    assert max(out.shape[-2:]) <= 136 and min(out.shape[-2:]) >= 32


def test_sources_are_photos_then_patterns_then_upload():
    assert list(inputs.SOURCES) == list(PHOTOS) + [f"pattern:{p}" for p in inputs.PATTERNS] + ["upload"]
    assert inputs.SOURCES["pattern:swirl"] == "Pattern: swirl" and inputs.SOURCES["upload"] == "Upload…"
    assert inputs.CONTENT_SOURCES == list(PHOTOS) + ["upload"]
    assert inputs.SECOND_STYLES == ["none"] + list(PHOTOS) + [f"pattern:{p}" for p in inputs.PATTERNS]
    assert inputs.second_style_label("none") == "none"
    assert inputs.second_style_label("pattern:noise") == "Pattern: noise"


def test_pattern_image_reads_the_source_name():
    assert inputs.pattern_name("pattern:mosaic") == "mosaic" and inputs.pattern_name("astronaut") is None
    assert torch.equal(inputs.pattern_image("pattern:noise", seed=4), inputs.pattern("noise", 256, seed=4))
    assert inputs.pattern_image("astronaut") is None and inputs.pattern_image("upload") is None


def test_prepare_sizes_and_weights_one_or_two_styles():
    content, style, second = torch.rand(1, 3, 300, 400), torch.rand(1, 3, 512, 512), torch.rand(1, 3, 100, 50)
    c, styles, weights = inputs.prepare(content, style, None, 192, 1.0)
    assert c.shape == (1, 3, 144, 192) and [s.shape for s in styles] == [(1, 3, 256, 256)] and weights == [1.0]
    c, styles, weights = inputs.prepare(content, style, second, 128, 0.3)
    assert c.shape == (1, 3, 96, 128) and styles[1].shape == (1, 3, 256, 128)
    assert weights == pytest.approx([0.3, 0.7])
    assert inputs.style_caption(weights) == "Style (+ second, 70%)"
    assert inputs.style_caption([1.0]) == "Style"


def test_small_upload_note():
    assert inputs.small_upload_note("content", (20, 400)) == \
        "The content image is only 20 px on its shorter side; it is upscaled."
    assert inputs.small_upload_note("style", (32, 32)) is None


def test_the_brush_strokes_pattern_is_a_bold_seeded_painting():
    a, b = inputs.pattern("strokes", 256, 0), inputs.pattern("strokes", 256, 0)
    assert a.shape == (1, 3, 256, 256) and torch.equal(a, b) and not torch.equal(a, inputs.pattern("strokes", 256, 1))
    assert 0 <= a.min() and a.max() <= 1
    background = (a[0] == inputs.STROKE_PALETTE[0].view(3, 1, 1)).all(0).float().mean()
    assert background < 0.2  # strokes cover most of the canvas
    assert a[0].std(dim=(1, 2)).min() > 0.15  # bold: every channel varies strongly (a photo's texture is softer)
    assert torch.equal(inputs.pattern_image("pattern:strokes", 0), a)  # the page draws the same, cached
