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
            "layer": "features.4", "patch": "6", "stride": "50", "seed": "0", "k": "3"}


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


def survivor(params: Mapping[str, str]) -> str:
    """Of Gradient, Gradient × input, SmoothGrad and Grad-CAM: the map most like the trained model's
    after randomising the top k layers."""
    x, target, s, _ = explained(params)
    k = int((DEFAULTS | dict(params))["k"])
    run = sanity.cascading_randomisation(_model("mnist_cnn"), x, target, s, True)
    rows = {m: v for m, v in run["spearman"][k].items() if m in ("gradient", "grad_x_input", "smoothgrad", "gradcam")}
    return methods.METHODS[max(rows, key=rows.get)]


def twin_changes(params: Mapping[str, str]) -> str:
    """"Yes" when Gradient × input's map for the shuffled-label model has rank correlation ≤ 0.5 with
    the real model's (the page's pass line), else "No"."""
    x, target, s, r = explained(params)
    twin = hero.attribute_all(_model("mnist_cnn_shuffled"), x, target, s)
    score = sanity.twin_scores(hero.flat_maps(r), hero.flat_maps(twin))["grad_x_input"]
    return "Yes" if score <= sanity.PASS_BELOW else "No"

