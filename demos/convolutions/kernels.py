"""Kernels and the grids they slide over: the preset kernels (Sobel, binomial blur, sharpen: Sobel &
Feldman 1968), numbers typed by a visitor (checked, with a message for every mistake), and the grey
version of a picture that the hero reads.
"""
from __future__ import annotations

import math
import re

import numpy as np
import torch
import torch.nn.functional as F

from demos.text import quote

KERNELS = {"identity": "Identity", "edge": "Edge (Laplacian)", "sobel_x": "Sobel x (vertical edges)",
           "sobel_y": "Sobel y (horizontal edges)", "blur": "Blur (binomial)", "box": "Box blur",
           "sharpen": "Sharpen", "custom": "Custom values…"}  # preset name -> title
KERNEL_RANGE = (1, 7)  # kernel side, pixels
MAX_GRID = 12  # largest typed input grid (rows and columns)
MAX_VALUE = 1000.0  # largest magnitude of a typed value
SLIDE_SIDE = {"digits": 14, "photos": 16}  # the hero's input side: a 2x-pooled digit, a photo thumbnail
DEFAULT_GRID = "0 0 0 9 9 9\n0 0 0 9 9 9\n0 0 0 9 9 9\n0 0 9 9 9 9\n0 0 9 9 9 9\n0 0 9 9 9 9"
DEFAULT_CUSTOM = "0 -1 0\n-1 5 -1\n0 -1 0"
LUMA = (0.299, 0.587, 0.114)  # ITU-R 601 weights: RGB -> grey


class GridError(ValueError):
    """Typed numbers that cannot be used; the message is written for the person who typed them."""


# ---------------------------------------------------------------- preset kernels
def _binomial(n: int) -> np.ndarray:
    return np.array([math.comb(n - 1, i) for i in range(n)], dtype=float)


def kernel(name: str, size: int) -> np.ndarray:
    """A preset (size, size) kernel. Sobel generalises as binomial smoothing ⊗ binomial derivative
    (size 3: [1, 2, 1] ⊗ [−1, 0, 1]); blur is the normalised binomial; sharpen = 2·identity − blur."""
    identity = np.zeros((size, size))
    identity[size // 2, size // 2] = 1.0
    smooth = _binomial(size)
    blur = np.outer(smooth, smooth) / smooth.sum() ** 2
    if name == "identity":
        return identity
    if name == "box":
        return np.full((size, size), 1.0 / size**2)
    if name == "blur":
        return blur
    if name == "sharpen":
        return 2 * identity - blur
    if name == "edge":
        return size**2 * identity - 1.0  # −1 around, size²−1 in the centre: sums to 0
    if name in ("sobel_x", "sobel_y"):
        deriv = np.convolve(_binomial(size - 1), [-1.0, 1.0]) if size > 1 else np.zeros(1)
        sobel = np.outer(smooth, deriv)
        return sobel if name == "sobel_x" else sobel.T
    raise ValueError(f"unknown kernel {name!r}; choose from {', '.join(KERNELS)}")


# ---------------------------------------------------------------- typed grids
def parse_grid(text: str, max_side: int = MAX_GRID, square: bool = False) -> np.ndarray:
    """Rows of numbers (one row per line or separated by ';', values by spaces or commas) -> 2-D
    array. Raises GridError with a message for the person who typed it."""
    rows = [r.strip() for r in re.split(r"[\n;]", text or "") if r.strip()]
    if not rows:
        raise GridError("The grid is empty: type rows of numbers, one row per line.")
    if len(rows) > max_side:
        raise GridError(f"{len(rows)} rows is too many: at most {max_side}.")
    values = []
    for i, row in enumerate(rows, start=1):
        cells = [c for c in re.split(r"[\s,]+", row) if c]
        bad = next((c for c in cells if not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", c, re.ASCII)), None)
        if bad is not None:
            raise GridError(f"Row {i}: “{quote(bad, 12)}” is not a number.")
        values.append([float(c) for c in cells])
    widths = sorted({len(r) for r in values})
    if len(widths) > 1:
        raise GridError(f"Rows have different lengths ({', '.join(map(str, widths))} values): "
                        "every row needs the same number of values.")
    a = np.array(values)
    if a.shape[1] > max_side:
        raise GridError(f"{a.shape[1]} columns is too many: at most {max_side}.")
    if not np.isfinite(a).all() or np.abs(a).max() > MAX_VALUE:
        raise GridError(f"Values must lie between −{MAX_VALUE:g} and {MAX_VALUE:g}.")
    if square and a.shape[0] != a.shape[1]:
        raise GridError(f"A kernel must be square; this one is {a.shape[0]} × {a.shape[1]}.")
    return a


def read_grid(text: str, default: str, max_side: int = MAX_GRID, square: bool = False) -> tuple[np.ndarray, str | None]:
    """`parse_grid`, falling back to `default`: (values, the problem with the typed text or None)."""
    try:
        return parse_grid(text, max_side, square), None
    except GridError as err:
        return parse_grid(default, max_side, square), str(err)


def grey(images: torch.Tensor, side: int) -> np.ndarray:
    """(1, C, H, W) in [0, 1] -> (side, side) grey levels (luma, area-averaged): the hero's input."""
    x = images[0]
    g = sum(w * x[c] for c, w in enumerate(LUMA)) if x.shape[0] == 3 else x[0]
    return F.adaptive_avg_pool2d(g[None, None], side)[0, 0].double().numpy()


# ---------------------------------------------------------------- what the controls ask for
def chosen_kernel(preset: str, size: int, typed: str) -> tuple[np.ndarray, str | None]:
    """The kernel of the controls: the preset at `size`, or for 'custom' the `typed` values (square,
    at most KERNEL_RANGE[1] wide, else DEFAULT_CUSTOM): (weights (k, k), the problem or None)."""
    if preset == "custom":
        return read_grid(typed, DEFAULT_CUSTOM, KERNEL_RANGE[1], square=True)
    return kernel(preset, size), None


def chosen_input(images: torch.Tensor, side: int, typed: bool, text: str) -> tuple[np.ndarray, str | None]:
    """The grid the window slides over: the typed `text` (else DEFAULT_GRID) when `typed`, otherwise
    the grey picture at `side` px: (values (H, W), the problem with the typed text or None)."""
    return read_grid(text, DEFAULT_GRID) if typed else (grey(images, side), None)


def fallback_note(problem: str) -> str:
    """The message for typed values that cannot be used."""
    return f"{problem} Using the default values instead."


def typed_size_text(k: int) -> str:
    """Under the kernel-size control when the kernel is typed: its size comes from the values."""
    return f"Kernel size k = {k}, from the typed values"
