"""Server memory per image upload: the peak resident memory that `demos.images.load_image` adds for
each costly kind of file (progressive JPEGs, 16-bit RGBA with an EXIF rotation, lossless RGBA WebP,
float TIFF, GIF and palette PNG with transparency, a baseline JPEG decoded small), alone and two at
once (two threads of one process, as two visitors of one Streamlit server). Target: ≤ +300 MB per
upload (≤ +600 MB for two at once). Files the gate refuses are listed too: refusing costs ~1 MB.

Each measurement runs in a fresh process: Python's tracemalloc does not see Pillow's C buffers, so the
process's own peak (VmHWM, reset through /proc/self/clear_refs after the imports) is read instead.
The files are made once in a temporary folder (constant content compresses to a few MB at most).

    python -m bench.run --only uploads
"""
from __future__ import annotations

import io
import json
import struct
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

from bench.common import ROOT, Row

SIDE = 5000  # 25 MP: the largest image the normal cap lets through
CHILD = r"""
import sys, threading, json
from pathlib import Path
from demos import images

def status(key):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key):
            return int(line.split()[1]) / 1024

data = Path(sys.argv[1]).read_bytes()
copies = int(sys.argv[2])
Path("/proc/self/clear_refs").write_text("5")  # reset the peak to the current resident size
base = status("VmRSS:")
results = []

def one():
    try:
        image = images.load_image(data)
        results.append(f"{image.size[0]}x{image.size[1]}")
    except images.ImageError as err:
        results.append("refused")

threads = [threading.Thread(target=one) for _ in range(copies)]
for t in threads: t.start()
for t in threads: t.join()
print(json.dumps({"peak": status("VmHWM:") - base, "results": results}))
"""


def _png(width: int, height: int, colour: int, depth: int, channels: int, exif: bytes = b"",
         palette: bytes = b"", trns: bytes = b"") -> bytes:
    """A PNG of constant pixels of any size and kind, written row by row (never whole in memory)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    row = b"\x00" + bytes([0x55]) * (width * channels * depth // 8)
    packer = zlib.compressobj(9)
    body = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 0))
    out += (chunk(b"PLTE", palette) if palette else b"") + (chunk(b"tRNS", trns) if trns else b"")
    out += (chunk(b"eXIf", exif) if exif else b"")
    return out + chunk(b"IDAT", body) + chunk(b"IEND", b"")


def files(folder: Path) -> dict[str, Path]:
    """name -> a file of that kind in `folder` (made on first use)."""
    from PIL import Image

    rotated = Image.Exif()
    rotated[0x0112] = 6  # EXIF orientation: rotate 90°
    exif = rotated.tobytes()[6:] if rotated.tobytes().startswith(b"Exif") else rotated.tobytes()

    def pil(name: str, make, fmt: str, **kw):
        def build() -> bytes:
            buf = io.BytesIO()
            make().save(buf, fmt, **kw)
            return buf.getvalue()
        return name, build

    makers = dict([
        ("progressive CMYK JPEG 13,000² (refused after #29)", lambda: _jpeg(13_000, "CMYK", progressive=True)),
        ("progressive CMYK JPEG 5,000²", lambda: _jpeg(SIDE, "CMYK", progressive=True)),
        ("progressive RGB JPEG 5,000² 4:4:4", lambda: _jpeg(SIDE, "RGB", progressive=True, subsampling=0)),
        ("progressive RGB JPEG 5,000² 4:2:0", lambda: _jpeg(SIDE, "RGB", progressive=True, subsampling=2)),
        ("baseline RGB JPEG 12,000² (decoded at 1/8)", lambda: _jpeg(12_000, "RGB")),
        ("16-bit RGBA PNG 5,000², EXIF rotation", lambda: _png(SIDE, SIDE, 6, 16, 4, exif)),
        ("16-bit LA PNG 5,000², EXIF rotation", lambda: _png(SIDE, SIDE, 4, 16, 2, exif)),
        ("palette PNG 5,000² with transparency", lambda: _png(SIDE, SIDE, 3, 8, 1, b"", bytes(range(256)) * 3,
                                                               b"\x00" * 128)),
        pil("lossless RGBA WebP 4,000² (the WebP cap)", lambda: Image.new("RGBA", (4000, 4000), (9, 99, 199, 128)),
            "WEBP", lossless=True, quality=0, method=0),
        pil("lossless RGBA WebP 5,000² (refused after #29)", lambda: Image.new("RGBA", (SIDE, SIDE), (9, 99, 199, 128)), "WEBP",
            lossless=True, quality=0, method=0),
        pil("float TIFF 5,000²", lambda: Image.new("F", (SIDE, SIDE), 0.5), "TIFF", compression="tiff_adobe_deflate"),
        pil("GIF 5,000² with transparency", lambda: Image.new("P", (SIDE, SIDE), 3), "GIF", transparency=3),
    ])
    out = {}
    for name, build in makers.items():
        path = folder / f"{zlib.crc32(name.encode()):08x}.img"  # the same name every run
        if not path.exists():
            path.write_bytes(build())
        out[name] = path
    return out


def _jpeg(side: int, mode: str, **kw) -> bytes:
    """A JPEG of `side`² constant pixels, encoded from a small image scaled up by Pillow in bands would
    still need the whole image; a constant image is cheap enough to hold (side² × channels bytes)."""
    from PIL import Image
    image = Image.new(mode, (side, side), (10, 120, 200, 30) if mode == "CMYK" else (10, 120, 200))
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=90, **kw)
    return buf.getvalue()


def measure(path: Path, copies: int) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, str(path), str(copies)], cwd=ROOT, capture_output=True,
                         text=True, timeout=600, env={"PYTHONPATH": str(ROOT), "MALLOC_ARENA_MAX": "2",
                                                       "PATH": "/usr/bin:/bin"})
    if out.returncode:
        raise RuntimeError(out.stderr[-2000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


TEACH = r"""
import io, sys
from pathlib import Path
import torch
from PIL import Image
from demos.images import load_image, photo, to_tensor
from demos.transfer_learning import teach
from models import load_pretrained

def status(key):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key):
            return int(line.split()[1]) / 1024

torch.set_num_threads(1)  # as the server's job pool runs it
model = load_pretrained("efficientnet_lite0")
buf = io.BytesIO()
Image.new("P", (1, 1)).save(buf, "GIF")
pictures = [[to_tensor(load_image(buf.getvalue()))]] + [[to_tensor(photo(n))] for n in teach.TEACH_DEFAULTS[:3]]
Path("/proc/self/clear_refs").write_text("5")
base = status("VmRSS:")
teach.teach(model, pictures, 20)  # the page's largest job: 4 classes x (20 + 20) crops
print(status("VmHWM:") - base, len(buf.getvalue()))
"""


def teach_peak() -> Row:
    """The teach-it-yourself job on a fresh process (its first run, the costliest): 4 classes, one of
    them a tiny GIF, 20 training crops each."""
    out = subprocess.run([sys.executable, "-c", TEACH], cwd=ROOT, capture_output=True, text=True, timeout=600,
                         env={"PYTHONPATH": str(ROOT), "MALLOC_ARENA_MAX": "2", "PATH": "/usr/bin:/bin",
                              "HF_HUB_OFFLINE": "1"})
    if out.returncode:
        raise RuntimeError(out.stderr[-2000:])
    peak, size = out.stdout.split()[-2:]
    return Row("uploads", f"teach it yourself, 4 classes × 40 crops, one a {size}-byte GIF (fresh process)",
               float(peak), unit="MB", target="≤ +300 MB")


def run() -> list[Row]:
    folder = Path(tempfile.gettempdir()) / "gallery-bench-uploads"
    folder.mkdir(exist_ok=True)
    rows = []
    for name, path in files(folder).items():
        for copies in (1, 2):
            m = measure(path, copies)
            what = f"{name} ({path.stat().st_size / 1e6:.1f} MB file){', two at once' if copies == 2 else ''}: " \
                   f"{'/'.join(sorted(set(m['results'])))}"
            rows.append(Row("uploads", what, m["peak"], unit="MB",
                            target="≤ +300 MB" if copies == 1 else "≤ +600 MB (+300 MB each)"))
    return rows + [teach_peak()]


if __name__ == "__main__":
    for row in run():
        print(" | ".join(row.cells()))
