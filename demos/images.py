"""Bundled photos and the upload loader: any image file in, a clean RGB image out, or a clear error.

The loader is the one gate for user images. Before decoding anything it reads the header and refuses
what would cost too much memory: the decoded pixel count is capped (baseline JPEGs are decoded at 1/2
to 1/8 scale first, so large photos still pass; a progressive JPEG keeps all its full-size
coefficients whatever the scale, so it gets the normal cap). Right after decoding, the picture is
shrunk by an integer factor in bands of rows, in its own mode, before anything else makes a copy of
it; only then are the EXIF orientation, the first frame of animations and the conversion of every
mode (1, L, LA, P, RGBA, CMYK, I;16, I, F) to RGB with transparency flattened onto white applied, to
the small image. One upload's peak memory stays under ~300 MB, two at once too (measured per format:
bench/bench_uploads.py).
"""
from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import numpy as np
import torch
from PIL import Image

MAX_UPLOAD_MB = 20  # also enforced by the server (.streamlit/config.toml maxUploadSize)
UPLOAD_TYPES = ("png", "jpg", "jpeg", "gif", "bmp", "webp", "tif", "tiff")  # what the uploaders offer
MAX_PIXELS = 25_000_000  # decoded pixels (5,000 x 5,000): one upload's peak memory stays under ~300 MB
MAX_JPEG_PIXELS = 400_000_000  # declared pixels of a baseline JPEG, which decodes at 1/2-1/8 scale within MAX_PIXELS
MAX_WEBP_PIXELS = 16_000_000  # WebP decodes into three full-size RGBA buffers: 25 MP cost +385 MB, 16 MP ~+250
MAX_ASPECT = 25  # longer side / shorter side: a thinner strip carries no picture worth a model's time
WORKING_SIDE = 1024  # uploads are shrunk to this longest side right after decoding
BAND_ROWS = 256  # rows of the shrunk image made at a time: the only full-width copies are one band's
# modes Image.reduce averages as they are; the others are converted band by band first
REDUCIBLE = {"L", "LA", "La", "RGB", "RGBA", "RGBa", "RGBX", "CMYK", "YCbCr", "I", "F"}
BAND_MODE = {"P": "RGBA", "PA": "RGBA", "1": "L", "I;16": "I", "I;16B": "I", "I;16L": "I", "I;16N": "I"}
ORIENTATION = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180, 4: Image.Transpose.FLIP_TOP_BOTTOM,
               5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
               8: Image.Transpose.ROTATE_90}  # EXIF orientation tag -> the transpose that undoes it


@dataclass(frozen=True)
class Photo:
    title: str
    loader: str  # function name in skimage.data
    credit: str


PHOTOS: dict[str, Photo] = {
    "coffee": Photo("Coffee cup", "coffee", "Rachel Michetti, CC0 (scikit-image)"),
    "chelsea": Photo("Chelsea the cat", "chelsea", "Stefan van der Walt, CC0 (scikit-image)"),
    "astronaut": Photo("Astronaut Eileen Collins", "astronaut", "NASA, public domain (scikit-image)"),
    "rocket": Photo("SpaceX rocket", "rocket", "SpaceX, public domain (scikit-image)"),
    "hubble": Photo("Hubble deep field", "hubble_deep_field", "NASA, public domain (scikit-image)"),
    "retina": Photo("Retina fundus", "retina", "Mikael Häggström, CC0 (scikit-image)"),
    "ihc": Photo("Tissue stain (IHC)", "immunohistochemistry", "public domain (scikit-image)"),
    "camera": Photo("Cameraman (grey)", "camera", "Lav Varshney, CC0 (scikit-image)"),
    "brick": Photo("Brick texture", "brick", "CC0 Textures, CC0 (scikit-image)"),
    "gravel": Photo("Gravel texture", "gravel", "CC0 Textures, CC0 (scikit-image)"),
    "grass": Photo("Grass texture", "grass", "linolafett, CC0 (scikit-image)"),
}


class ImageError(ValueError):
    """An upload that cannot be used; the message is written for the person who uploaded it."""


def photo(name: str) -> Image.Image:
    """A bundled photo as an RGB PIL image (no network: the files ship in scikit-image)."""
    import skimage.data

    array = getattr(skimage.data, PHOTOS[name].loader)()
    return to_rgb(Image.fromarray(array))


def to_rgb(image: Image.Image) -> Image.Image:
    """Any PIL mode -> RGB; transparency is flattened onto white, 16-bit and float are rescaled
    (row blocks in float32, so a large 16-bit scan never needs a float64 copy of itself)."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        a = np.asarray(image)
        finite = a[np.isfinite(a)] if a.dtype.kind == "f" else a
        lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 0.0)
        out = np.zeros(a.shape, dtype=np.uint8)
        for r in range(0, a.shape[0], 512):
            block = np.nan_to_num(a[r:r + 512].astype(np.float32), nan=lo, posinf=hi, neginf=lo)
            out[r:r + 512] = 0 if hi <= lo else np.round((block - lo) * (255 / (hi - lo))).clip(0, 255)
        del a, finite
        image = Image.fromarray(out, "L")
    if image.mode == "P":
        image = image.convert("RGBA")
    if image.mode in ("LA", "RGBA", "PA", "La", "RGBa"):
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(white, rgba)
    return image.convert("RGB")


def _check_size(image: Image.Image, max_side: int) -> None:
    """Refuse, from the header alone, what would be too large to decode or too thin to use. For a
    baseline JPEG, ask the decoder for a reduced size first (it decodes at 1/2, 1/4 or 1/8 scale); a
    progressive one holds every full-size coefficient whatever the scale, so it gets the normal cap."""
    w, h = image.size
    if w < 1 or h < 1:
        raise ImageError("The image has no pixels.")
    if max(w, h) > MAX_ASPECT * min(w, h):
        raise ImageError(f"The image is {w:,} × {h:,} pixels: one side is more than {MAX_ASPECT} times the "
                         "other, too thin a strip to be a picture. Crop it and upload again.")
    limit = f"{MAX_PIXELS / 1e6:.0f} megapixels ({int(MAX_PIXELS ** 0.5):,} × {int(MAX_PIXELS ** 0.5):,}; about " \
            f"300 MB of server memory)"
    if image.format == "JPEG":
        if is_progressive(image) and w * h > MAX_PIXELS:
            raise ImageError(f"The JPEG is {w:,} × {h:,} pixels ({w * h / 1e6:,.0f} megapixels) and progressive: "
                             f"it holds every full-size detail while it decodes, and this server decodes at most "
                             f"{limit} per upload. Shrink it, or save it as a baseline (non-progressive) JPEG, "
                             "and upload again.")
        if w * h > MAX_JPEG_PIXELS:
            raise ImageError(f"The JPEG is {w:,} × {h:,} pixels ({w * h / 1e6:,.0f} megapixels); this server "
                             f"accepts JPEGs up to {MAX_JPEG_PIXELS / 1e6:.0f} megapixels. Shrink it and upload again.")
        image.draft("RGB", (max_side, max_side))  # decode directly at a reduced size (the output, at least)
        w, h = image.size
    if image.format == "WEBP" and w * h > MAX_WEBP_PIXELS:
        raise ImageError(f"The WebP image is {w:,} × {h:,} pixels ({w * h / 1e6:,.0f} megapixels); its decoder "
                         f"makes three full-size copies, so this server takes WebP images up to "
                         f"{MAX_WEBP_PIXELS / 1e6:.0f} megapixels. Shrink it, or save it as a PNG or JPEG, and "
                         "upload again.")
    if w * h > MAX_PIXELS:
        raise ImageError(f"The image is {w:,} × {h:,} pixels ({w * h / 1e6:,.0f} megapixels); this server "
                         f"decodes at most {limit} per upload. Shrink it, or save it as a JPEG (decoded at "
                         "reduced size), and upload again.")


def is_progressive(image: Image.Image) -> bool:
    """A progressive (or lossless/arithmetic multi-scan) JPEG, from its header: Pillow marks it."""
    return bool(image.info.get("progressive") or image.info.get("progression"))


def shrink(image: Image.Image, max_side: int) -> Image.Image:
    """`image` reduced by the largest integer factor that keeps its longer side ≥ `max_side` (box
    average), made BAND_ROWS output rows at a time so that no full-size copy is ever made: palette, 1-bit
    and 16-bit bands are converted (to RGBA, L, I) band by band. A factor of 1 returns `image` itself."""
    w, h = image.size
    factor = max(w, h) // max_side
    if factor < 2:
        return image
    mode = image.mode if image.mode in REDUCIBLE else BAND_MODE.get(image.mode, "RGB")
    out = Image.new(mode, (-(-w // factor), -(-h // factor)))
    step = BAND_ROWS * factor
    for top in range(0, h, step):
        band = image.crop((0, top, w, min(h, top + step)))
        band = band if band.mode == mode else band.convert(mode)
        out.paste(band.reduce(factor), (0, top // factor))
    return out


def load_image(data: bytes, max_side: int = WORKING_SIDE) -> Image.Image:
    """Decode an uploaded file into an RGB image no larger than `max_side`, or raise ImageError."""
    if not data:
        raise ImageError("The file is empty (0 bytes).")
    if len(data) > MAX_UPLOAD_MB * 2**20:
        raise ImageError(f"The file is {len(data) / 2**20:.0f} MB; the limit is {MAX_UPLOAD_MB} MB.")
    try:
        with warnings.catch_warnings():  # our own size checks replace Pillow's warning
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))  # reads the header only
            image.seek(0)  # first frame of an animated GIF/PNG/WebP
            _check_size(image, max_side)
            image.load()
            turn = ORIENTATION.get(image.getexif().get(0x0112))  # read before shrinking drops the EXIF
            image = shrink(image, max_side)  # first: every later copy is of the small image
        if turn is not None:
            image = image.transpose(turn)
        image = to_rgb(image)
    except ImageError:
        raise
    except Image.DecompressionBombError as err:
        raise ImageError("The image declares too many pixels: too large to decode safely.") from err
    except (OSError, ValueError, SyntaxError, EOFError, IndexError, TypeError, MemoryError,
            Image.UnidentifiedImageError) as err:
        raise ImageError("This file is not a readable image (or it is truncated). "
                         "Try a PNG or JPEG.") from err
    image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    return image


def to_tensor(image: Image.Image) -> torch.Tensor:
    """PIL RGB or L -> (1, C, H, W) float in [0, 1]."""
    a = torch.from_numpy(np.array(image, dtype=np.uint8, copy=True)).float().div_(255)
    return (a.unsqueeze(0) if a.ndim == 2 else a.permute(2, 0, 1)).unsqueeze(0)


def to_image(tensor: torch.Tensor) -> np.ndarray:
    """(C, H, W) or (1, C, H, W) in [0, 1] -> (H, W, 3) or (H, W) uint8 for display/PNG export."""
    t = tensor.detach().squeeze(0) if tensor.ndim == 4 else tensor.detach()
    a = (t.clamp(0, 1) * 255).round().to(torch.uint8).permute(1, 2, 0).numpy()
    return a[..., 0] if a.shape[-1] == 1 else a


def png_bytes(tensor: torch.Tensor) -> bytes:
    """A (1, C, H, W) image in [0, 1] as PNG file bytes (for downloads)."""
    buf = io.BytesIO()
    Image.fromarray(to_image(tensor)).save(buf, "PNG")
    return buf.getvalue()


def photo_input(image: Image.Image, size: int = 224) -> torch.Tensor:
    """Resize the shorter side to `size` and centre-crop a square: (1, 3, size, size) in [0, 1]."""
    w, h = image.size
    s = size / min(w, h)
    image = image.resize((max(size, round(w * s)), max(size, round(h * s))),
                         Image.Resampling.BICUBIC, reducing_gap=3.0)
    w, h = image.size
    left, top = (w - size) // 2, (h - size) // 2
    return to_tensor(image.crop((left, top, left + size, top + size)).convert("RGB"))


def digit_input(image: Image.Image) -> torch.Tensor:
    """Any picture -> an MNIST-style digit (1, 1, 28, 28) in [0, 1]: white ink on black, the ink
    box scaled to 20 px and centred by its centre of mass in a 28 x 28 frame (as MNIST was made)."""
    grey = np.asarray(image.convert("L"), dtype=np.float64) / 255.0
    border = np.concatenate([grey[0], grey[-1], grey[:, 0], grey[:, -1]])
    if border.mean() > 0.5:  # dark ink on light paper -> invert to MNIST's polarity
        grey, border = 1.0 - grey, 1.0 - border
    background = float(np.median(border))  # stretch so paper -> 0 and the darkest ink -> 1
    grey = np.clip((grey - background) / max(grey.max() - background, 1e-6), 0, 1)
    ys, xs = np.nonzero(grey > 0.2)
    if len(ys) == 0:
        return torch.zeros(1, 1, 28, 28)
    box = grey[ys.min():ys.max() + 1, xs.min():xs.max() + 1]
    scale = 20.0 / max(box.shape)
    new_h, new_w = max(1, round(box.shape[0] * scale)), max(1, round(box.shape[1] * scale))
    small = np.asarray(Image.fromarray((box * 255).astype(np.uint8)).resize(
        (new_w, new_h), Image.Resampling.LANCZOS), dtype=np.float64) / 255.0
    canvas = np.zeros((28, 28))
    total = small.sum()
    cy, cx = ((np.indices(small.shape) * small).reshape(2, -1).sum(1) / total
              if total > 0 else (new_h / 2, new_w / 2))
    top = int(np.clip(round(14 - cy), 0, 28 - new_h))
    left = int(np.clip(round(14 - cx), 0, 28 - new_w))
    canvas[top:top + new_h, left:left + new_w] = small
    return torch.from_numpy(canvas).float().clamp(0, 1)[None, None]
