"""The hero: one scene, three tasks — classification (which shapes are in it), detection (a box, a
class and a score per shape) and segmentation (a class per pixel) — each by a model trained here."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
import torch
from plotly.subplots import make_subplots

from demos.plots import OKABE_ITO
from demos.vision_tasks import grid as g
from demos.vision_tasks.scenes import CLASSES, Scene

SCORE_RANGE, SCORE_DEFAULT = (0.05, 0.95), 0.3  # detection score threshold
NMS_RANGE, NMS_DEFAULT = (0.1, 0.9), 0.5  # IoU above which NMS removes the lower-scoring box
SCENE_RANGE = (0, 499)  # held-out test scenes
SIZE_PX = 64  # the models' input side
CLASS_COLOURS = dict(zip(CLASSES, OKABE_ITO[:3]))
MASK_RGB = np.array([[0, 0, 0], [0, 114, 178], [230, 159, 0], [0, 158, 115]], np.float32) / 255  # bg + classes


@dataclass(frozen=True)
class Tasks:
    image: np.ndarray  # (H, W, 3) in [0, 1]
    presence: np.ndarray  # (C,) probability that each class is in the image
    detections: g.Detections  # after the score threshold and NMS
    raw: g.Detections  # every anchor's box before them
    grid_out: torch.Tensor  # (A, 5 + C, S, S) the detector's raw output
    mask: np.ndarray  # (H, W) predicted class per pixel (0 background)
    truth: Scene | None  # ground truth when the image is a generated scene


@torch.no_grad()
def run_tasks(detector: torch.nn.Module, unet: torch.nn.Module, image: np.ndarray, score_threshold: float,
              iou_threshold: float, truth: Scene | None = None) -> Tasks:
    """All three models on one (H, W, 3) image in [0, 1] (H = W = the models' 64 px)."""
    x = torch.from_numpy(np.ascontiguousarray(image)).permute(2, 0, 1)[None].float()
    out, present = detector(x)
    anchors = torch.tensor(detector.config.anchors)
    raw = g.decode(out[0], anchors, detector.config.image_size)
    mask = unet(x).argmax(1)[0].numpy()
    return Tasks(image, torch.sigmoid(present[0]).numpy(), g.detect(raw, score_threshold, iou_threshold), raw,
                 out[0], mask, truth)


def to_uint8(image: np.ndarray) -> np.ndarray:
    return (np.clip(image, 0, 1) * 255).round().astype(np.uint8)


def mask_overlay(image: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Each shape pixel painted its class colour; background pixels show the image, faded."""
    out = np.where((mask > 0)[..., None], MASK_RGB[mask], 0.35 * image + 0.65)
    return to_uint8(out)


def box_shape(fig: go.Figure, box, colour: str, dash: str, col: int, width: float = 2.5) -> None:
    x0, y0, x1, y1 = (float(v) for v in box)  # pixel edges -> go.Image's coordinates (pixel i at i)
    fig.add_shape(type="rect", x0=x0 - 0.5, y0=y0 - 0.5, x1=x1 - 0.5, y1=y1 - 0.5, line=dict(color=colour, width=width,
                  dash=dash), row=1, col=col)


def tasks_figure(t: Tasks, show_truth: bool = True, height: int = 340) -> go.Figure:
    """Three panels over the same scene: the classifier's probabilities, the boxes, the mask."""
    fig = make_subplots(1, 3, subplot_titles=("Classification: what is in it", "Detection: where, what, how sure",
                                              "Segmentation: a class per pixel"), horizontal_spacing=0.03)
    fig.add_trace(go.Image(z=to_uint8(t.image), hoverinfo="skip"), 1, 1)
    for k, (c, p) in enumerate(zip(CLASSES, t.presence)):
        fig.add_annotation(x=2, y=4 + 8 * k, text=f"<b>{c} {p:.0%}</b>", showarrow=False, xanchor="left",
                           font=dict(color="white" if p >= 0.5 else "#bbbbbb", size=13),
                           bgcolor=CLASS_COLOURS[c] if p >= 0.5 else "rgba(60,60,60,0.6)", row=1, col=1)
    fig.add_trace(go.Image(z=to_uint8(t.image), hoverinfo="skip"), 1, 2)
    if show_truth and t.truth is not None:
        for b in t.truth.boxes:
            box_shape(fig, b, "black", "dot", 2, 1.5)
    for b, s, lab in zip(t.detections.boxes, t.detections.scores, t.detections.labels):
        c = CLASSES[int(lab)]
        box_shape(fig, b, CLASS_COLOURS[c], "solid", 2)
        fig.add_annotation(x=float(b[0]) - 0.5, y=float(b[1]) - 0.5, text=f"{c} {float(s):.2f}", showarrow=False,
                           xanchor="left", yanchor="bottom", font=dict(color="white", size=11),
                           bgcolor=CLASS_COLOURS[c], row=1, col=2)
    fig.add_trace(go.Image(z=mask_overlay(t.image, t.mask), customdata=t.mask,
                           hovertemplate="x %{x}, y %{y}<extra></extra>"), 1, 3)
    for c in CLASSES:  # the mask's colour key, as a legend under the figure
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=c, showlegend=True,
                                 marker=dict(symbol="square", size=12, color=CLASS_COLOURS[c])), 1, 3)
    for k in range(1, 4):
        fig.update_xaxes(visible=False, range=[-0.5, t.image.shape[1] - 0.5], row=1, col=k)
        fig.update_yaxes(visible=False, range=[t.image.shape[0] - 0.5, -0.5], scaleanchor=f"x{k if k > 1 else ''}",
                         row=1, col=k)
    fig.update_layout(height=height, margin=dict(l=5, r=5, t=30, b=5),
                      legend=dict(orientation="h", x=1, xanchor="right", y=-0.02, yanchor="top", title_text="classes "))
    return fig


def _names(labels) -> str:
    counts = {c: int(sum(1 for x in labels if CLASSES[int(x)] == c)) for c in CLASSES}
    parts = [f"{n} {c}{'s' if n > 1 else ''}" for c, n in counts.items() if n]
    return ", ".join(parts) if parts else "nothing"


def tasks_caption(t: Tasks, score_threshold: float) -> str:
    """One sentence per task, from the same results the panels draw."""
    present = [c for c, p in zip(CLASSES, t.presence) if p >= 0.5]
    text = (f"Classification says the scene holds {', '.join(present) if present else 'none of the three shapes'}; "
            f"detection finds {_names(t.detections.labels)} at score ≥ {score_threshold:.2f}; "
            f"segmentation labels {(t.mask > 0).mean():.0%} of the pixels as shape")
    if t.truth is not None:
        from demos.vision_tasks.metrics import mask_scores
        shapes = mask_scores(torch.from_numpy(t.mask), torch.from_numpy(t.truth.mask), 4)["iou"][1:]
        iou = np.nanmean(shapes) if not np.isnan(shapes).all() else float("nan")
        text += (f" (truth: {_names(t.truth.labels)}; mean IoU of the shape classes {iou:.2f})")
    return text + "."


BORDER_MATCH_MIN = 0.6  # share of the border pixels that must be the ground's colour (shapes may touch it)
GROUND_SHARE_MIN = 0.3  # share of all pixels that must be the ground's colour


def scene_input(picture) -> np.ndarray:
    """A PIL picture -> the models' input: RGB, resized to 64 × 64, (H, W, 3) in [0, 1]."""
    from PIL import Image

    rgb = picture.convert("RGB").resize((SIZE_PX, SIZE_PX), Image.Resampling.BILINEAR)
    return np.asarray(rgb, dtype=np.float32) / 255


def out_of_world(image: np.ndarray) -> str | None:
    """Why an image is unlike the training scenes, or None when it passes this heuristic: a ground of one
    plain colour covers most of the border and at least a third of the picture (every test scene passes)."""
    border = np.concatenate([image[0], image[-1], image[:, 0], image[:, -1]])
    ground_colour = np.median(border, 0)
    near = np.abs(image - ground_colour).max(-1) < 0.1  # (H, W) pixels of the ground's colour
    on_border = float((np.abs(border - ground_colour).max(-1) < 0.1).mean())
    if on_border < BORDER_MATCH_MIN:
        return f"only {on_border:.0%} of its border is one plain colour (the scenes': at least {BORDER_MATCH_MIN:.0%})"
    if near.mean() < GROUND_SHARE_MIN:
        return f"only {near.mean():.0%} of it is plain ground (the scenes': at least {GROUND_SHARE_MIN:.0%})"
    return None
