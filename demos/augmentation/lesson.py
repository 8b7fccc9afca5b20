"""The augmentation page's lesson answers (`## Lesson` in pages/17_augmentation.md, format:
ui/lesson_data.py): a beat's URL parameters (missing ones take the page's defaults, as
pages/17_augmentation.py reads them) -> the hero's grid drawn by the page's own functions and read
by the committed digit CNN."""
from __future__ import annotations

from typing import Mapping

import numpy as np

from demos.augmentation import chain, grid_view, transforms

DEFAULTS = {"kind": "digit", "digit": "7", "index": "0", "seed": "0"} | {
    f"{key}{i + 1}": str(value) for i, step in enumerate(chain.DEFAULT_STEPS) for key, value in zip("tpm", step)}


def verdicts(params: Mapping[str, str]) -> tuple[np.ndarray, int]:
    """(R, D) booleans: does the digit CNN still read the digit's label in each draw; and the label."""
    from models.data import mnist_split
    from models.registry import load_pretrained

    p = DEFAULTS | dict(params)
    if p["kind"] != "digit":
        raise ValueError("the meter needs a digit")
    digit, index = int(p["digit"]), int(p["index"])
    data = mnist_split()
    row = int((data.test_labels == digit).nonzero()[index])
    steps = [(p[f"t{i}"], float(p.get(f"p{i}", DEFAULTS[f"p{i}"])), float(p.get(f"m{i}", DEFAULTS[f"m{i}"])))
             for i in (1, 2, 3)]
    rows = transforms.grid(chain.working_image(data.test_images[row:row + 1]), chain.read_chain(steps), int(p["seed"]))
    probs = grid_view.meter(load_pretrained("mnist_cnn"), rows)
    return probs.argmax(2) == digit, digit


def _bucket(kept: int) -> str:
    return "0–2" if kept <= 2 else "3–4" if kept <= 4 else "5–6"


def first_row_kept(params: Mapping[str, str]) -> str:
    """How many of the first row's six draws keep the label, as the beat's choice."""
    return _bucket(int(verdicts(params)[0][0].sum()))


def chain_kept(params: Mapping[str, str]) -> str:
    """How many of the last row's (the whole chain's) draws keep the label."""
    return _bucket(int(verdicts(params)[0][-1].sum()))


def first_draw_kept(params: Mapping[str, str]) -> str:
    """Whether the first draw of the first row keeps the label."""
    return "Yes" if verdicts(params)[0][0, 0] else "No"
