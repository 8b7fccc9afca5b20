"""The bad-input corpus: files, text and URL parameters that must give a clear message (or simply
work), never a traceback, with the page still working afterwards."""
import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from tests.support import open_page
from demos.text import literal
from demos.images import ImageError, digit_input, load_image, photo_input
from ui.catalogue import PAGES

pytestmark = pytest.mark.filterwarnings("ignore")


def png(image: Image.Image, **kw) -> bytes:
    buf = io.BytesIO()
    image.save(buf, "PNG", **kw)
    return buf.getvalue()


def jpeg(image: Image.Image, **kw) -> bytes:
    buf = io.BytesIO()
    image.convert("RGB" if image.mode not in ("L", "CMYK") else image.mode).save(buf, "JPEG", **kw)
    return buf.getvalue()


def bomb_png(width: int, height: int) -> bytes:
    """A valid PNG header declaring a huge image, with almost no data."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    chunk = lambda kind, data: struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")


def bomb_png16(width: int, height: int) -> bytes:
    """A 16-bit greyscale PNG header of any size (the issue's 10,400 x 10,400 scan), almost no data."""
    header = struct.pack(">IIBBBBB", width, height, 16, 0, 0, 0, 0)
    chunk = lambda kind, data: struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")


def float_tiff(width: int, height: int) -> bytes:
    """A little-endian TIFF header declaring a 32-bit float greyscale image of any size."""
    tags = [(256, 4, width), (257, 4, height), (258, 3, 32), (259, 3, 1), (262, 3, 1), (273, 4, 200),
            (277, 3, 1), (278, 4, height), (279, 4, width * height * 4), (339, 3, 3)]
    ifd = struct.pack("<H", len(tags)) + b"".join(struct.pack("<HHII", tag, kind, 1, value) for tag, kind, value in tags)
    return b"II*\x00" + struct.pack("<I", 8) + ifd + struct.pack("<I", 0) + b"\x00" * 64


def big_gif(width: int, height: int) -> bytes:
    """A GIF whose screen and single frame declare `width` x `height` pixels."""
    screen = b"GIF89a" + struct.pack("<HHBBB", width, height, 0x80, 0, 0) + b"\x00\x00\x00\xff\xff\xff"
    frame = b"\x2c" + struct.pack("<HHHHB", 0, 0, width, height, 0) + b"\x02\x02\x44\x01\x00"
    return screen + frame + b"\x3b"


def gif_animation() -> bytes:
    frames = [Image.new("P", (30, 30), i * 40) for i in range(4)]
    buf = io.BytesIO()
    frames[0].save(buf, "GIF", save_all=True, append_images=frames[1:], duration=50, loop=0)
    return buf.getvalue()


def exif_rotated() -> bytes:
    exif = Image.Exif()
    exif[0x0112] = 8
    return jpeg(Image.new("RGB", (60, 20), "red"), exif=exif.tobytes())


rgb = Image.fromarray(np.random.default_rng(0).integers(0, 255, (64, 48, 3), dtype=np.uint8))
GOOD = {  # must decode to a usable RGB image
    "rgb png": png(rgb), "rgb jpeg": jpeg(rgb), "grey png": png(rgb.convert("L")), "grey jpeg": jpeg(rgb.convert("L")),
    "16-bit png": png(Image.fromarray((np.arange(64 * 48).reshape(64, 48) * 20).astype(np.uint16))),
    "cmyk jpeg": jpeg(rgb.convert("CMYK")), "palette + transparency": png(rgb.convert("P"), transparency=3),
    "rgba png": png(rgb.convert("RGBA")), "la png": png(rgb.convert("LA")), "1-bit png": png(rgb.convert("1")),
    "animated gif": gif_animation(), "exif rotated jpeg": exif_rotated(), "1x1 png": png(Image.new("RGB", (1, 1))),
    "1x1 jpeg": jpeg(Image.new("RGB", (1, 1))), "5000x5000 png (the pixel cap)": png(Image.new("L", (5000, 5000), 200)),
    "8000x8000 jpeg (decoded at 1/8)": jpeg(Image.new("RGB", (8000, 8000), "teal"), quality=50),
    "40x1000 strip (25:1)": png(Image.new("RGB", (40, 1000), "blue")),
    "bmp": (lambda b: (rgb.save(b, "BMP"), b.getvalue())[1])(io.BytesIO()),
    "webp": (lambda b: (rgb.save(b, "WEBP"), b.getvalue())[1])(io.BytesIO()),
    "tiff": (lambda b: (rgb.save(b, "TIFF"), b.getvalue())[1])(io.BytesIO()),
    "all black": png(Image.new("RGB", (40, 40))), "all white": png(Image.new("RGB", (40, 40), "white")),
    "transparent only": png(Image.new("RGBA", (40, 40), (0, 0, 0, 0))),
}
BAD = {  # must raise ImageError with a message
    "0 bytes": b"", "1 byte": b"\x89", "text renamed .png": b"hello world\n" * 50,
    "html renamed .png": b"<html><script>alert(1)</script></html>", "json": b'{"not": "an image"}',
    "truncated png": png(rgb)[: len(png(rgb)) // 3], "truncated jpeg": jpeg(rgb)[:300],
    "png signature only": b"\x89PNG\r\n\x1a\n", "jpeg markers only": b"\xff\xd8\xff\xd9",
    "decompression bomb 100k x 100k": bomb_png(100_000, 100_000), "bomb 30k x 30k": bomb_png(30_000, 30_000),
    "zero-width header": bomb_png(0, 10), "random bytes": np.random.default_rng(1).bytes(5000),
    "pdf header": b"%PDF-1.4\n" + b"0" * 100, "zip": b"PK\x03\x04" + b"\x00" * 100,
    "gif header only": b"GIF89a", "corrupt png crc": png(rgb)[:40] + b"\x00\x00" + png(rgb)[42:100],
    "25 MB of zeros": b"\x00" * (25 * 2**20),
    "10000x10000 png": png(Image.new("1", (10000, 10000))), "16-bit 10400x10400 png": bomb_png16(10_400, 10_400),
    "float 9000x9000 tiff": float_tiff(9000, 9000), "10000x10000 gif": big_gif(10_000, 10_000),
    "1x20000 strip": png(Image.new("RGB", (1, 20000))), "20000x1 strip": png(Image.new("RGB", (20000, 1))),
    "1x65000 strip": png(Image.new("L", (1, 65000))), "2x5000 strip": png(Image.new("RGB", (2, 5000))),
    # issue #29: a progressive JPEG keeps its full-size coefficients (13,000² CMYK cost +1.3 GB): 25 MP cap;
    # WebP decodes into three full-size copies: 16 MP cap
    "progressive jpeg 5100x5000": jpeg(Image.new("L", (5100, 5000), 128), progressive=True),
    "webp 4100x4000": (lambda buf: (Image.new("RGB", (4100, 4000)).save(buf, "WEBP", lossless=True, quality=0,
                                                                        method=0), buf.getvalue())[1])(io.BytesIO()),
}


@pytest.mark.parametrize("name", list(GOOD))
def test_odd_but_valid_images_work_for_every_model_input(name):
    image = load_image(GOOD[name])
    assert image.mode == "RGB" and max(image.size) <= 1024
    assert photo_input(image).shape == (1, 3, 224, 224)
    d = digit_input(image)
    assert d.shape == (1, 1, 28, 28) and 0 <= d.min() and d.max() <= 1


@pytest.mark.parametrize("name", list(BAD))
def test_broken_files_get_a_clear_message(name):
    with pytest.raises(ImageError) as err:
        load_image(BAD[name])
    message = str(err.value)
    assert 10 < len(message) < 300 and "Traceback" not in message
    if "x" in name and any(c.isdigit() for c in name) and "bytes" not in name and "MB" not in name:
        assert "pixels" in message, message  # a size refusal says the size and the limit


TEXTS = {"empty": "", "spaces": "   \n\t ", "100k chars": "abc " * 25_000, "emoji": "🙂🚀🧠 " * 20,
         "right-to-left": "שלום עולם مرحبا بالعالم", "control chars": "a\x00b\x07c\x1b[31md\x7f",
         "zero-width": "a\u200bb\u200dc\ufeff", "one char": "x", "markdown injection": "**bold** <b>x</b> `code`",
         "mixed scripts": "Ελληνικά 中文 日本語 한국어 हिन्दी"}


@pytest.mark.parametrize("name", list(TEXTS))
def test_attention_page_takes_any_text_and_keeps_working(name):
    at = open_page("pages/05_attention.py", preset="custom", text=TEXTS[name], timeout=120)
    assert not at.exception
    if not TEXTS[name].strip():
        assert any("Type some text" in i.value for i in at.info)
    at.text_area(key="text").set_value("A normal sentence again.").run()  # the page keeps working
    assert not at.exception and at.get("plotly_chart")


PARAMS = {"garbage": "zz%%", "negative": "-5", "huge": "1e309", "nan": "nan", "inf": "inf",
          "sql-looking": "1' OR '1'='1", "script": "<script>alert(1)</script>", "path": "../../etc/passwd",
          "empty": "", "unicode": "٣", "very long": "9" * 5000, "float for int": "2.5"}


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.slug)
def test_bad_url_values_fall_back_with_a_notice(page):
    """Every control of the page gets a bad value at once (each control a different one from the
    list, rotating over three opens so every value meets several controls); each gets a notice, and
    the page still responds normally afterwards."""
    first = open_page(page.file, timeout=180)
    keys = [w.key for kind in ("slider", "selectbox", "number_input", "toggle") for w in getattr(first, kind) if w.key]
    values = list(PARAMS.values())
    for shift in range(3):
        bad = {k: values[(i + 4 * shift) % len(values)] for i, k in enumerate(keys)}
        at = open_page(page.file, timeout=180, **bad)
        assert not at.exception, bad
        notes = " ".join(w.value for w in at.warning)
        # a value a control can take (2.5 on a float slider, '' or an Arabic digit) may be accepted
        missing = [k for k, v in bad.items()
                   if f"“{literal(k)}=" not in notes and at.query_params.get(k) != v and v not in ("", "٣")]
        assert not missing, f"no notice for {[(k, bad[k]) for k in missing]}"
    slider = next(s for s in at.slider if s.key)  # and the page still responds normally
    slider.set_value(slider.max).run()
    assert not at.exception
