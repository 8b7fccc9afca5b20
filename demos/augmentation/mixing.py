"""Mixup (Zhang et al. 2018) and CutMix (Yun et al. 2019), written out: two images and their labels
become one image and a soft label. Mixup blends the pixels with weight λ ~ Beta(α, α); CutMix pastes
a box of the second image into the first and weighs the labels by area, so λ is recomputed from the
box actually pasted (clipped at the border). Draws follow torchvision v2's order, so a seed gives
the same λ and box as `v2.MixUp` / `v2.CutMix`."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
import torch
from plotly.subplots import make_subplots

ALPHA_RANGE = (0.1, 2.0)


def one_hot(label: int, n: int = 10) -> torch.Tensor:
    out = torch.zeros(n)
    out[label] = 1.0
    return out


def draw_lambda(alpha: float) -> float:
    """λ ~ Beta(α, α) from torch's global generator (as v2.MixUp draws it)."""
    return float(torch.distributions.Beta(torch.tensor([alpha]), torch.tensor([alpha])).sample(()))


def mixup(image_a: torch.Tensor, image_b: torch.Tensor, label_a: torch.Tensor, label_b: torch.Tensor,
          lam: float) -> tuple[torch.Tensor, torch.Tensor]:
    """x = λ·a + (1 − λ)·b and y = λ·y_a + (1 − λ)·y_b (labels: one-hot or soft, (K,))."""
    return lam * image_a + (1 - lam) * image_b, lam * label_a + (1 - lam) * label_b


def cutmix_box(height: int, width: int, lam: float, centre_x: int, centre_y: int) -> tuple[int, int, int, int]:
    """The pasted box (x1, y1, x2, y2): sides √(1 − λ) of the image's, centred at (centre_x, centre_y),
    clipped to the image (v2.CutMix's rounding)."""
    r = 0.5 * math.sqrt(1.0 - lam)
    half_w, half_h = int(r * width), int(r * height)
    return (max(centre_x - half_w, 0), max(centre_y - half_h, 0), min(centre_x + half_w, width),
            min(centre_y + half_h, height))


def cutmix(image_a: torch.Tensor, image_b: torch.Tensor, label_a: torch.Tensor, label_b: torch.Tensor,
           box: tuple[int, int, int, int]) -> tuple[torch.Tensor, torch.Tensor, float]:
    """a with the box of b pasted in; label weights by area: λ = 1 − box area / image area. Returns
    (image, soft label, λ)."""
    x1, y1, x2, y2 = box
    h, w = image_a.shape[-2:]
    out = image_a.clone()
    out[..., y1:y2, x1:x2] = image_b[..., y1:y2, x1:x2]
    lam = 1.0 - (x2 - x1) * (y2 - y1) / (h * w)
    return out, lam * label_a + (1 - lam) * label_b, lam


def cutmix_draw(height: int, width: int, alpha: float) -> tuple[float, tuple[int, int, int, int]]:
    """λ ~ Beta(α, α), then the box's centre uniformly in the image (v2.CutMix's order of draws)."""
    lam = draw_lambda(alpha)
    cx, cy = int(torch.randint(width, (1,))), int(torch.randint(height, (1,)))
    return lam, cutmix_box(height, width, lam, cx, cy)


@dataclass(frozen=True)
class Mixed:
    mixup_image: torch.Tensor  # (C, H, W)
    mixup_label: torch.Tensor  # (K,)
    mixup_lam: float
    cutmix_image: torch.Tensor
    cutmix_label: torch.Tensor
    cutmix_lam: float  # recomputed from the pasted box
    box: tuple[int, int, int, int]
    drawn_lam: float  # CutMix's λ before the box was clipped


def mix_pair(image_a: torch.Tensor, image_b: torch.Tensor, label_a: int, label_b: int, alpha: float,
             seed: int, n_classes: int = 10) -> Mixed:
    """One Mixup and one CutMix of the pair: torch seeded with `seed` before each (as if each were the
    only transform)."""
    ya, yb = one_hot(label_a, n_classes), one_hot(label_b, n_classes)
    torch.manual_seed(seed)
    lam = draw_lambda(alpha)
    mx, my = mixup(image_a, image_b, ya, yb, lam)
    torch.manual_seed(seed)
    drawn, box = cutmix_draw(*image_a.shape[-2:], alpha)
    cx, cy, clam = cutmix(image_a, image_b, ya, yb, box)
    return Mixed(mx, my, lam, cx, cy, clam, box, drawn)


def _rgb(image: torch.Tensor) -> np.ndarray:
    a = image.permute(1, 2, 0).clamp(0, 1).numpy()
    return (np.repeat(a, 3, 2) if a.shape[2] == 1 else a) * 255


def mix_figure(a: torch.Tensor, b: torch.Tensor, mixed: Mixed, names: tuple[str, str],
               predicted: tuple[np.ndarray, np.ndarray] | None, height: int = 420) -> go.Figure:
    """Top: A, B, Mixup, CutMix (box outlined). Bottom: the two soft labels (and, for digits, what
    the digit CNN predicts for each mixed image)."""
    fig = make_subplots(rows=2, cols=4, row_heights=[0.62, 0.38], vertical_spacing=0.12,
                        specs=[[{}, {}, {}, {}], [{"colspan": 2}, None, {"colspan": 2}, None]],
                        subplot_titles=("A" + (f": {names[0]}" if names[0] != "A" else ""), "B" + (f": {names[1]}" if names[1] != "B" else ""), f"Mixup, λ = {mixed.mixup_lam:.2f}",
                                        f"CutMix, λ = {mixed.cutmix_lam:.2f}", "Mixup's soft label",
                                        "CutMix's soft label"))
    for col, img in enumerate((a, b, mixed.mixup_image, mixed.cutmix_image), start=1):
        fig.add_trace(go.Image(z=_rgb(img), hoverinfo="skip"), 1, col)
    x1, y1, x2, y2 = mixed.box
    fig.add_shape(type="rect", x0=x1 - 0.5, y0=y1 - 0.5, x1=x2 - 0.5, y1=y2 - 0.5, line=dict(color="#E69F00", width=2),
                  row=1, col=4)
    classes = [str(k) for k in range(10)] if len(mixed.mixup_label) == 10 else list(names)
    for col, (label, pred) in zip((1, 3), ((mixed.mixup_label, None if predicted is None else predicted[0]),
                                          (mixed.cutmix_label, None if predicted is None else predicted[1]))):
        fig.add_trace(go.Bar(x=classes, y=label.numpy(), name="soft label", marker_color="#0072B2",
                             showlegend=col == 1), 2, col)
        if pred is not None:
            fig.add_trace(go.Bar(x=classes, y=pred, name="digit CNN's prediction", marker_color="#E69F00",
                                 showlegend=col == 1), 2, col)
        fig.update_yaxes(range=[0, 1], row=2, col=col)
    for col in range(1, 5):
        fig.update_xaxes(visible=False, row=1, col=col)
        fig.update_yaxes(visible=False, row=1, col=col)
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=30, b=10), barmode="group",
                      legend=dict(orientation="h", y=-0.08))
    return fig


def mix_caption(mixed: Mixed, names: tuple[str, str], size: tuple[int, int]) -> str:
    x1, y1, x2, y2 = mixed.box
    area = (x2 - x1) * (y2 - y1)
    clipped = "" if abs(mixed.cutmix_lam - mixed.drawn_lam) < 1e-9 else (
        f" (drawn λ was {mixed.drawn_lam:.2f}; the box was clipped at the border, so λ is recomputed from its area)")
    return (f"Mixup: {mixed.mixup_lam:.0%} of {names[0]} + {1 - mixed.mixup_lam:.0%} of {names[1]}, in pixels and in the "
            f"label. CutMix: a box of {x2 - x1}×{y2 - y1} px from {names[1]} ({area} of {size[0] * size[1]} pixels) pasted into "
            f"{names[0]}, so the label is {mixed.cutmix_lam:.0%} {names[0]} / {1 - mixed.cutmix_lam:.0%} {names[1]}{clipped}. "
            f"Both labels sum to 1.")


def pair(x: torch.Tensor, other: int | None, digit: bool) -> tuple[torch.Tensor, torch.Tensor]:
    """The picked image (A) and a second one (B): the first held-out example of digit `other`, or a
    bundled photo (the cat, or the coffee cup if A is the cat). Both (C, H, W) at the chain's size."""
    from demos import images
    from demos.augmentation.chain import working_image
    from models.data import mnist_split

    a = working_image(x)
    if digit:
        data = mnist_split()
        row = int((data.test_labels == other).nonzero()[0])
        return a, data.test_images[row]
    b = working_image(images.photo_input(images.photo("chelsea")))
    if torch.allclose(a, b):
        b = working_image(images.photo_input(images.photo("coffee")))
    return a, b


@torch.no_grad()
def mixed_predictions(model: torch.nn.Module, mixed: Mixed) -> tuple[np.ndarray, np.ndarray]:
    """The digit CNN's class probabilities for the Mixup and the CutMix image."""
    x = torch.stack([mixed.mixup_image, mixed.cutmix_image])
    p = torch.softmax(model(x), 1).numpy()
    return p[0], p[1]
