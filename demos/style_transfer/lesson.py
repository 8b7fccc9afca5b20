"""The style-transfer page's lesson answers (`## Lesson` in pages/04_style_transfer.md, format:
ui/lesson_data.py): a beat's URL parameters (missing ones take the page's defaults, as
pages/04_style_transfer.py reads them) -> the hero's fast (one-pass) result, made as the page makes it."""
from __future__ import annotations

import functools
from typing import Mapping

import torch

from demos.images import photo, to_tensor
from demos.style_transfer import colour, fast, inputs
from models.registry import load_pretrained

DEFAULTS = {"content": "astronaut", "style": "pattern:strokes", "size": "192", "strength": "1.0", "colour": "0",
            "seed": "0"}


@functools.lru_cache(maxsize=1)
def _net():
    return load_pretrained("magenta_arbitrary_style")


def _source(name: str, seed: int) -> torch.Tensor:
    made = inputs.pattern_image(name, seed)
    return made if made is not None else to_tensor(photo(name))


@functools.lru_cache(maxsize=8)
def _fast(content: str, style: str, size: int, strength: float, keep: bool, seed: int
          ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    c, styles, _ = inputs.prepare(_source(content, seed), _source(style, seed), None, size, 1.0)
    with torch.no_grad():
        result = fast.fast_stylize(_net(), c, styles[0], strength)
    return colour.finish(result, c, keep), c, styles[0]


def fast_result(params: Mapping[str, str]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(the fast network's result as the page shows it, the content at working size, the style)."""
    p = DEFAULTS | dict(params)
    return _fast(p["content"], p["style"], int(p["size"]), float(p["strength"]), p["colour"] == "1", int(p["seed"]))


def mean_colour(image: torch.Tensor) -> torch.Tensor:
    return image.mean(dim=(0, 2, 3))


def colour_nearer(params: Mapping[str, str]) -> str:
    """Whether the result's average colour (mean R, G, B) is nearer the photo's or the style's."""
    result, content, style = fast_result(params)
    to_photo = torch.dist(mean_colour(result), mean_colour(content))
    to_style = torch.dist(mean_colour(result), mean_colour(style))
    return "The photo's" if to_photo < to_style else "The style's"
