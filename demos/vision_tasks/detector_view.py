"""The one-stage detector tab: the S × S grid and which cell and anchor owns each true box, the
objectness heatmap, anchors from k-means on the training boxes, mAP@0.5 with its PR curves on held-out
scenes, and the training replayed epoch by epoch."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import torch
from plotly.subplots import make_subplots

from demos.plots import OKABE_ITO
from demos.replay import animate
from demos.vision_tasks import grid as g, scenes as sc
from demos.vision_tasks.metrics import PrCurve, mean_average_precision
from demos.vision_tasks.nms_view import _outline
from demos.vision_tasks.tasks import CLASS_COLOURS, to_uint8

K_RANGE, K_DEFAULT = (1, 6), 2  # anchors for the k-means view (the detector was trained with 2)
ANCHOR_SCENES = 1000  # training scenes whose boxes the k-means view clusters
PR_SCENES = 300  # held-out scenes for the PR curves


def assignment(s: sc.Scene, anchors: torch.Tensor, grid: int) -> g.Targets:
    return g.assign(torch.from_numpy(s.boxes), torch.from_numpy(s.labels), anchors, grid, s.image.shape[0])


def grid_figure(s: sc.Scene, targets: g.Targets, objectness: np.ndarray, height: int = 420) -> go.Figure:
    """Left: the scene, the grid, each true box and its centre, the owning cell shaded. Right: the
    detector's objectness per cell (max over anchors)."""
    size, n = s.image.shape[0], objectness.shape[0]
    cell = size / n
    fig = make_subplots(1, 2, subplot_titles=("Which cell owns each box (its centre's cell)",
                                              "Objectness per cell (the higher of its two anchors)"),
                        horizontal_spacing=0.06)
    fig.add_trace(go.Image(z=to_uint8(s.image), hoverinfo="skip"), 1, 1)
    for k, (box, lab, (a, r, c)) in enumerate(zip(s.boxes, s.labels, targets.owner)):
        colour = CLASS_COLOURS[sc.CLASSES[int(lab)]]
        fig.add_shape(type="rect", x0=c * cell - 0.5, y0=r * cell - 0.5, x1=(c + 1) * cell - 0.5, y1=(r + 1) * cell - 0.5,
                      fillcolor=colour, opacity=0.45, line=dict(width=0), row=1, col=1)
        x, y = _outline([box])
        fig.add_trace(go.Scatter(x=x, y=y, mode="lines", line=dict(color=colour, width=2), showlegend=False,
                                 hoverinfo="skip"), 1, 1)
        cx, cy = (box[0] + box[2]) / 2 - 0.5, (box[1] + box[3]) / 2 - 0.5
        fig.add_trace(go.Scatter(x=[cx], y=[cy], mode="markers+text", marker=dict(color="black", size=7),
                                 text=[f"anchor {a + 1}"], textposition="top center", showlegend=False,
                                 hovertext=f"{sc.CLASSES[int(lab)]}: cell (row {r}, column {c}), anchor {a + 1}",
                                 hoverinfo="text"), 1, 1)
    for v in range(n + 1):
        for kw in (dict(x0=v * cell - 0.5, x1=v * cell - 0.5, y0=-0.5, y1=size - 0.5),
                   dict(y0=v * cell - 0.5, y1=v * cell - 0.5, x0=-0.5, x1=size - 0.5)):
            fig.add_shape(type="line", line=dict(color="rgba(0,0,0,0.35)", width=1), row=1, col=1, **kw)
    fig.add_trace(go.Heatmap(z=objectness, zmin=0, zmax=1, colorscale="Viridis", texttemplate="%{z:.2f}",
                             textfont=dict(size=10), colorbar=dict(title="objectness", len=0.8),
                             hovertemplate="row %{y}, column %{x}: %{z:.3f}<extra></extra>"), 1, 2)
    fig.update_xaxes(visible=False, range=[-0.5, size - 0.5], row=1, col=1)
    fig.update_yaxes(visible=False, range=[size - 0.5, -0.5], scaleanchor="x", row=1, col=1)
    fig.update_xaxes(visible=False, row=1, col=2)
    fig.update_yaxes(visible=False, autorange="reversed", scaleanchor="x2", row=1, col=2)
    fig.update_layout(height=height, margin=dict(l=5, r=5, t=30, b=5))
    return fig


def grid_caption(s: sc.Scene, targets: g.Targets, objectness: np.ndarray, anchors: torch.Tensor) -> str:
    owners = "; ".join(f"the {sc.CLASSES[int(lab)]} ({w:.0f}×{h:.0f} px) → cell (row {r}, column {c}), anchor {a + 1} "
                       f"({anchors[a, 0]:.0f}×{anchors[a, 1]:.0f})"
                       for (x0, y0, x1, y1), lab, (a, r, c) in
                       zip(s.boxes.tolist(), s.labels, targets.owner) for w, h in [(x1 - x0, y1 - y0)])
    owned = {(r, c) for _, r, c in targets.owner}
    hot = {(int(r), int(c)) for r, c in zip(*np.nonzero(objectness >= 0.5))}
    return (f"{owners[:1].upper()}{owners[1:]}. Cells with objectness ≥ 0.5: {len(hot)}, of which {len(hot & owned)} own a true box "
            f"(of {len(owned)} owning cells).")


def training_boxes(n: int = ANCHOR_SCENES) -> np.ndarray:
    """(N, 2) widths and heights of every box in the first n training scenes."""
    return np.concatenate([s.boxes[:, 2:] - s.boxes[:, :2] for s in sc.scenes("train", n)])


def anchors_figure(wh: np.ndarray, anchors: np.ndarray, owner: np.ndarray, height: int = 380) -> go.Figure:
    fig = go.Figure()
    for k in range(len(anchors)):
        pts = wh[owner == k]
        fig.add_trace(go.Scatter(x=pts[:, 0], y=pts[:, 1], mode="markers", name=f"anchor {k + 1}'s boxes",
                                 marker=dict(color=OKABE_ITO[k % 8], size=5, opacity=0.5)))
    fig.add_trace(go.Scatter(x=anchors[:, 0], y=anchors[:, 1], mode="markers", name="anchors (cluster centres)",
                             marker=dict(symbol="x", size=16, color="black", line=dict(width=2))))
    fig.update_xaxes(title="box width (px)")
    fig.update_yaxes(title="box height (px)")
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=10, b=10))
    return fig


def anchors_caption(wh: np.ndarray, anchors: np.ndarray) -> str:
    best = g.size_iou(wh, anchors).max(1)
    sizes = ", ".join(f"{w:.1f}×{h:.1f}" for w, h in anchors)
    return (f"k-means with distance 1 − IoU on {len(wh):,} training boxes gives {len(anchors)} anchor"
            f"{'s' if len(anchors) > 1 else ''} ({sizes} px); a box's best anchor overlaps it with IoU "
            f"{best.mean():.2f} on average (worst {best.min():.2f}).")


@torch.no_grad()
def held_out_pr(detector: torch.nn.Module, iou_threshold: float, n: int = PR_SCENES) -> tuple[float, list[PrCurve]]:
    """mAP@0.5 and the PR curves over the first n held-out test scenes (every box with score ≥ 0.01)."""
    data = sc.scenes("test", n)
    images, _ = sc.to_tensors(data)
    out, _ = detector(images)
    anchors = torch.tensor(detector.config.anchors)
    preds = [g.detect(g.decode(o, anchors, detector.config.image_size), 0.01, iou_threshold) for o in out]
    return mean_average_precision([(p.boxes, p.scores, p.labels) for p in preds],
                                  [(torch.from_numpy(s.boxes), torch.from_numpy(s.labels)) for s in data],
                                  len(sc.CLASSES))


def pr_figure(curves: list[PrCurve], score_threshold: float, height: int = 360) -> go.Figure:
    """Precision against recall per class; a dot where the score threshold cuts each curve."""
    fig = go.Figure()
    for c, cu in zip(sc.CLASSES, curves):
        fig.add_trace(go.Scatter(x=cu.recall, y=cu.precision, mode="lines", name=f"{c}: AP {cu.ap:.3f}",
                                 line=dict(color=CLASS_COLOURS[c], width=2)))
        at = int((cu.scores >= score_threshold).sum()) - 1
        if at >= 0:
            fig.add_trace(go.Scatter(x=[cu.recall[at]], y=[cu.precision[at]], mode="markers", showlegend=False,
                                     marker=dict(color=CLASS_COLOURS[c], size=11, line=dict(color="black", width=1)),
                                     hovertext=f"score ≥ {score_threshold:.2f}", hoverinfo="text"))
    fig.update_xaxes(title="recall", range=[0, 1.02])
    fig.update_yaxes(title="precision", range=[0, 1.02])
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=10, b=10))
    return fig


def pr_caption(m: float, curves: list[PrCurve], score_threshold: float, n: int = PR_SCENES) -> str:
    at = []
    for c, cu in zip(sc.CLASSES, curves):
        k = int((cu.scores >= score_threshold).sum()) - 1
        at.append(f"{c} P {cu.precision[k]:.2f}/R {cu.recall[k]:.2f}" if k >= 0 else f"{c} no box")
    return (f"mAP@0.5 on {n} held-out scenes = {m:.3f} (the mean of the three areas under the curves); at "
            f"score ≥ {score_threshold:.2f}: {', '.join(at)}.")


REPLAY = Path(__file__).resolve().parents[2] / "models" / "results" / "vision_tasks_detector_training.npz"


def load_replay(path: Path = REPLAY) -> dict[str, np.ndarray]:
    """The detector's recorded training (train/shape_detector.py): objectness (epochs + 1, scenes, S, S),
    raw grid outputs (epochs + 1, scenes, A, 5 + C, S, S), the watched validation scenes' indices."""
    with np.load(path, allow_pickle=False) as f:
        return {k: f[k] for k in f.files}


def training_figure(card: dict, replay: dict[str, np.ndarray], scene: int, score_threshold: float,
                    iou_threshold: float, height: int = 420) -> go.Figure:
    """The recorded training, one frame per epoch: a watched validation scene's objectness map and the
    boxes the detector found there, next to validation mAP@0.5 so far."""
    history = card["history"]
    image = sc.scene(sc.split_seed("validation", int(replay["validation_scenes"][scene]))).image
    anchors = torch.tensor(card["config"]["anchors"])
    fig = make_subplots(1, 3, subplot_titles=("objectness per cell", "detections", "validation mAP@0.5"),
                        column_widths=[0.3, 0.3, 0.4], horizontal_spacing=0.06)
    fig.add_trace(go.Heatmap(z=np.zeros((8, 8)), zmin=0, zmax=1, colorscale="Viridis", showscale=False), 1, 1)
    fig.add_trace(go.Image(z=to_uint8(image), hoverinfo="skip"), 1, 2)
    fig.add_trace(go.Scatter(x=[], y=[], mode="lines", line=dict(color="#D55E00", width=2), showlegend=False), 1, 2)
    epochs = [0] + [h["epoch"] for h in history]
    maps = [0.0] + [h.get("val_map50", 0.0) for h in history]
    fig.add_trace(go.Scatter(x=epochs, y=maps, mode="lines", line=dict(color="lightgray"), showlegend=False), 1, 3)
    fig.add_trace(go.Scatter(x=[], y=[], mode="lines+markers", line=dict(color="#0072B2"), showlegend=False), 1, 3)
    frames, labels = [], []
    for e, (obj, raw) in enumerate(zip(replay["objectness"], replay["raw"])):
        d = g.detect(g.decode(torch.from_numpy(raw[scene].astype(np.float32)), anchors, image.shape[0]),
                     score_threshold, iou_threshold)
        x, y = _outline(d.boxes)
        frames.append({0: {"z": obj[scene]}, 2: {"x": x, "y": y},
                       4: {"x": epochs[:e + 1], "y": maps[:e + 1]}})
        labels.append(str(e))
    fig.update_xaxes(visible=False, row=1, col=1)
    fig.update_yaxes(visible=False, autorange="reversed", scaleanchor="x", row=1, col=1)
    fig.update_xaxes(visible=False, range=[-0.5, image.shape[1] - 0.5], row=1, col=2)
    fig.update_yaxes(visible=False, range=[image.shape[0] - 0.5, -0.5], scaleanchor="x2", row=1, col=2)
    fig.update_xaxes(title="epoch", range=[0, epochs[-1] + 0.3], row=1, col=3)
    fig.update_yaxes(range=[0, 1.02], row=1, col=3)
    fig.update_layout(height=height, margin=dict(l=5, r=5, t=30, b=5))
    return animate(fig, frames, labels, frame_ms=600, prefix="after epoch ")


def training_caption(card: dict) -> str:
    h = card["history"]
    first = next((r["epoch"] for r in h if r.get("val_map50", 0) >= 0.9), None)
    return (f"Recorded while training: validation mAP@0.5 goes from {h[0]['val_map50']:.2f} after epoch 1 to "
            f"{h[-1]['val_map50']:.2f} after epoch {h[-1]['epoch']}"
            + (f", passing 0.9 at epoch {first}." if first else "."))


def grid_parts(s: sc.Scene, detector: torch.nn.Module, grid_out: torch.Tensor) -> tuple[torch.Tensor, g.Targets, np.ndarray]:
    """The detector's anchors, the scene's target assignment on its grid, and its objectness map."""
    anchors = torch.tensor(detector.config.anchors)
    return anchors, assignment(s, anchors, detector.config.grid), g.objectness_map(grid_out).numpy()
