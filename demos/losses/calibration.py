"""Calibration: does a classifier's confidence match how often it is right? The reliability diagram
and the expected calibration error (ECE, Naeini et al. 2015), and temperature scaling (Guo et al. 2017,
"On Calibration of Modern Neural Networks"): one scalar T divides every logit, fitted by minimising
the negative log-likelihood on the validation split, then judged on the held-out split. Shifted
inputs (rotated digits, pixel noise) show how confidence holds up off the training distribution."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
import torch
import torchvision.transforms.v2.functional as TF
from plotly.subplots import make_subplots

from demos.plots import OKABE_ITO

BINS = 15  # equal-width confidence bins, as in Guo et al. 2017
MODELS = ("mnist_cnn", "mnist_mlp", "digit_cnn_small", "digit_vit")
SHIFTS = {  # option -> (kind, amount): rotation in degrees, noise as the std of Gaussian pixel noise on [0, 1]
    "none": ("none", 0.0), "rotated 15°": ("rotation", 15.0), "rotated 30°": ("rotation", 30.0),
    "rotated 45°": ("rotation", 45.0), "rotated 60°": ("rotation", 60.0), "rotated 90°": ("rotation", 90.0),
    "noise σ = 0.1": ("noise", 0.1), "noise σ = 0.25": ("noise", 0.25), "noise σ = 0.5": ("noise", 0.5),
    "noise σ = 1": ("noise", 1.0)}
RESULTS = "models/results/losses_calibration.json"  # every model × shift, made by train/losses_results.py
LOG_T_RANGE = (-3.0, 3.0)  # search interval for log T


def reliability(confidence: np.ndarray, correct: np.ndarray, bins: int = BINS) -> dict[str, np.ndarray]:
    """Per equal-width bin of confidence: count, mean confidence and accuracy (nan where empty)."""
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1], right=True), 0, bins - 1)  # (0, 1/B] is bin 0
    count = np.bincount(which, minlength=bins).astype(float)
    with np.errstate(invalid="ignore"):
        conf = np.bincount(which, confidence, bins) / count
        acc = np.bincount(which, correct.astype(float), bins) / count
    return {"edges": edges, "count": count, "confidence": conf, "accuracy": acc}


def ece(confidence: np.ndarray, correct: np.ndarray, bins: int = BINS) -> float:
    """Σ_b (n_b / N)·|acc(b) − conf(b)|: the gap between confidence and accuracy, weighted by bin size."""
    r = reliability(confidence, correct, bins)
    full = r["count"] > 0
    return float((r["count"][full] / r["count"].sum() * np.abs(r["accuracy"][full] - r["confidence"][full])).sum())


def nll(logits: torch.Tensor, labels: torch.Tensor, temperature: float = 1.0) -> float:
    """Mean negative log-likelihood (nats) of softmax(logits / T)."""
    return float(torch.nn.functional.cross_entropy(logits.double() / temperature, labels))


def fit_temperature(logits: torch.Tensor, labels: torch.Tensor, iters: int = 60) -> float:
    """The T > 0 minimising the NLL of softmax(logits / T) on (validation) logits. The NLL is convex in
    1/T, so a golden-section search on log T over LOG_T_RANGE finds the minimum."""
    z = logits.double()
    f = lambda s: float(torch.nn.functional.cross_entropy(z * np.exp(-s), labels))  # noqa: E731
    a, b, g = *LOG_T_RANGE, (np.sqrt(5) - 1) / 2
    c, d = b - g * (b - a), a + g * (b - a)
    fc, fd = f(c), f(d)
    for _ in range(iters):
        if fc < fd:
            b, d, fd = d, c, fc
            c = b - g * (b - a)
            fc = f(c)
        else:
            a, c, fc = c, d, fd
            d = a + g * (b - a)
            fd = f(d)
    return float(np.exp((a + b) / 2))


def shift_images(images: torch.Tensor, shift: str, amount: float, seed: int = 0) -> torch.Tensor:
    """Digits rotated by `amount` degrees, or with Gaussian noise of std `amount` (seeded, clipped to
    [0, 1]); unchanged for "none"."""
    if shift == "rotation":
        return TF.rotate(images, float(amount))
    if shift == "noise":
        noise = torch.randn(images.shape, generator=torch.Generator().manual_seed(seed))
        return (images + amount * noise).clamp(0, 1)
    return images


@dataclass(frozen=True)
class Calibration:
    model: str
    temperature: float  # fitted on the validation split (unshifted)
    val_nll: tuple[float, float]  # validation NLL at T = 1 and at the fitted T
    accuracy: float  # on the (shifted) held-out split
    ece: tuple[float, float]  # held-out ECE before / after temperature scaling
    test_nll: tuple[float, float]
    mean_confidence: tuple[float, float]
    before: dict[str, np.ndarray]  # reliability bins before scaling
    after: dict[str, np.ndarray]


def calibrate(model: str, val_logits: torch.Tensor, val_labels: torch.Tensor, test_logits: torch.Tensor,
              test_labels: torch.Tensor) -> Calibration:
    """Fit T on the validation logits, judge T = 1 and the fitted T on the held-out logits."""
    t = fit_temperature(val_logits, val_labels)
    stats = []
    for temp in (1.0, t):
        p = torch.softmax(test_logits.double() / temp, 1)
        conf, pred = p.max(1)
        correct = (pred == test_labels).numpy()
        stats.append((conf.numpy(), correct, nll(test_logits, test_labels, temp)))
    accuracy = float(stats[0][1].mean())
    return Calibration(model, t, (nll(val_logits, val_labels), nll(val_logits, val_labels, t)), accuracy,
                       tuple(ece(c, k) for c, k, _ in stats), tuple(s[2] for s in stats),
                       tuple(float(c.mean()) for c, _, _ in stats),
                       reliability(stats[0][0], stats[0][1]), reliability(stats[1][0], stats[1][1]))


def reliability_figure(cal: Calibration, height: int = 380) -> go.Figure:
    """Accuracy per confidence bin before and after temperature scaling, against the diagonal."""
    fig = make_subplots(1, 2, shared_yaxes=True, subplot_titles=(
        f"T = 1: ECE = {cal.ece[0]:.3f}", f"T = {cal.temperature:.2f} (fitted on validation): ECE = {cal.ece[1]:.3f}"))
    for col, r in ((1, cal.before), (2, cal.after)):
        mid = (r["edges"][:-1] + r["edges"][1:]) / 2
        fig.add_bar(x=mid, y=r["accuracy"], width=1 / BINS, marker_color=OKABE_ITO[0], name="accuracy",
                    showlegend=col == 1, customdata=r["count"],
                    hovertemplate="confidence %{x:.2f}: accuracy %{y:.3f} (%{customdata} digits)<extra></extra>",
                    row=1, col=col)
        fig.add_scatter(x=mid, y=r["confidence"], mode="markers", marker_color=OKABE_ITO[3],
                        name="mean confidence", showlegend=col == 1, row=1, col=col)
        fig.add_scatter(x=[0, 1], y=[0, 1], mode="lines", line=dict(dash="dash", color="gray"),
                        name="perfect calibration", showlegend=col == 1, row=1, col=col)
        fig.update_xaxes(range=[0, 1], title_text="confidence (max p)", row=1, col=col)
    fig.update_yaxes(range=[0, 1.02], title_text="accuracy in the bin", row=1, col=1)
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=40, b=10), legend=dict(orientation="h", y=-0.25))
    return fig


def logits_of(model: torch.nn.Module, images: torch.Tensor, batch: int = 500) -> torch.Tensor:
    """The model's logits (N, 10) in eval mode without gradients (a ViT's attention is dropped)."""
    outs = []
    with torch.no_grad():
        for i in range(0, len(images), batch):
            out = model(images[i:i + batch])
            outs.append(out[0] if isinstance(out, tuple) else out)
    return torch.cat(outs)


def calibration_for(name: str, shift: str) -> Calibration:
    """`calibrate` the registry's model `name` on the project's split: T from the 500 validation digits
    (never the held-out ones), judged on the 1,000 held-out digits, shifted as `SHIFTS[shift]` says."""
    from models.data import mnist_split, validation_split
    from models.registry import load_pretrained

    model = load_pretrained(name)
    _, _, val_x, val_y = validation_split()
    data = mnist_split()
    test_x = shift_images(data.test_images, *SHIFTS[shift])
    return calibrate(name, logits_of(model, val_x), val_y, logits_of(model, test_x), data.test_labels)


def to_json(cal: Calibration) -> dict:
    """A Calibration as plain JSON data (numbers rounded to 6 digits; empty bins as null)."""
    def clean(v):
        if isinstance(v, dict):
            return {k: clean(x) for k, x in v.items()}
        if isinstance(v, (tuple, list, np.ndarray)):
            return [clean(x) for x in v]
        return v if isinstance(v, str) else (None if not np.isfinite(v) else round(float(v), 6))
    return {k: clean(getattr(cal, k)) for k in Calibration.__dataclass_fields__}


def from_json(data: dict) -> Calibration:
    bins = lambda r: {k: np.array([np.nan if x is None else x for x in v]) for k, v in r.items()}  # noqa: E731
    return Calibration(data["model"], data["temperature"], tuple(data["val_nll"]), data["accuracy"],
                       tuple(data["ece"]), tuple(data["test_nll"]), tuple(data["mean_confidence"]),
                       bins(data["before"]), bins(data["after"]))


def committed(name: str, shift: str) -> Calibration | None:
    """The committed result for this model and shift (None when there is none)."""
    import json
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / RESULTS
    if not path.exists():
        return None
    entry = json.loads(path.read_text()).get("results", {}).get(f"{name}|{shift}")
    return None if entry is None else from_json(entry)


def calibration_caption(cal: Calibration, shift: str) -> str:
    """The numbers of the diagram: accuracy, confidence, ECE and NLL before and after scaling."""
    kind, amount = SHIFTS[shift]
    where = {"none": "the held-out digits", "rotation": f"the held-out digits rotated by {amount:g}°",
             "noise": f"the held-out digits with noise of std {amount:g}"}[kind]
    over = cal.mean_confidence[0] - cal.accuracy
    side = "over-confident" if over > 0 else "under-confident"
    better = "lowers" if cal.ece[1] < cal.ece[0] else "does not lower"
    return (f"{cal.model} on {where}: accuracy {cal.accuracy:.1%}, mean confidence {cal.mean_confidence[0]:.1%} "
            f"({side} by {abs(over):.1%}). T = {cal.temperature:.2f}, fitted on the 500 validation digits "
            f"(validation NLL {cal.val_nll[0]:.3f} → {cal.val_nll[1]:.3f}), {better} the held-out ECE: "
            f"{cal.ece[0]:.3f} → {cal.ece[1]:.3f} (NLL {cal.test_nll[0]:.3f} → {cal.test_nll[1]:.3f}); "
            f"the accuracy is unchanged, because dividing by T keeps every argmax.")


def shifts_figure(cals: dict[str, Calibration], height: int = 320) -> go.Figure:
    """For one model, per shift: accuracy, mean confidence at T = 1 and after temperature scaling."""
    names = list(cals)
    fig = go.Figure()
    fig.add_bar(x=names, y=[c.accuracy for c in cals.values()], name="accuracy", marker_color=OKABE_ITO[0])
    fig.add_bar(x=names, y=[c.mean_confidence[0] for c in cals.values()], name="mean confidence, T = 1",
                marker_color=OKABE_ITO[3])
    fig.add_bar(x=names, y=[c.mean_confidence[1] for c in cals.values()], name="mean confidence, fitted T",
                marker_color=OKABE_ITO[1])
    fig.update_yaxes(range=[0, 1], title_text="held-out digits")
    fig.update_layout(barmode="group", height=height, margin=dict(l=10, r=10, t=40, b=10),
                      title="Accuracy and confidence as the inputs drift from the training digits",
                      legend=dict(orientation="h", y=-0.35))
    return fig


def shifts_caption(cals: dict[str, Calibration]) -> str:
    gap = {k: c.mean_confidence[0] - c.accuracy for k, c in cals.items()}
    worst = max(gap, key=gap.get)
    model = next(iter(cals.values())).model
    return (f"{model}: over-confidence (mean confidence − accuracy) is {gap['none']:+.1%} on the clean held-out "
            f"digits and largest on “{worst}” ({gap[worst]:+.1%}, accuracy {cals[worst].accuracy:.1%}). A "
            f"temperature fitted on clean validation digits (T = {cals['none'].temperature:.2f}) cannot fix a shift "
            f"it never saw.")
