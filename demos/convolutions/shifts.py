"""A trained network under shifts: accuracy (or agreement with its own unshifted answers) as the input
moves right or left, on held-out digits or the bundled photos, and the probability it keeps giving your
image's label. A CNN is not shift-invariant (Azulay & Weiss 2019). The shared model is only read: no
hooks, no mode flips, no gradients on its parameters.
"""
from __future__ import annotations

from typing import Callable, Sequence

import plotly.graph_objects as go
import torch
from torch import nn

from demos import plots
from demos.convolutions.pooling import shift

SHIFTS = {"digits": list(range(-6, 7)), "photos": list(range(-48, 49, 8))}  # px right (negative: left)


@torch.no_grad()
def prediction_vs_shift(model: nn.Module, images: torch.Tensor, labels: torch.Tensor | None, shifts: Sequence[int],
                        batch: int = 100, on_progress: Callable[[float], None] | None = None) -> dict[str, list[float]]:
    """For each horizontal shift of `images` (N, C, H, W): accuracy against `labels` (None: against
    the model's own answers on the unshifted images) and the mean probability given to that label."""
    if labels is None:
        labels = torch.cat([model(images[i:i + batch]).argmax(1) for i in range(0, len(images), batch)])
    acc, prob = [], []
    for i, s in enumerate(shifts):
        hits, p = 0.0, 0.0
        for start in range(0, len(images), batch):
            probs = model(shift(images[start:start + batch], s)).softmax(1)
            y = labels[start:start + batch]
            hits += float((probs.argmax(1) == y).sum())
            p += float(probs.gather(1, y[:, None]).sum())
        acc.append(hits / len(images))
        prob.append(p / len(images))
        if on_progress is not None:
            on_progress((i + 1) / len(shifts))
    return {"accuracy": acc, "probability of the label": prob}


def set_name(digits: bool, n: int) -> str:
    """The images shifted, for labels: '100 held-out digits', '6 bundled photos'."""
    return f"{n} {'held-out digits' if digits else 'bundled photos'}"


def shift_figure(shifts: Sequence[int], sweep: dict[str, list[float]], mine: dict[str, list[float]],
                 label: str, images: str, digits: bool, model_title: str) -> go.Figure:
    """The set's accuracy (digits) or agreement (photos) and your image's probability of `label`, per shift."""
    series = {f"{'accuracy' if digits else 'agreement with the unshifted answer'}, {images}": sweep["accuracy"],
              f"your image: probability of “{label}”": mine["probability of the label"]}
    return plots.line_chart(list(shifts), series, f"{model_title}: prediction vs shift",
                            "shift right (px; what comes in is black)", "", y_range=(0, 1.02))


def shift_caption(shifts: Sequence[int], sweep: dict[str, list[float]], mine: dict[str, list[float]],
                  label: str) -> str:
    """Unshifted against one step in from each end, and at how many shifts your image keeps its label."""
    return (f"Unshifted: {sweep['accuracy'][len(shifts) // 2]:.0%}; shifted {shifts[-2]} px right: "
            f"{sweep['accuracy'][-2]:.0%}, {-shifts[1]} px left: {sweep['accuracy'][1]:.0%}. Your image keeps "
            f"“{label}” as the answer at {sum(p > 0.5 for p in mine['probability of the label'])} of "
            f"{len(shifts)} shifts (probability above 50%).")
