"""The convolutions page's lesson answers (`## Lesson` in pages/09_convolutions.md, format:
ui/lesson_data.py): a beat's URL parameters (missing ones take the page's defaults, as
pages/09_convolutions.py reads them) -> the hero's output side, by the page's own formula."""
from __future__ import annotations

from typing import Mapping

from demos.convolutions import kernels, sliding

DEFAULTS = {"family": "digits", "k": "3", "stride": "1", "padding": "0", "dilation": "1", "typed": "0"}


def input_side(params: Mapping[str, str]) -> int:
    """The side of the hero's input: the image thumbnail, or the default typed grid (6 x 6)."""
    p = DEFAULTS | dict(params)
    if p["typed"] == "1":
        return len(kernels.DEFAULT_GRID.splitlines()) if "grid" not in p else len(p["grid"].strip().splitlines())
    return kernels.SLIDE_SIDE[p["family"]]


def output_side(params: Mapping[str, str]) -> str:
    """Output width of the hero's convolution: ⌊(n + 2p − d(k − 1) − 1)/s⌋ + 1 (sliding.output_sides)."""
    p = DEFAULTS | dict(params)
    n = input_side(params)
    return str(sliding.output_sides((n, n), int(p["k"]), int(p["stride"]), int(p["padding"]), int(p["dilation"]))[0])
