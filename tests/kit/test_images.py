"""The upload gate: every odd or broken file becomes a clean RGB image or a clear ImageError."""
import io

import numpy as np
import pytest
import torch
from PIL import Image

from demos.images import (MAX_PIXELS, MAX_WEBP_PIXELS, PHOTOS, ImageError, digit_input, load_image, photo,
                          photo_input, shrink, to_image, to_rgb, to_tensor)
from PIL import ImageOps


def encode(image: Image.Image, fmt: str = "PNG", **kw) -> bytes:
    buf = io.BytesIO()
    image.save(buf, fmt, **kw)
    return buf.getvalue()


def gradient(w=64, h=48) -> np.ndarray:
    return np.tile(np.linspace(0, 255, w, dtype=np.uint8), (h, 1))


OPAQUE = np.full((48, 64), 255, np.uint8)
ODD_MODES = {
    "L": lambda: encode(Image.fromarray(gradient(), "L")),
    "1": lambda: encode(Image.fromarray(gradient() > 128)),
    "LA": lambda: encode(Image.fromarray(np.dstack([gradient(), OPAQUE]), "LA")),
    "RGBA": lambda: encode(Image.fromarray(np.dstack([gradient()] * 3 + [OPAQUE]), "RGBA")),
    "P+transparency": lambda: encode(Image.fromarray(gradient(), "L").convert("P"), transparency=100),
    "I;16": lambda: encode(Image.fromarray(gradient().astype(np.uint16) * 257)),
    "CMYK JPEG": lambda: encode(Image.fromarray(np.dstack([gradient()] * 3)).convert("CMYK"), "JPEG"),
    "grey JPEG": lambda: encode(Image.fromarray(gradient(), "L"), "JPEG"),
    "BMP": lambda: encode(Image.fromarray(np.dstack([gradient()] * 3)), "BMP"),
    "WebP": lambda: encode(Image.fromarray(np.dstack([gradient()] * 3)), "WEBP"),
    "TIFF float": lambda: encode(Image.fromarray(gradient().astype(np.float32) / 255, "F"), "TIFF"),
}


@pytest.mark.parametrize("mode", list(ODD_MODES))
def test_odd_modes_become_rgb_with_the_picture_kept(mode):
    image = load_image(ODD_MODES[mode]())
    assert image.mode == "RGB" and image.size == (64, 48)
    row = np.asarray(image)[:, :, 0].mean(axis=0)
    assert row[-1] > row[0]  # the left-to-right gradient survived the conversion


def test_transparent_pixels_are_flattened_onto_white():
    rgba = np.zeros((8, 8, 4), np.uint8)  # fully transparent black
    assert np.asarray(to_rgb(Image.fromarray(rgba, "RGBA"))).min() == 255


def test_animated_gif_uses_first_frame():
    frames = [Image.new("L", (20, 20), v) for v in (10, 200)]
    buf = io.BytesIO()
    frames[0].save(buf, "GIF", save_all=True, append_images=frames[1:])
    assert np.asarray(load_image(buf.getvalue())).mean() < 50


def test_exif_orientation_is_applied():
    wide = Image.fromarray(np.dstack([gradient(64, 32)] * 3))
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 CW to display"
    image = load_image(encode(wide, "JPEG", exif=exif.tobytes()))
    assert image.size == (32, 64)


BROKEN = {
    "empty": b"",
    "text renamed .png": b"hello, I am not a picture\n" * 10,
    "truncated PNG": encode(Image.fromarray(gradient()))[:60],
    "truncated JPEG": encode(Image.fromarray(gradient()), "JPEG")[:200],
    "PNG signature only": b"\x89PNG\r\n\x1a\n",
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_broken_files_get_a_clear_message(case):
    with pytest.raises(ImageError) as err:
        load_image(BROKEN[case])
    assert len(str(err.value)) > 10 and "Traceback" not in str(err.value)


def test_decompression_bomb_is_refused_before_decoding():
    bomb = encode(Image.new("1", (30000, 30000)))  # tiny file, 900 megapixels declared
    assert len(bomb) < 300_000
    with pytest.raises(ImageError, match="too large"):
        load_image(bomb)


def test_huge_but_legal_image_is_shrunk():
    # 25 MP is the decoded cap: 5,000 x 5,000 passes; a 100 MP JPEG is drafted at 1/2 scale (25 MP), then
    # both are shrunk to the 1,024 px working size; the same 100 MP as a PNG cannot be drafted: refused
    assert max(load_image(encode(Image.new("L", (5000, 5000), 128))).size) == 1024
    assert load_image(encode(Image.new("RGB", (10000, 10000), (9, 99, 199)), "JPEG")).size == (1024, 1024)
    with pytest.raises(ImageError, match="100 megapixels"):
        load_image(encode(Image.new("L", (10000, 10000), 128)))


def test_a_progressive_jpeg_gets_the_normal_pixel_cap():
    # A progressive JPEG holds every full-size coefficient however small it is decoded: over 25 MP it is
    # refused from its header, while the same pixels as a baseline JPEG are drafted small and pass.
    big = Image.new("L", (5100, 5000), 128)  # 25.5 MP > MAX_PIXELS (25 MP)
    assert 5100 * 5000 > MAX_PIXELS
    with pytest.raises(ImageError, match="progressive"):
        load_image(encode(big, "JPEG", progressive=True))
    assert max(load_image(encode(big, "JPEG")).size) == 1024
    small = encode(Image.new("L", (3000, 2000), 128), "JPEG", progressive=True)  # 6 MP: passes
    assert load_image(small).size == (1024, 683)  # 3000:2000 at 1024 wide -> 682.7 rounds to 683


def test_webp_gets_its_own_lower_cap():
    # libwebp and Pillow make three full-size RGBA copies: 25 MP cost +385 MB, so WebP stops at 16 MP
    over = encode(Image.new("RGB", (4100, 4000), (9, 99, 199)), "WEBP", lossless=True, quality=0, method=0)
    assert 4100 * 4000 > MAX_WEBP_PIXELS
    with pytest.raises(ImageError, match="WebP image is 4,100 × 4,000"):
        load_image(over)
    under = encode(Image.new("RGB", (4000, 4000), (9, 99, 199)), "WEBP", lossless=True, quality=0, method=0)
    assert load_image(under).size == (1024, 1024)


SHRINK_MODES = ["L", "LA", "RGB", "RGBA", "CMYK", "I", "F"]


@pytest.mark.parametrize("mode", SHRINK_MODES)
def test_shrink_in_bands_equals_one_reduce_of_the_whole_image(mode):
    # 2,100 x 1,100 at max_side 1,024: factor 2100 // 1024 = 2, 256 output rows per band, so the 550 rows
    # come from 3 bands; box averages of 2 x 2 blocks do not depend on the banding: equal to one reduce
    rng = np.random.default_rng(0)
    bands = [Image.fromarray(rng.integers(0, 255, (1100, 2100), dtype=np.uint8), "L") for _ in mode]
    image = bands[0].convert(mode) if mode in ("L", "I", "F") else Image.merge(mode, bands[:len(mode)])
    small = shrink(image, 1024)
    assert small.mode == mode and small.size == (1050, 550)
    assert np.array_equal(np.asarray(small), np.asarray(image.reduce(2)))


def test_shrink_converts_palette_and_16_bit_band_by_band():
    image = Image.fromarray(np.tile(np.arange(256, dtype=np.uint8), (1100, 9))[:, :2100], "L").convert("P")
    image.info["transparency"] = 0
    assert np.array_equal(np.asarray(shrink(image, 1024)), np.asarray(image.convert("RGBA").reduce(2)))
    deep = Image.fromarray((np.arange(2100 * 1100, dtype=np.uint32) % 65536).astype(np.uint16).reshape(1100, 2100))
    assert deep.mode == "I;16"
    assert np.array_equal(np.asarray(shrink(deep, 1024)), np.asarray(deep.convert("I").reduce(2)))
    assert shrink(image, 2100) is image  # factor 1: nothing to do, no copy


def test_the_exif_rotation_is_applied_after_shrinking_as_before():
    # a 4,000 x 2,000 PNG, left half blue, orientation 6 (rotate 90° clockwise to view): the loader
    # shrinks first, then turns; the result matches turning first (ImageOps) then shrinking
    picture = Image.new("RGB", (4000, 2000), (255, 0, 0))
    picture.paste((0, 0, 255), (0, 0, 2000, 2000))
    exif = Image.Exif()
    exif[0x0112] = 6
    data = encode(picture, exif=exif.tobytes())
    loaded = load_image(data)
    expected = ImageOps.exif_transpose(Image.open(io.BytesIO(data)))
    expected.thumbnail((1024, 1024))
    assert loaded.size == expected.size == (512, 1024)
    assert loaded.getpixel((10, 10)) == expected.getpixel((10, 10)) == (0, 0, 255)  # the left half is on top
    assert loaded.getpixel((10, 1000)) == (255, 0, 0)


def test_one_pixel_image_works_for_both_model_inputs():
    image = load_image(encode(Image.new("RGB", (1, 1), (255, 0, 0))))
    assert photo_input(image).shape == (1, 3, 224, 224)
    assert digit_input(image).shape == (1, 1, 28, 28)


def test_photo_input_shape_range_and_centre_crop():
    x = photo_input(photo("coffee"))
    assert x.shape == (1, 3, 224, 224) and 0 <= x.min() and x.max() <= 1


def test_tensor_image_round_trip():
    a = np.random.default_rng(0).integers(0, 256, (5, 7, 3), dtype=np.uint8)
    assert np.array_equal(to_image(to_tensor(Image.fromarray(a))), a)


def test_every_bundled_photo_loads_offline():
    for name in PHOTOS:
        assert photo(name).mode == "RGB"


def test_dark_on_light_digit_photo_is_read_like_mnist(mnist, mnist_cnn):
    """Render held-out digits as dark ink on white paper at 200 px; the pipeline recovers them."""
    correct = 0
    for i in range(0, 1000, 20):
        paper = Image.fromarray((255 - mnist.test_images[i, 0].numpy() * 255).astype(np.uint8))
        x = digit_input(load_image(encode(paper.resize((200, 200)))))
        assert x.shape == (1, 1, 28, 28) and 0 <= x.min() and x.max() <= 1
        with torch.no_grad():
            correct += int(mnist_cnn(x).argmax() == mnist.test_labels[i])
    assert correct >= 45  # of 50


def test_blank_image_gives_blank_digit():
    assert digit_input(Image.new("L", (50, 50), 255)).sum() == 0
