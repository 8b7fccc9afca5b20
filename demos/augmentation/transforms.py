"""The hero's transforms: torchvision's v2 transforms, each with one magnitude knob in [0, 1], chained
(order, probability, magnitude) and applied to an image together with a bounding box and a mask
(`tv_tensors`), so geometry moves all three. Every draw is seed-locked: row r of the grid re-seeds
torch with `seed + r` and then draws its columns one after another, as torchvision's own gallery does."""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Callable

import torch
from torchvision import tv_tensors
from torchvision.transforms import v2

# name -> (what the magnitude m in [0, 1] sets, the v2 transform at that magnitude as code)
TRANSFORMS: dict[str, tuple[str, Callable[[float, bool], str]]] = {
    "rotate": ("angle up to ±180°·m", lambda m, grey: f"v2.RandomRotation(degrees={180 * m:.4g})"),
    "shift": ("shift up to 30 %·m of the side", lambda m, grey: f"v2.RandomAffine(degrees=0, translate=({0.3 * m:.4g}, {0.3 * m:.4g}))"),
    "zoom": ("scale 1 ± 0.5·m", lambda m, grey: f"v2.RandomAffine(degrees=0, scale=({1 - 0.5 * m:.4g}, {1 + 0.5 * m:.4g}))"),
    "shear": ("shear up to ±45°·m", lambda m, grey: f"v2.RandomAffine(degrees=0, shear={45 * m:.4g})"),
    "crop": ("crop keeps 100 % down to (100 − 90·m) % of the area", lambda m, grey: f"v2.RandomResizedCrop(size=SIZE, scale=({max(1 - 0.9 * m, 0.05):.4g}, 1.0), antialias=True)"),
    "turn": ("a half turn, exactly 180° (m unused)", lambda m, grey: "v2.RandomRotation(degrees=(180, 180))"),
    "flip": ("mirror left-right (m unused)", lambda m, grey: "v2.RandomHorizontalFlip(p=1.0)"),
    "vflip": ("mirror top-bottom (m unused)", lambda m, grey: "v2.RandomVerticalFlip(p=1.0)"),
    "colour": ("brightness and contrast ×(1 ± m); on photos also saturation ± m and hue ± 0.5·m",
               lambda m, grey: f"v2.ColorJitter(brightness={m:.4g}, contrast={m:.4g})" if grey else
               f"v2.ColorJitter(brightness={m:.4g}, contrast={m:.4g}, saturation={m:.4g}, hue={0.5 * m:.4g})"),
    "invert": ("invert the grey levels or colours (m unused)", lambda m, grey: "v2.RandomInvert(p=1.0)"),
    "noise": ("Gaussian noise, σ = 0.3·m", lambda m, grey: f"v2.GaussianNoise(sigma={0.3 * m:.4g})"),
    "blur": ("Gaussian blur, σ up to 0.1 + 3·m px", lambda m, grey: f"v2.GaussianBlur(kernel_size=9, sigma=(0.1, {0.1 + 3 * m:.4g}))"),
    "erase": ("erase a patch of 2 % to (2 + 30·m) % of the area", lambda m, grey: f"v2.RandomErasing(p=1.0, scale=(0.02, {0.02 + 0.3 * m:.4g}), value=0)"),
}
TITLES = {"rotate": "Rotate", "shift": "Shift", "zoom": "Zoom", "shear": "Shear", "crop": "Random resized crop",
          "turn": "Turn 180°", "flip": "Flip left-right", "vflip": "Flip top-bottom", "colour": "Colour jitter", "invert": "Invert",
          "noise": "Noise", "blur": "Blur", "erase": "Random erasing"}
GEOMETRIC = ("rotate", "shift", "zoom", "shear", "crop", "turn", "flip", "vflip")  # move the box and mask too
DRAWS = 6  # columns of the grid
MAX_STEPS = 3


@dataclass(frozen=True)
class Step:
    name: str  # a key of TRANSFORMS
    p: float  # probability the step is applied to a draw
    magnitude: float  # in [0, 1]


Chain = tuple[Step, ...]


def build(step: Step, size: int, grey: bool) -> v2.Transform:
    """The v2 transform of one step, wrapped in RandomApply with its probability."""
    inner = eval(TRANSFORMS[step.name][1](step.magnitude, grey), {"v2": v2, "SIZE": size})  # our own fixed strings
    return v2.RandomApply([inner], p=step.p)


def compose(chain: Chain, size: int, grey: bool) -> v2.Compose:
    return v2.Compose([build(s, size, grey) for s in chain])


def pipeline_code(chain: Chain, size: int, grey: bool) -> str:
    """The chain as a script that runs on its own (the export): same transforms, same seeding."""
    lines = ["import torch", "from torchvision import tv_tensors", "from torchvision.transforms import v2", "",
             f"SIZE = {size}", "pipeline = v2.Compose(["]
    lines += [f"    v2.RandomApply([{TRANSFORMS[s.name][1](s.magnitude, grey)}], p={s.p:g}),  # {TITLES[s.name]}"
              for s in chain]
    lines += ["])", "",
              "# image: (C, H, W) float in [0, 1]; box: [x1, y1, x2, y2] in pixels; mask: (H, W) of 0/1",
              "def augment(image, box, mask, seed: int, draws: int = 6):",
              "    torch.manual_seed(seed)  # the grid: row r uses seed + r; the whole chain (2+ steps) is row len(steps)",
              "    box = tv_tensors.BoundingBoxes([box], format='XYXY', canvas_size=image.shape[-2:])",
              "    return [pipeline(tv_tensors.Image(image), box, tv_tensors.Mask(mask)) for _ in range(draws)]", ""]
    return "\n".join(lines)


@dataclass(frozen=True)
class Sample:
    image: torch.Tensor  # (C, H, W) in [0, 1]
    box: torch.Tensor  # (4,) x1, y1, x2, y2 in pixels
    mask: torch.Tensor  # (H, W) 0/1


def region(image: torch.Tensor, grey: bool) -> tuple[torch.Tensor, torch.Tensor]:
    """A box and mask to follow through the transforms: a digit's ink (pixels over 0.3) and its bounding
    box; on a photo, a central ellipse (half the width and height) and its box."""
    h, w = image.shape[-2:]
    if grey:
        mask = (image[0] > 0.3).to(torch.uint8)
        if mask.any():
            rows, cols = mask.any(1).nonzero().flatten(), mask.any(0).nonzero().flatten()
            return torch.tensor([cols[0], rows[0], cols[-1] + 1, rows[-1] + 1], dtype=torch.float32), mask
    yy, xx = torch.meshgrid(torch.arange(h) + 0.5, torch.arange(w) + 0.5, indexing="ij")
    mask = (((xx - w / 2) / (w / 4)) ** 2 + ((yy - h / 2) / (h / 4)) ** 2 <= 1).to(torch.uint8)
    return torch.tensor([w / 4, h / 4, 3 * w / 4, 3 * h / 4], dtype=torch.float32), mask


def apply(pipeline: v2.Transform, image: torch.Tensor, box: torch.Tensor, mask: torch.Tensor) -> Sample:
    """One draw of `pipeline` on image (C, H, W), box (4,) and mask (H, W) together."""
    boxes = tv_tensors.BoundingBoxes(box[None], format="XYXY", canvas_size=tuple(image.shape[-2:]))
    with warnings.catch_warnings():  # RandomErasing says it passes boxes and masks through: as it should here
        warnings.filterwarnings("ignore", message="RandomErasing", category=UserWarning)
        out_image, out_box, out_mask = pipeline(tv_tensors.Image(image), boxes, tv_tensors.Mask(mask))
    return Sample(out_image.as_subclass(torch.Tensor).clamp(0, 1), out_box.as_subclass(torch.Tensor)[0],
                  out_mask.as_subclass(torch.Tensor))


def grid(image: torch.Tensor, chain: Chain, seed: int, draws: int = DRAWS) -> list[list[Sample]]:
    """Rows: each step of the chain on its own, then (with two or more steps) the whole chain; columns:
    `draws` seeded draws. image: (C, H, W) in [0, 1] (C = 1: a digit)."""
    grey = image.shape[0] == 1
    size = image.shape[-1]
    box, mask = region(image, grey)
    pipelines = [compose((s,), size, grey) for s in chain]
    if len(chain) > 1:
        pipelines.append(compose(chain, size, grey))
    rows = []
    for r, pipeline in enumerate(pipelines):
        torch.manual_seed(seed + r)
        rows.append([apply(pipeline, image, box, mask) for _ in range(draws)])
    return rows


def row_titles(chain: Chain) -> list[str]:
    titles = [f"{TITLES[s.name]} (p={s.p:g}, m={s.magnitude:g})" for s in chain]
    return titles + (["The whole chain"] if len(chain) > 1 else [])
