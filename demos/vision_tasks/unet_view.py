"""The U-Net tab: predicted vs true mask with the errors marked, IoU and Dice per class, and what the
skip connections and the loss change (skips zeroed at inference, a net trained without them, Dice vs
cross-entropy)."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import torch
from plotly.subplots import make_subplots

from demos.vision_tasks import scenes as sc
from demos.vision_tasks.metrics import mask_scores
from demos.vision_tasks.tasks import mask_overlay, to_uint8

CLASS_NAMES = ("background",) + sc.CLASSES
HELD_OUT = 200  # test scenes for the held-out scores
VARIANTS = ("skips, cross-entropy", "skips zeroed at inference", "trained without skips", "skips, Dice loss")


def error_overlay(image: np.ndarray, pred: np.ndarray, true: np.ndarray) -> np.ndarray:
    """The image greyed out, with wrongly labelled pixels in red."""
    grey = np.repeat(image.mean(-1, keepdims=True), 3, -1) * 0.6 + 0.4
    grey[pred != true] = (0.84, 0.1, 0.0)
    return to_uint8(grey)


def masks_figure(image: np.ndarray, true: np.ndarray, pred: np.ndarray, height: int = 330) -> go.Figure:
    fig = make_subplots(1, 3, subplot_titles=("true mask", "U-Net's mask", "errors (red)"), horizontal_spacing=0.02)
    for k, z in enumerate((mask_overlay(image, true), mask_overlay(image, pred), error_overlay(image, pred, true)), 1):
        fig.add_trace(go.Image(z=z, hoverinfo="skip"), 1, k)
        fig.update_xaxes(visible=False, row=1, col=k)
        fig.update_yaxes(visible=False, scaleanchor=f"x{k if k > 1 else ''}", row=1, col=k)
    fig.update_layout(height=height, margin=dict(l=5, r=5, t=30, b=5))
    return fig


def masks_caption(true: np.ndarray, pred: np.ndarray) -> str:
    wrong = int((pred != true).sum())
    s = mask_scores(torch.from_numpy(pred), torch.from_numpy(true), len(CLASS_NAMES))
    per = ", ".join(f"{c} {v:.2f}" for c, v in zip(CLASS_NAMES, s["iou"]) if not np.isnan(v))
    return f"{wrong} of {true.size:,} pixels ({wrong / true.size:.1%}) are labelled wrongly; IoU per class: {per}."


@torch.no_grad()
def predict(unet: torch.nn.Module, images: torch.Tensor, zero_skips: bool = False) -> torch.Tensor:
    return torch.cat([unet(images[i:i + 100], zero_skips=zero_skips).argmax(1) for i in range(0, len(images), 100)])


def variant_masks(nets: dict[str, torch.nn.Module], images: torch.Tensor) -> dict[str, torch.Tensor]:
    """Predicted label maps of the four variants; `nets` holds "unet", "noskip" and "dice"."""
    return {VARIANTS[0]: predict(nets["unet"], images), VARIANTS[1]: predict(nets["unet"], images, zero_skips=True),
            VARIANTS[2]: predict(nets["noskip"], images), VARIANTS[3]: predict(nets["dice"], images)}


def held_out_scores(nets: dict[str, torch.nn.Module], n: int = HELD_OUT) -> dict[str, dict[str, np.ndarray]]:
    """IoU and Dice per class of each variant over the first n held-out test scenes."""
    images, masks = sc.to_tensors(sc.scenes("test", n))
    return {k: mask_scores(v, masks, len(CLASS_NAMES)) for k, v in variant_masks(nets, images).items()}


def variants_figure(image: np.ndarray, masks: dict[str, torch.Tensor], height: int = 300) -> go.Figure:
    fig = make_subplots(1, len(masks), subplot_titles=list(masks), horizontal_spacing=0.02)
    for k, m in enumerate(masks.values(), 1):
        fig.add_trace(go.Image(z=mask_overlay(image, m[0].numpy()), hoverinfo="skip"), 1, k)
        fig.update_xaxes(visible=False, row=1, col=k)
        fig.update_yaxes(visible=False, scaleanchor=f"x{k if k > 1 else ''}", row=1, col=k)
    fig.update_layout(height=height, margin=dict(l=5, r=5, t=30, b=5))
    return fig


def scores_figure(scores: dict[str, dict[str, np.ndarray]], metric: str = "iou", height: int = 330) -> go.Figure:
    """Per-class held-out IoU (or Dice) of each variant, grouped by class."""
    fig = go.Figure()
    for k, (name, s) in enumerate(scores.items()):
        fig.add_trace(go.Bar(x=list(CLASS_NAMES), y=s[metric], name=name,
                             marker_color=("#0072B2", "#D55E00", "#E69F00", "#009E73")[k % 4],
                             texttemplate="%{y:.2f}", textposition="outside"))
    fig.update_yaxes(title=f"held-out {metric.upper() if metric == 'iou' else 'Dice'}", range=[0, 1.12])
    fig.update_layout(barmode="group", height=height, margin=dict(l=10, r=10, t=10, b=10),
                      legend=dict(orientation="h", y=-0.15))
    return fig


def mean_shape(s: dict[str, np.ndarray], metric: str = "iou") -> float:
    return float(np.nanmean(s[metric][1:]))


def scores_caption(scores: dict[str, dict[str, np.ndarray]], n: int = HELD_OUT) -> str:
    means = {k: mean_shape(v) for k, v in scores.items()}
    best, worst = max(means, key=means.get), min(means, key=means.get)
    text = "; ".join(f"{k} {v:.3f}" for k, v in means.items())
    return (f"Mean IoU of the three shape classes on {n} held-out scenes: {text}. Best: {best}; worst: {worst}. "
            f"Dice = 2·IoU / (1 + IoU) per class, so it ranks every class the same way as IoU.")


def variants_caption(masks: dict[str, torch.Tensor], true: np.ndarray) -> str:
    t = torch.from_numpy(true)
    return "This scene through the four variants: " + "; ".join(
        f"{k}: {(v[0] != t).float().mean().item():.1%} of pixels wrong" for k, v in masks.items()) + "."


def scene_input(s: sc.Scene) -> torch.Tensor:
    return sc.to_tensors([s])[0]
