"""The interpretability page's lesson answers (`## Lesson` in pages/16_interpretability.md, format:
ui/lesson_data.py): each takes a beat's URL parameters (missing ones take the page's defaults, as
pages/16_interpretability.py and the image picker read them) and explains the same digit with the same
model and settings as the page."""
from __future__ import annotations

import functools
from typing import Mapping

import torch

from demos.interpretability import hero, methods, sanity
from models.data import mnist_split
from models.registry import load_pretrained

DEFAULTS = {"digit": "7", "index": "0", "rank": "1", "baseline": "black", "n": "25", "sigma": "0.15", "steps": "50",
            "layer": "features.4", "patch": "6", "stride": "50", "seed": "0"}


@functools.lru_cache(maxsize=2)
def _model(name: str) -> torch.nn.Module:
    return load_pretrained(name)


def view(params: Mapping[str, str]) -> tuple[torch.Tensor, int, hero.Settings]:
    """(the digit, the explained class, the hero's settings) of a digits view."""
    p = DEFAULTS | dict(params)
    data = mnist_split()
    row = int((data.test_labels == int(p["digit"])).nonzero()[int(p["index"])])
    x = data.test_images[row:row + 1]
    with torch.no_grad():
        target = int(_model("mnist_cnn")(x)[0].topk(3).indices[int(p["rank"]) - 1])
    patch = int(p["patch"])
    s = hero.Settings(int(p["n"]), float(p["sigma"]), p["baseline"], int(p["steps"]), p["layer"], patch,
                      max(1, round(patch * int(p["stride"]) / 100)), int(p["seed"]))
    return x, target, s


@functools.lru_cache(maxsize=8)
def _explained(items: tuple) -> tuple[torch.Tensor, int, hero.Settings, hero.Explained]:
    x, target, s = view(dict(items))
    return x, target, s, hero.attribute_all(_model("mnist_cnn"), x, target, s)


def explained(params: Mapping[str, str]) -> tuple[torch.Tensor, int, hero.Settings, hero.Explained]:
    return _explained(tuple(sorted(params.items())))


def completeness_holds(params: Mapping[str, str]) -> str:
    """"Yes" when Σ IG attributions is within 5 % of f(x) − f(x′) (the page's verdict), else "No"."""
    _, _, _, r = explained(params)
    return "Yes" if abs(r.total - r.gap) <= 0.05 * abs(r.gap) else "No"


def most_like_edges(params: Mapping[str, str]) -> str:
    """The method whose map has the highest rank correlation with the Sobel edge map of the input."""
    x, _, _, r = explained(params)
    scores = sanity.edge_scores(hero.flat_maps(r), sanity.edge_map(x))
    return methods.METHODS[max(scores, key=scores.get)]


def gap_is_positive(params: Mapping[str, str]) -> str:
    """"Yes" when f(x) − f(x′) (the gap the completeness line prints) is above 0, else "No"."""
    _, _, _, r = explained(params)
    return "Yes" if r.gap > 0 else "No"


def gap_vs_black(params: Mapping[str, str]) -> str:
    """"Larger" when the view's f(x) − f(x′) exceeds the same view's with the black baseline, else "Smaller"."""
    _, _, _, r = explained(params)
    _, _, _, black = explained(dict(params) | {"baseline": "black"})
    return "Larger" if r.gap > black.gap else "Smaller"
