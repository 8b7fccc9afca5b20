"""The chain builder's controls as plain data: the default chain, the options of each step, the
presets, and reading the controls' values into a `Chain`."""
from __future__ import annotations

import torch
from torch.nn import functional as F

from demos.augmentation.transforms import MAX_STEPS, TITLES, TRANSFORMS, Chain, Step

OFF = "off"
DEFAULT_STEPS = (("rotate", 1.0, 0.2), ("shift", 0.5, 0.5), ("colour", 0.8, 0.5))  # (name, p, magnitude)
PHOTO_SIDE = 128  # px: photos are augmented at this size (the grid's 24 draws stay fast: hue jitter costs most)
PRESETS = {  # a chain preset sets every step's controls
    "6 becomes 9": {"t1": "turn", "p1": 0.5, "m1": 0.0, "t2": OFF, "t3": OFF, "kind": "digit", "digit": 6, "seed": 1},  # 3 of 6 turned
    "Mild (label-safe)": {"t1": "rotate", "p1": 1.0, "m1": 0.08, "t2": "shift", "p2": 1.0, "m2": 0.3,
                          "t3": "zoom", "p3": 1.0, "m3": 0.2},
    "SimCLR-style": {"t1": "crop", "p1": 1.0, "m1": 0.6, "t2": "colour", "p2": 0.8, "m2": 0.8,
                     "t3": "blur", "p3": 0.5, "m3": 0.3},
}


def step_options(index: int) -> list[str]:
    """Step 1 is always on; later steps may be off."""
    return list(TITLES) if index == 0 else [OFF, *TITLES]


def step_title(name: str) -> str:
    return "— off —" if name == OFF else TITLES[name]


def magnitude_help(name: str) -> str:
    """What the magnitude m sets for this step's transform."""
    return "This step is off." if name == OFF else f"{TITLES[name]}: {TRANSFORMS[name][0]}."


def read_chain(values: list[tuple[str, float, float]]) -> Chain:
    """(name, p, magnitude) per step -> the chain, steps that are off left out."""
    return tuple(Step(n, float(p), float(m)) for n, p, m in values[:MAX_STEPS] if n != OFF)


def working_image(x: torch.Tensor) -> torch.Tensor:
    """The picker's (1, C, H, W) image as the (C, H, W) image the chain transforms: digits as they are,
    photos shrunk to PHOTO_SIDE."""
    if x.shape[1] == 1:
        return x[0]
    return F.interpolate(x, size=(PHOTO_SIDE, PHOTO_SIDE), mode="bilinear", antialias=True, align_corners=False)[0].clamp(0, 1)
