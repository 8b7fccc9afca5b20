"""The hero: one model, one input, one class, the six methods side by side; IG's completeness check
in words; which of the methods agree (rank correlation)."""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

import numpy as np
import plotly.graph_objects as go
import torch
from plotly.subplots import make_subplots

from demos import plots
from demos.images import to_image
from demos.interpretability import methods, similarity

RANKS = ("1", "2", "3")  # explain the model's 1st, 2nd or 3rd choice
SMOOTH_N_RANGE, SIGMA_RANGE, STEPS_RANGE = (5, 50), (0.05, 0.5), (4, 100)
PATCH = {"digits": (2, 14, 6), "photos": (28, 112, 56)}  # (smallest, largest, default) occlusion square, px
STRIDE_PCT = {"digits": 25, "photos": 50}  # smallest stride, % of the square (photos: ≤ 225 forward passes)
# Default SmoothGrad n, IG steps and occlusion stride (% of the square) per model. A 224-px photo costs
# EfficientNet ~0.1 s a forward + backward pass on one core: at the digits' 25 + 50 + 81 passes the
# photo hero took ~14 s, at these ~4 s (IG's completeness error, printed under the maps, shows the cost)
DEFAULTS = {"digits": {"n": 25, "steps": 50, "stride": 50}, "photos": {"n": 8, "steps": 16, "stride": 100}}
ORDER = ("gradient", "grad_x_input", "gradcam", "smoothgrad", "integrated_gradients", "occlusion")  # cheap first


@dataclass(frozen=True)
class Settings:
    """Every control of the hero (plain values: a cache key)."""
    n: int = 25  # SmoothGrad samples
    sigma: float = 0.15  # SmoothGrad noise, pixel units
    baseline: str = "black"  # IG's reference image
    steps: int = 50  # IG quadrature points
    layer: str = "features.4"  # Grad-CAM layer
    patch: int = 6  # occlusion square, px
    stride: int = 3  # occlusion stride, px
    seed: int = 0  # SmoothGrad's noise and the noise baseline


@dataclass(frozen=True)
class Explained:
    maps: dict[str, torch.Tensor]  # method -> (1, C, H, W)
    seconds: dict[str, float]  # method -> time it took
    reference: torch.Tensor  # IG's baseline x′
    total: float  # Σ IG attributions
    gap: float  # f(x) − f(x′)


def attribute_all(model: torch.nn.Module, x: torch.Tensor, target: int, s: Settings,
                  on_progress: Callable | None = None) -> Explained:
    """The six methods on `x` (1, C, H, W) in [0, 1] for class `target`, timed, the one-pass methods
    first; after each, `on_progress(fraction, the maps so far)` (an `Explained` whose completeness is
    NaN until IG's check has run). Maps come back in `methods.METHODS` order."""
    reference = methods.baseline(x, s.baseline, s.seed)
    calls = {"gradient": lambda: methods.gradient(model, x, target),
             "grad_x_input": lambda: x * maps["gradient"],  # = methods.grad_x_input: the same pass, reused
             "smoothgrad": lambda: methods.smoothgrad(model, x, target, s.n, s.sigma, s.seed),
             "integrated_gradients": lambda: methods.integrated_gradients(model, x, target, reference, s.steps),
             "gradcam": lambda: methods.gradcam(model, x, target, s.layer),
             "occlusion": lambda: methods.occlusion(model, x, target, s.patch, s.stride)}
    maps, seconds = {}, {}
    for name in ORDER:
        start = time.perf_counter()
        maps[name] = calls[name]()
        seconds[name] = time.perf_counter() - start
        if on_progress:
            on_progress(len(maps) / len(calls), Explained(dict(maps), dict(seconds), reference, np.nan, np.nan))
    total, gap = methods.completeness(model, x, target, reference, maps["integrated_gradients"])
    return Explained({m: maps[m] for m in calls}, {m: seconds[m] for m in calls}, reference, total, gap)


def from_maps(maps: dict[str, np.ndarray], reference: torch.Tensor) -> Explained:
    """(H, W) maps (e.g. a randomised model's) back in the form `hero_figure` draws."""
    return Explained({m: torch.as_tensor(a)[None, None] for m, a in maps.items()}, {}, reference, 0.0, 0.0)


def flat_maps(result: Explained) -> dict[str, np.ndarray]:
    return {name: methods.to_map(a) for name, a in result.maps.items()}


def hero_figure(x: torch.Tensor, result: Explained, label: str, height: int = 420) -> go.Figure:
    """Input and IG's baseline, then the six maps (red raises the class's logit, blue lowers it),
    each scaled to its own largest magnitude."""
    titles = ["Input", "IG baseline x′"] + [methods.METHODS[m] + ("" if m in result.maps else " (computing…)")
                                             for m in methods.METHODS]
    fig = make_subplots(rows=2, cols=4, subplot_titles=titles, horizontal_spacing=0.02, vertical_spacing=0.08)
    for k, img in enumerate((x, result.reference)):
        rgb = to_image(img.clamp(0, 1))
        rgb = np.repeat(rgb[..., None], 3, axis=2) if rgb.ndim == 2 else rgb
        fig.add_trace(go.Image(z=rgb, hoverinfo="skip"), 1, k + 1)
    flat = flat_maps(result)
    for k, name in enumerate(methods.METHODS, start=2):
        if name not in flat:  # not computed yet: an empty square of the input's size keeps the grid
            fig.add_trace(go.Heatmap(z=np.zeros(x.shape[-2:]), colorscale=[[0, "white"], [1, "white"]],
                                     showscale=False, hoverinfo="skip"), 1 + k // 4, 1 + k % 4)
            continue
        a = flat[name]
        bound = float(np.abs(a).max()) or 1.0
        fig.add_trace(go.Heatmap(z=a, colorscale=plots.DIVERGING, zmid=0, zmin=-bound, zmax=bound, showscale=False,
                                 hovertemplate=f"{methods.METHODS[name]}<br>x %{{x}}, y %{{y}}: %{{z:.3g}}"
                                               "<extra></extra>"), 1 + k // 4, 1 + k % 4)
    for k in range(1, 9):
        fig.update_yaxes(scaleanchor=f"x{k if k > 1 else ''}", autorange="reversed", visible=False,
                         row=1 + (k - 1) // 4, col=1 + (k - 1) % 4)
    fig.update_xaxes(visible=False)
    fig.update_annotations(font_size=13)
    return plots.layout(fig, None, height).update_layout(margin=dict(l=4, r=4, t=24, b=4))


def completeness_text(result: Explained, steps: int) -> str:
    """IG's completeness check in words, with its error."""
    err = abs(result.total - result.gap)
    rel = err / abs(result.gap) if result.gap else float("inf")
    verdict = ("holds" if rel <= 0.05 else "is off: more steps bring it closer")
    size = f"{rel:.1%} of the gap" if result.gap else "the gap is 0"
    return (f"**Completeness** (IG, {steps} steps): Σ attributions = {result.total:.3f}, "
            f"f(x) − f(x′) = {result.gap:.3f}; the difference {err:.3f} ({size}) {verdict}.")


def hero_caption(result: Explained, label: str, probability: float) -> str:
    """What the six maps show, with the pair of methods that agree most and least."""
    pairs = similarity.agreement(flat_maps(result))
    (a, b, hi), (c, d, lo) = pairs[0], pairs[-1]
    name = methods.METHODS
    return (f"Six explanations of “{label}” (probability {probability:.0%}): red is evidence for the class and blue "
            f"against it, by each method's own measure; each map is scaled to its own largest value. Most alike: {name[a]} and {name[b]} "
            f"(rank correlation {hi:.2f}); least alike: {name[c]} and {name[d]} ({lo:.2f}).")


def passes(s: Settings, size: int) -> dict[str, str]:
    """What each method costs in forward (+ backward) passes through the model, in words."""
    windows = (int(np.ceil((size - s.patch) / s.stride)) + 1) ** 2  # as `methods.occlusion` slides them
    return {"gradient": "1 pass", "grad_x_input": "the gradient's pass, reused", "smoothgrad": f"n = {s.n} passes",
            "integrated_gradients": f"{s.steps} steps", "gradcam": "1 pass",
            "occlusion": f"{windows} + 1 forward passes"}


def cost_text(result: Explained, s: Settings, size: int) -> str:
    """Each method's measured time on this server (and how many passes it took), for the page."""
    n = passes(s, size)
    parts = ", ".join(f"{methods.METHODS[m]} {1000 * t:.0f} ms ({n[m]})" for m, t in result.seconds.items())
    return f"Computed here in {1000 * sum(result.seconds.values()):.0f} ms: {parts}."


def progress_text(result: Explained) -> str:
    """The line under a hero still being computed: what is done, in how long, and what is next."""
    done = ", ".join(f"{methods.METHODS[m]} {1000 * t:.0f} ms" for m, t in result.seconds.items())
    left = [methods.METHODS[m] for m in ORDER if m not in result.maps]
    return f"Computed so far: {done}. Still computing: {', '.join(left)}." if left else f"Computed: {done}."
