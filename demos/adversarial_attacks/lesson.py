"""The adversarial page's lesson answers (`## Lesson` in pages/02_adversarial_attacks.md, format:
ui/lesson_data.py): each takes a beat's URL parameters (missing ones take the page's defaults, as
pages/02_adversarial_attacks.py and the image picker read them) and crafts the same attack on the same
digit with the same model as the page's hero."""
from __future__ import annotations

import functools
from typing import Mapping

import torch

from demos.adversarial_attacks import attacks
from demos.prediction import predict_topk
from models import class_names
from models.data import mnist_split
from models.registry import load_pretrained

DEFAULTS = {"model": "mnist_cnn", "attack": "pgd", "eps": "0.1", "steps": "10", "alpha": "2.5", "seed": "0",
            "digit": "7", "index": "0", "target_digit": "3"}


@functools.lru_cache(maxsize=4)
def _model(name: str) -> torch.nn.Module:
    return load_pretrained(name)


def digit_image(digit: int, index: int) -> torch.Tensor:
    """Held-out example `index` of `digit`: the image picker's choice (ui.blocks.image_picker)."""
    data = mnist_split()
    row = int((data.test_labels == digit).nonzero()[index])
    return data.test_images[row:row + 1]


def before_after(params: Mapping[str, str]) -> tuple[str, str, str]:
    """(the model's answer on the clean digit, on the adversarial one, the attack's goal class) for a
    digits view."""
    p = DEFAULTS | dict(params)
    name, attack = p["model"], p["attack"]
    model, labels = _model(name), class_names(name)
    x, truth = digit_image(int(p["digit"]), int(p["index"])), p["digit"]
    with torch.no_grad():
        clean = predict_topk(model, x, labels)[0][0]
    target = p["target_digit"] if attack == "fgsm_targeted" else None
    goal = labels.index(attacks.aim(target, truth, clean))
    iterative = attack in attacks.ITERATIVE
    x_adv = attacks.craft(attack, model, x, goal, float(p["eps"]), int(p["steps"]) if iterative else 1,
                          float(p["alpha"]) if iterative else 1.0, int(p["seed"]))
    with torch.no_grad():
        after = predict_topk(model, x_adv, labels)[0][0]
    return clean, after, labels[goal]


def flips(params: Mapping[str, str]) -> str:
    """"Yes" when the attack changes the model's answer, else "No"."""
    clean, after, _ = before_after(params)
    return "Yes" if after != clean else "No"


def adversarial_answer(params: Mapping[str, str]) -> str:
    """The model's answer on the adversarial digit."""
    return before_after(params)[1]


def hits_target(params: Mapping[str, str]) -> str:
    """"Yes" when a targeted attack makes the model answer its target class, else "No"."""
    _, after, goal = before_after(params)
    return "Yes" if after == goal else "No"
