"""The losses page's lesson answers (`## Lesson` in pages/23_losses.md, format: ui/lesson_data.py): each
function takes a beat's URL parameters (strings; missing ones take the page's defaults) and computes the
right choice from the hero's own functions."""
from __future__ import annotations

from typing import Mapping

import numpy as np

from demos.losses import softmax

DEFAULTS = {"classes": 4, "true": "0", "temp": 1.0, "scale": 1,
            **{f"z{i}": v for i, v in enumerate(softmax.DEFAULT_LOGITS)}}


def view(params: Mapping[str, str]) -> softmax.Playground:
    """The playground the view shows."""
    p = {k: params.get(k, v) for k, v in DEFAULTS.items()}
    k = int(p["classes"])
    logits = tuple(float(p[f"z{i}"]) for i in range(k))
    return softmax.playground(logits, int(p["true"]), float(p["temp"]), float(p["scale"]))


def harder_push(params: Mapping[str, str]) -> str:
    """Which loss has the larger gradient (in magnitude) on the true class's logit."""
    pg = view(params)
    return "Cross-entropy" if abs(pg.grad_ce[pg.true]) > abs(pg.grad_mse[pg.true]) else "MSE"


def argmax_changes(params: Mapping[str, str]) -> str:
    """"Yes" when the class with the largest p at this T differs from the one at T = 1."""
    pg = view(params)
    return "Yes" if int(np.argmax(pg.probs)) != int(np.argmax(pg.logits)) else "No"


def naive_finite(params: Mapping[str, str]) -> str:
    """"Yes" when the naive float32 softmax returns only finite numbers."""
    return "Yes" if bool(np.isfinite(view(params).naive).all()) else "No"


def sparse_equals_onehot(params: Mapping[str, str]) -> str:
    """"Yes" when CE with the class index equals −Σ y log p with the one-hot vector y (to 1e-12)."""
    pg = view(params)
    onehot = np.eye(len(pg.probs))[pg.true]
    dense = float(-(onehot * softmax.log_softmax(pg.logits / pg.temperature)).sum())
    return "Yes" if abs(dense - pg.ce) < 1e-12 else "No"


def lower_loss(params: Mapping[str, str]) -> str:
    """Which of the two temperatures gives the lower cross-entropy here: this view's T or T = 1."""
    pg = view(params)
    at_one = softmax.cross_entropy(pg.logits, pg.true, 1.0)
    return "This T" if pg.ce < at_one else "T = 1"
