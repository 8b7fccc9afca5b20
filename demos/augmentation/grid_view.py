"""The hero's picture: the seed-locked grid as one mosaic (rows = the chain's steps and the whole
chain, columns = draws), each cell with its box drawn and its mask tinted, and for digits the
"still the same label?" meter: what the committed digit CNN calls every draw."""
from __future__ import annotations

import base64
import io

import numpy as np
import plotly.graph_objects as go
import torch
from PIL import Image

from demos.augmentation.transforms import Chain, Sample, row_titles

GAP = 6  # px between the cells of a row
ROW_GAP = 24  # px between rows: room for the meter's verdict under each cell
DIGIT_ZOOM = 4  # a 28-px digit is drawn at 112 px (nearest neighbour: the pixels stay visible)
MASK_TINT = np.array([230, 159, 0], dtype=np.float32)  # Okabe-Ito orange
BOX_COLOUR = "#0072B2"
KEEP, BREAK = "#009E73", "#D55E00"
MOVES = {"rotate": "rotation", "shift": "shift", "zoom": "zoom", "shear": "shear", "crop": "crop",
         "turn": "half turn", "flip": "left-right flip",
         "vflip": "top-bottom flip"}  # the geometric steps, as nouns


def _cell(sample: Sample, show_mask: bool, zoom: int) -> np.ndarray:
    img = sample.image.permute(1, 2, 0).numpy()
    img = np.repeat(img, 3, 2) if img.shape[2] == 1 else img
    img = img.astype(np.float32) * 255
    if show_mask:
        m = sample.mask.numpy().astype(bool)
        img[m] = 0.6 * img[m] + 0.4 * MASK_TINT
    if zoom > 1:
        img = img.repeat(zoom, 0).repeat(zoom, 1)
    return img


def mosaic(rows: list[list[Sample]], show_mask: bool) -> tuple[np.ndarray, int]:
    """(H, W, 3) uint8 mosaic of the grid and the drawn side of one cell in pixels."""
    zoom = DIGIT_ZOOM if rows[0][0].image.shape[0] == 1 else 1
    side = rows[0][0].image.shape[-1] * zoom
    n_r, n_c = len(rows), len(rows[0])
    out = np.full((n_r * (side + ROW_GAP), n_c * (side + GAP) - GAP, 3), 255, dtype=np.float32)
    for r, row in enumerate(rows):
        for c, sample in enumerate(row):
            out[r * (side + ROW_GAP):r * (side + ROW_GAP) + side, c * (side + GAP):c * (side + GAP) + side] = _cell(sample, show_mask, zoom)
    return out.clip(0, 255).astype(np.uint8), side


@torch.no_grad()
def meter(model: torch.nn.Module, rows: list[list[Sample]]) -> np.ndarray:
    """(R, D, 10) class probabilities the digit model gives every draw."""
    x = torch.stack([s.image for row in rows for s in row])
    probs = torch.softmax(model(x), 1).numpy()
    return probs.reshape(len(rows), len(rows[0]), 10)


def _data_uri(array: np.ndarray, photo: bool) -> str:
    """The mosaic as a data URI: PNG keeps a digit's pixels sharp; a photo mosaic goes as JPEG (a
    tenth of the PNG's ~700 KB, and quicker to encode)."""
    buf = io.BytesIO()
    if photo:
        Image.fromarray(array).save(buf, "JPEG", quality=88)
        return "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode()
    Image.fromarray(array).save(buf, "PNG", compress_level=1)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def grid_figure(rows: list[list[Sample]], chain: Chain, show_mask: bool, show_box: bool,
                probs: np.ndarray | None, truth: int | None, height: int) -> go.Figure:
    picture, side = mosaic(rows, show_mask)
    zoom = side / rows[0][0].image.shape[-1]
    fig = go.Figure(go.Image(source=_data_uri(picture, rows[0][0].image.shape[0] == 3), hoverinfo="skip"))
    shapes, notes = [], []  # added in one layout update: 48 add_shape/add_annotation calls cost ~0.6 s
    if show_box:
        for r, row in enumerate(rows):
            for c, s in enumerate(row):
                x1, y1, x2, y2 = (s.box * zoom).tolist()
                ox, oy = c * (side + GAP), r * (side + ROW_GAP)
                shapes.append(dict(type="rect", x0=ox + x1, y0=oy + y1, x1=ox + x2, y1=oy + y2,
                                   line=dict(color=BOX_COLOUR, width=2)))
    if probs is not None and truth is not None:
        for r in range(len(rows)):
            for c in range(len(rows[0])):
                said = int(probs[r, c].argmax())
                text = f"{said} ✓ {probs[r, c, truth]:.0%}" if said == truth else f"{said} ✗ ({truth}: {probs[r, c, truth]:.0%})"
                notes.append(dict(x=c * (side + GAP) + side / 2, y=r * (side + ROW_GAP) + side, yanchor="top",
                                  text=text, showarrow=False, font=dict(size=13, color=KEEP if said == truth else BREAK)))
    for r, title in enumerate(row_titles(chain)):
        notes.append(dict(x=0, y=r * (side + ROW_GAP) + side / 2, xref="paper", xanchor="right",
                          text=title.replace(" (", "<br>("), showarrow=False, font=dict(size=12)))
    fig.update_layout(shapes=shapes, annotations=notes)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, constrain="domain", constraintoward="top")  # spare height goes below the grid
    fig.update_layout(height=height, margin=dict(l=150, r=10, t=10, b=10),
                      plot_bgcolor="white", dragmode=False)
    return fig


def grid_caption(chain: Chain, probs: np.ndarray | None, truth: int | None, seed: int) -> str:
    """What the grid shows, from the draws themselves (seed included); for digits, how many draws of
    each row the digit model still calls by the digit's label."""
    geometric = [MOVES[s.name] for s in chain if s.name in MOVES]
    text = f"Seed {seed}: {len(probs[0]) if probs is not None else 6} draws per row. "
    text += (f"The box and mask move with the {' and the '.join(geometric)}; " if geometric else
             "No geometric step: the box and mask stay where they are; ")
    if probs is None or truth is None:
        return text + "no known label to check (the meter reads held-out digits, whose labels are known)."
    kept = (probs.argmax(2) == truth).sum(1)
    parts = [f"{title.split(' (')[0]} {k} of {probs.shape[1]}" for title, k in zip(row_titles(chain), kept)]
    text += f"the digit CNN still says {truth} for: " + "; ".join(parts) + "."
    broken = [(r, c) for r in range(probs.shape[0]) for c in range(probs.shape[1]) if probs[r, c].argmax() != truth]
    if broken:
        r, c = broken[0]
        text += f" First changed label: row {r + 1}, draw {c + 1}, read as {int(probs[r, c].argmax())}."
    return text
