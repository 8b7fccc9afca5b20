"""The IoU and NMS tab: two boxes whose intersection and union are shaded, and the detector's raw boxes
going through the score threshold and then NMS one suppression at a time, replayed in the browser."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import torch

from demos.replay import animate
from demos.vision_tasks import grid as g
from demos.vision_tasks.boxes import Step, box_area, intersection, iou, nms_steps
from demos.vision_tasks.scenes import CLASSES
from demos.vision_tasks.tasks import to_uint8

CANVAS = 100  # the IoU playground's side
BOX_A = (25.0, 30.0, 65.0, 70.0)  # fixed box A (x0, y0, x1, y1)
MOVE_RANGE, SIDE_RANGE = (0, 80), (10, 60)
B_DEFAULT = {"x": 45, "y": 40, "w": 40, "h": 40}
NMS_SCORE_DEFAULT = 0.1  # low, so the duplicates NMS exists for are there to remove


def rect_xy(box) -> tuple[list[float], list[float]]:
    x0, y0, x1, y1 = (float(v) for v in box)
    return [x0, x1, x1, x0, x0], [y0, y0, y1, y1, y0]


def iou_parts(a: tuple, b: tuple) -> dict[str, float]:
    ta, tb = torch.tensor([a]), torch.tensor([b])
    inter = float(intersection(ta, tb)[0, 0])
    area_a, area_b = float(box_area(ta)[0]), float(box_area(tb)[0])
    return {"intersection": inter, "area_a": area_a, "area_b": area_b, "union": area_a + area_b - inter,
            "iou": float(iou(ta, tb)[0, 0])}


def iou_figure(a: tuple, b: tuple, height: int = 340) -> go.Figure:
    """Union shaded light, intersection dark, both boxes outlined."""
    fig = go.Figure()
    for box, name, colour in ((a, "A", "#0072B2"), (b, "B", "#D55E00")):
        x, y = rect_xy(box)
        fig.add_trace(go.Scatter(x=x, y=y, fill="toself", fillcolor="rgba(128,128,128,0.25)", mode="lines",
                                 line=dict(color=colour, width=3), name=f"box {name}"))
    lo, hi = np.maximum(a[:2], b[:2]), np.minimum(a[2:], b[2:])
    if (hi > lo).all():
        x, y = rect_xy((*lo, *hi))
        fig.add_trace(go.Scatter(x=x, y=y, fill="toself", fillcolor="rgba(0,158,115,0.75)", mode="lines",
                                 line=dict(color="#009E73", width=1), name="intersection"))
    fig.update_xaxes(range=[0, CANVAS + 40], constrain="domain")
    fig.update_yaxes(range=[CANVAS + 40, 0], scaleanchor="x")
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=10, b=10), legend=dict(orientation="h"))
    return fig


def iou_caption(p: dict[str, float]) -> str:
    return (f"IoU = intersection / union = {p['intersection']:.0f} / ({p['area_a']:.0f} + {p['area_b']:.0f} − "
            f"{p['intersection']:.0f}) = {p['intersection']:.0f} / {p['union']:.0f} = {p['iou']:.3f}"
            + (": the boxes do not overlap." if p["intersection"] == 0 else "."))


def thresholded(raw: g.Detections, score_threshold: float) -> g.Detections:
    keep = raw.scores >= score_threshold
    return g.Detections(raw.boxes[keep], raw.scores[keep], raw.labels[keep])


def stepping(raw: g.Detections, score_threshold: float, iou_threshold: float) -> tuple[g.Detections, list[Step]]:
    """The boxes above the score threshold and NMS's steps over them (within each class)."""
    d = thresholded(raw, score_threshold)
    return d, nms_steps(d.boxes, d.scores, iou_threshold, d.labels)


def _outline(boxes) -> tuple[list, list]:
    xs, ys = [], []
    for b in boxes:
        x, y = rect_xy([float(v) - 0.5 for v in b])
        xs += x + [None]
        ys += y + [None]
    return xs, ys


def nms_figure(image: np.ndarray, d: g.Detections, steps: list[Step], iou_threshold: float,
               height: int = 440) -> go.Figure:
    """Frame 0: every box above the threshold; frame k: step k keeps its box (thick) and removes the
    boxes drawn red, each labelled with the IoU that removed it; kept boxes stay green."""
    fig = go.Figure(go.Image(z=to_uint8(image), hoverinfo="skip"))
    styles = (("waiting", "rgba(90,90,90,0.8)", 1, "dot"), ("kept", "#009E73", 2.5, "solid"),
              ("kept now", "#0072B2", 4, "solid"), ("removed now", "#D55E00", 2.5, "dash"))
    for name, colour, width, dash in styles:
        fig.add_trace(go.Scatter(x=[], y=[], mode="lines", name=name, line=dict(color=colour, width=width, dash=dash)))
    fig.add_trace(go.Scatter(x=[], y=[], mode="text", textfont=dict(color="#D55E00", size=12), showlegend=False))
    n, frames, labels = len(d.scores), [], []
    done_kept: list[int] = []
    removed: set[int] = set()
    for k in range(len(steps) + 1):
        now = steps[k - 1] if k else None
        if now:
            removed |= set(now.suppressed)
        kept_before = list(done_kept)
        waiting = [i for i in range(n) if i not in removed and i not in done_kept and (not now or i != now.kept)]
        frame = {1: dict(zip("xy", _outline(d.boxes[waiting]))), 2: dict(zip("xy", _outline(d.boxes[kept_before]))),
                 3: dict(zip("xy", _outline(d.boxes[[now.kept]] if now else []))),
                 4: dict(zip("xy", _outline(d.boxes[list(now.suppressed)] if now else []))),
                 5: dict(x=[float(d.boxes[j, 0]) for j in now.suppressed] if now else [],
                         y=[float(d.boxes[j, 3]) + 1.5 for j in now.suppressed] if now else [],
                         text=[f"IoU {v:.2f}" for v in now.ious] if now else [])}
        frames.append(frame)
        labels.append("raw" if not now else f"{k}: keep {CLASSES[int(d.labels[now.kept])]} "
                                              f"{float(d.scores[now.kept]):.2f}, remove {len(now.suppressed)}")
        if now:
            done_kept.append(now.kept)
    fig.update_xaxes(visible=False, range=[-0.5, image.shape[1] - 0.5])
    fig.update_yaxes(visible=False, range=[image.shape[0] + 3, -0.5], scaleanchor="x")
    fig.update_layout(height=height, margin=dict(l=5, r=5, t=10, b=10), legend=dict(orientation="h", y=1.08))
    return animate(fig, frames, labels, frame_ms=700, prefix="step ", start=0)


def nms_caption(raw: g.Detections, d: g.Detections, steps: list[Step], score_threshold: float,
                iou_threshold: float) -> str:
    removed = sum(len(s.suppressed) for s in steps)
    text = (f"{len(raw.scores)} anchor boxes → {len(d.scores)} with score ≥ {score_threshold:.2f} → NMS keeps "
            f"{len(steps)} and removes {removed}, each because its IoU with a higher-scoring box of its class "
            f"was above {iou_threshold:.2f}")
    return text + ("." if removed else " (none overlapped that much: nothing to remove).")


def steps_table(d: g.Detections, steps: list[Step]) -> list[dict]:
    return [{"step": k, "kept": f"{CLASSES[int(d.labels[s.kept])]} {float(d.scores[s.kept]):.2f}",
             "removed (score, IoU with the kept box)": ", ".join(f"{float(d.scores[j]):.2f} (IoU {v:.2f})"
                                                                  for j, v in zip(s.suppressed, s.ious)) or "—"}
            for k, s in enumerate(steps, 1)]
