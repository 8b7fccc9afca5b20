"""Faithfulness without human judges: the deletion and insertion curves (Petsiuk et al. 2018, RISE).
Deletion blanks the pixels a map ranks highest first and watches the class probability fall (a low
area under the curve is faithful); insertion starts from a blurred image and puts the top pixels back
first (a high area is faithful). A random order is the reference every method must beat."""
from __future__ import annotations

from typing import Callable

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import torch
from plotly.subplots import make_subplots

from demos import plots
from demos.interpretability import methods

FRACTIONS = 21  # points on each curve: 0 %, 5 %, …, 100 % of the pixels
RANDOM = "random"


def order(values: np.ndarray) -> np.ndarray:
    """Pixel indices (flat), highest value first; ties keep their reading order."""
    return np.argsort(-values.ravel(), kind="stable")


def curve(model: torch.nn.Module, start: torch.Tensor, end: torch.Tensor, ranking: np.ndarray, target: int,
          points: int = FRACTIONS) -> np.ndarray:
    """Probability of `target` while pixels move from `start` to `end` in `ranking`'s order (all
    channels of a pixel together), at `points` evenly spaced fractions of the pixels."""
    _, c, h, w = start.shape
    counts = np.linspace(0, h * w, points).round().astype(int)
    position = np.empty(h * w, dtype=np.int64)
    position[ranking] = np.arange(h * w)  # rank of each pixel
    rank = torch.as_tensor(position).view(1, 1, h, w)
    masks = torch.stack([(rank < k).float()[0] for k in counts])  # (points, 1, H, W): 1 = moved
    images = start * (1 - masks) + end * masks
    with torch.no_grad():
        probs = torch.cat([model(images[i:i + 16]).softmax(-1)[:, target] for i in range(0, points, 16)])
    return probs.numpy()


def auc(values: np.ndarray) -> float:
    """Area under a curve sampled evenly on [0, 1] (trapezoids)."""
    return float(np.trapezoid(values, dx=1 / (len(values) - 1)))


def deletion_insertion(model: torch.nn.Module, x: torch.Tensor, target: int, maps: dict[str, np.ndarray],
                       blurred: torch.Tensor, seed: int = 0, on_progress: Callable | None = None) -> dict:
    """Deletion (x → black) and insertion (blurred → x) curves for every map and a random order.
    Returns {"deletion": {name: curve}, "insertion": {name: curve}}."""
    rankings = {m: order(a) for m, a in maps.items()}
    rankings[RANDOM] = np.random.default_rng(seed).permutation(x.shape[-1] * x.shape[-2])
    out: dict = {"deletion": {}, "insertion": {}}
    for i, (name, ranking) in enumerate(rankings.items()):
        out["deletion"][name] = curve(model, x, torch.zeros_like(x), ranking, target)
        out["insertion"][name] = curve(model, blurred, x, ranking, target)
        if on_progress:
            on_progress((i + 1) / len(rankings), None)
    return out


def auc_table(curves: dict) -> pd.DataFrame:
    """One row per method: deletion AUC (lower is better), insertion AUC (higher is better)."""
    names = list(curves["deletion"])
    return pd.DataFrame({"method": [methods.METHODS.get(n, "Random order") for n in names],
                         "deletion AUC (lower is better)": [round(auc(curves["deletion"][n]), 3) for n in names],
                         "insertion AUC (higher is better)": [round(auc(curves["insertion"][n]), 3) for n in names]})


def curves_figure(curves: dict, height: int = 340) -> go.Figure:
    """Deletion and insertion curves side by side, the random order dashed."""
    fig = make_subplots(rows=1, cols=2, subplot_titles=["Deletion: top pixels blanked first",
                                                        "Insertion: top pixels restored first"])
    x = np.linspace(0, 1, FRACTIONS)
    colours = plots_colours()
    for col, kind in enumerate(("deletion", "insertion"), start=1):
        for i, (name, y) in enumerate(curves[kind].items()):
            fig.add_trace(go.Scatter(x=x, y=y, name=methods.METHODS.get(name, "Random order"), showlegend=col == 1,
                                     line=dict(color=colours[i % len(colours)], dash="dash" if name == RANDOM else None),
                                     legendgroup=name), 1, col)
        fig.update_xaxes(title="fraction of pixels", tickformat=".0%", row=1, col=col)
    fig.update_yaxes(title="class probability", range=[0, 1.02], row=1, col=1)
    return plots.layout(fig, None, height)


def plots_colours() -> list[str]:
    import plotly.express as px
    return px.colors.qualitative.Plotly


def curves_caption(curves: dict) -> str:
    """Which method is most faithful by each measure, against the random order."""
    dele = {n: auc(c) for n, c in curves["deletion"].items()}
    ins = {n: auc(c) for n, c in curves["insertion"].items()}
    best_d = min((n for n in dele if n != RANDOM), key=dele.get)
    best_i = max((n for n in ins if n != RANDOM), key=ins.get)
    worse_d = [methods.METHODS[n] for n in dele if n != RANDOM and dele[n] >= dele[RANDOM]]
    worse_i = [methods.METHODS[n] for n in ins if n != RANDOM and ins[n] <= ins[RANDOM]]
    tail = "".join(f" No better than the random order at {kind}: {', '.join(names)}." if names
                   else f" Every method beats the random order at {kind}."
                   for kind, names in (("deletion", worse_d), ("insertion", worse_i)))
    return (f"Deletion: {methods.METHODS[best_d]} makes the probability fall fastest (AUC {dele[best_d]:.3f}, random "
            f"order {dele[RANDOM]:.3f}). Insertion: {methods.METHODS[best_i]} brings it back fastest (AUC "
            f"{ins[best_i]:.3f}, random order {ins[RANDOM]:.3f}).{tail}")
