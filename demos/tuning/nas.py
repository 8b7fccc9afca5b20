"""Architecture search in miniature: random search over depth × width × activation of the spirals MLP
(one fixed training recipe), and the Pareto front of validation accuracy against parameter count."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import plotly.graph_objects as go

from demos.plots import OKABE_ITO, layout
from demos.tuning import trial

DEPTHS = (1, 2, 3, 4)
WIDTHS = (4, 8, 16, 32, 64, 128)
ACTIVATIONS = ("relu", "tanh", "sigmoid")
SAMPLES = 60  # architectures in the committed random sample
EPOCHS = trial.EPOCHS
RECIPE = trial.Config(log_lr=-2.0, width=0, decay=1e-4)  # Adam 10⁻², weight decay 10⁻⁴ for every architecture
RESULTS = Path(__file__).resolve().parents[2] / "models" / "results" / "tuning_nas.npz"


def parameter_count(depth: int, width: int) -> int:
    """Weights and biases of 2 → width (× depth) → 3."""
    return (2 * width + width) + (depth - 1) * (width * width + width) + (width * trial.CLASSES + trial.CLASSES)


def random_search(n: int, seed: int, epochs: int = EPOCHS) -> dict[str, np.ndarray]:
    """`n` architectures drawn uniformly (seeded), each trained once with RECIPE: their depth, width,
    activation (index into ACTIVATIONS), parameter count, final validation and test accuracy."""
    rng = np.random.default_rng(seed)
    rows = {k: [] for k in ("depth", "width", "activation", "params", "val", "test")}
    for i in range(n):
        d, w, a = int(rng.choice(DEPTHS)), int(rng.choice(WIDTHS)), int(rng.integers(len(ACTIVATIONS)))
        run = trial.Run(trial.Config(RECIPE.log_lr, w, RECIPE.decay), seed * 1000 + i, d, ACTIVATIONS[a])
        for _ in range(epochs):
            run.epoch()
        assert sum(p.numel() for p in run.model.parameters()) == parameter_count(d, w)
        for k, v in zip(rows, (d, w, a, parameter_count(d, w), run.val[-1], run.test[-1])):
            rows[k].append(v)
    return {k: np.array(v) for k, v in rows.items()}


def committed() -> dict[str, np.ndarray]:
    z = np.load(RESULTS)
    return {k: z[k] for k in ("depth", "width", "activation", "params", "val", "test")}


def pareto_front(params: np.ndarray, acc: np.ndarray) -> np.ndarray:
    """Indices of the points no other point beats on both axes (fewer or equal parameters and higher or
    equal accuracy, one of them strictly), sorted by parameter count."""
    keep = [i for i in range(len(params))
            if not np.any((params <= params[i]) & (acc >= acc[i]) & ((params < params[i]) | (acc > acc[i])))]
    return np.array(sorted(keep, key=lambda i: (params[i], -acc[i])), dtype=int)


def describe(sample: dict[str, np.ndarray], i: int) -> str:
    return (f"{sample['depth'][i]} × {sample['width'][i]} {ACTIVATIONS[sample['activation'][i]]} "
            f"({sample['params'][i]:,} parameters)")


def first(sample: dict[str, np.ndarray], n: int) -> dict[str, np.ndarray]:
    return {k: v[:n] for k, v in sample.items()}


# -- figure -------------------------------------------------------------------------------------------------------
def pareto_figure(sample: dict[str, np.ndarray], height: int = 380) -> go.Figure:
    """Every sampled architecture (colour = activation, size = depth) and the Pareto front as a step line."""
    fig = go.Figure()
    for a, name in enumerate(ACTIVATIONS):
        m = sample["activation"] == a
        fig.add_trace(go.Scatter(
            x=sample["params"][m], y=sample["val"][m], mode="markers", name=name,
            marker=dict(color=OKABE_ITO[a], size=6 + 3 * sample["depth"][m], line=dict(width=1, color="white")),
            text=[describe(sample, i) for i in np.flatnonzero(m)], hovertemplate="%{text}<br>val %{y:.1%}"))
    front = pareto_front(sample["params"], sample["val"])
    fig.add_trace(go.Scatter(x=sample["params"][front], y=sample["val"][front], mode="lines", name="Pareto front",
                             line=dict(color="black", shape="hv", width=1.5)))
    fig.update_xaxes(type="log", title_text="parameters")
    fig.update_yaxes(title_text="validation accuracy", tickformat=".0%")
    return layout(fig, "Random architecture search: accuracy against size", height)


def pareto_caption(sample: dict[str, np.ndarray]) -> str:
    n = len(sample["params"])
    front = pareto_front(sample["params"], sample["val"])
    best = int(np.argmax(sample["val"]))
    near = [i for i in front if sample["val"][i] >= sample["val"][best] - 0.01]
    small = min(near, key=lambda i: sample["params"][i])
    by_act = {ACTIVATIONS[a]: sample["val"][sample["activation"] == a] for a in range(len(ACTIVATIONS))}
    act_best = max((k for k, v in by_act.items() if len(v)), key=lambda k: by_act[k].max())
    return (f"{len(front)} of {n} architectures are on the front. The most accurate is {describe(sample, best)} at "
            f"{sample['val'][best]:.1%} validation accuracy ({sample['test'][best]:.1%} on the test split); "
            f"the smallest within one point of it is {describe(sample, small)} at {sample['val'][small]:.1%}. "
            f"Best by activation: {act_best}.")
