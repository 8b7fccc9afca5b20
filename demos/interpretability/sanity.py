"""Sanity checks for saliency maps (Adebayo et al. 2018): an explanation that explains the MODEL must
change when the model does. Cascading randomisation re-initialises the top k layers (in deep copies:
the shared model is never touched) and measures how alike each method's map stays; the model trained
on shuffled labels must get other maps; an edge detector, which knows no model, is the baseline a
method should not resemble."""
from __future__ import annotations

import copy
from typing import Callable

import numpy as np
import plotly.graph_objects as go
import torch
import torch.nn.functional as F
from torch import nn

from demos import plots
from demos.interpretability import hero, methods, similarity

# Layers from the output down, as they are randomised in cascade: (module path, its name on the page)
DIGIT_CASCADE = (("classifier.2", "linear"), ("features.4.0", "conv 4"), ("features.3.0", "conv 3"),
                 ("features.1.0", "conv 2"), ("features.0.0", "conv 1"))
PHOTO_CASCADE = (("_fc", "classifier"), ("_conv_head", "head conv"), ("_blocks.15", "block 16"),
                 ("_blocks.14", "block 15"))  # 5 runs of the six methods on a 224-px photo
PASS_BELOW = 0.5  # a map whose rank correlation with the original stays above this has not noticed


def cascade(digits: bool) -> tuple[tuple[str, str], ...]:
    return DIGIT_CASCADE if digits else PHOTO_CASCADE


def randomised(model: nn.Module, layers: list[str], seed: int = 0) -> nn.Module:
    """A deep copy of `model` with every conv and linear weight in `layers` re-drawn from its layer's
    default initialisation under `seed` (BatchNorm statistics kept)."""
    twin = copy.deepcopy(model)
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        for path in layers:
            for module in twin.get_submodule(path).modules():
                if isinstance(module, (nn.Conv2d, nn.Linear)):
                    module.reset_parameters()
    return twin.eval()


def cascading_randomisation(model: nn.Module, x: torch.Tensor, target: int, s: hero.Settings, digits: bool,
                            on_progress: Callable | None = None) -> dict:
    """For k = 0 … K (K layers in the cascade): the six maps of the model with its top k layers
    randomised, and each method's Spearman / SSIM to the k = 0 maps. Returns {"layers", "maps",
    "spearman", "ssim"} (lists indexed by k; maps are (H, W) arrays)."""
    layers = [path for path, _ in cascade(digits)]
    maps, rho, ssim = [], [], []
    for k in range(len(layers) + 1):
        net = model if k == 0 else randomised(model, layers[:k])
        maps.append(hero.flat_maps(hero.attribute_all(net, x, target, s)))
        rho.append({m: similarity.spearman(maps[0][m], maps[k][m]) for m in maps[0]})
        ssim.append({m: similarity.ssim(maps[0][m], maps[k][m]) for m in maps[0]})
        if on_progress:
            on_progress((k + 1) / (len(layers) + 1), None)
    return {"layers": [name for _, name in cascade(digits)], "maps": maps, "spearman": rho, "ssim": ssim}


def sanity_checks(model: nn.Module, twin: nn.Module | None, x: torch.Tensor, target: int, s: hero.Settings,
                  digits: bool, on_progress: Callable | None = None) -> dict:
    """The tab's two checks in one job: `cascading_randomisation`'s result plus "twin", the six flat
    maps of the model trained on shuffled labels (None without a twin: there is none for photos)."""
    share = (len(cascade(digits)) + 1) / (len(cascade(digits)) + 1 + (twin is not None))  # of the runs
    step = (lambda f, _: on_progress(f * share, None)) if on_progress else None
    checks = cascading_randomisation(model, x, target, s, digits, on_progress=step)
    checks["twin"] = None if twin is None else hero.flat_maps(hero.attribute_all(twin, x, target, s))
    if on_progress:
        on_progress(1.0, None)
    return checks


def cascade_figure(run: dict, measure: str = "spearman", k: int | None = None, height: int = 320) -> go.Figure:
    """Each method's similarity to its original map as more layers are randomised (top first)."""
    ticks = ["none"] + [f"+ {name}" for name in run["layers"]]
    series = {methods.METHODS[m]: [row[m] for row in run[measure]] for m in run[measure][0]}
    fig = go.Figure([go.Scatter(x=ticks, y=v, name=n, mode="lines+markers") for n, v in series.items()])
    fig.add_hline(y=PASS_BELOW, line_dash="dot", line_color="gray")
    if k is not None:
        fig.add_vline(x=k, line_dash="dash", line_color="gray")
    fig.update_yaxes(title="rank correlation" if measure == "spearman" else "SSIM", range=[-0.2, 1.05])
    fig.update_xaxes(title="layers randomised, from the output down")
    return plots.layout(fig, None, height)


def failing(scores: dict[str, float]) -> list[str]:
    """Methods whose map is still similar (rank correlation > PASS_BELOW) to the original's."""
    return [methods.METHODS[m] for m, v in scores.items() if v > PASS_BELOW]


def cascade_caption(run: dict, k: int) -> str:
    rows = run["spearman"][k]
    if k == 0:
        return "With no layer randomised every map equals itself (rank correlation 1)."
    lows = min(rows, key=rows.get)
    stay = failing(rows)
    verdict = (f"still look like the trained model's (rank correlation > {PASS_BELOW}): {', '.join(stay)} — "
               "these fail the check at this depth" if stay else "have all changed: every method passes at this depth")
    return (f"After randomising the top {k} layer{'s' if k > 1 else ''} (down to {run['layers'][k - 1]}), the maps "
            f"that {verdict}. The most changed: {methods.METHODS[lows]} ({rows[lows]:.2f}).")


def twin_scores(real: dict[str, np.ndarray], twin: dict[str, np.ndarray]) -> dict[str, float]:
    """Each method's Spearman between the real model's map and the shuffled-label model's."""
    return {m: similarity.spearman(real[m], twin[m]) for m in real}


def edge_map(x: torch.Tensor) -> np.ndarray:
    """Sobel gradient magnitude of the input (channels summed): an 'explanation' that ignores the model."""
    kx = torch.tensor([[-1.0, 0, 1], [-2, 0, 2], [-1, 0, 1]])
    k = torch.stack([kx, kx.T])[:, None]  # (2, 1, 3, 3)
    g = F.conv2d(F.pad(x.sum(1, keepdim=True), (1, 1, 1, 1), mode="replicate"), k)
    return g.pow(2).sum(1).sqrt()[0].numpy()


def edge_scores(maps: dict[str, np.ndarray], edges: np.ndarray) -> dict[str, float]:
    return {m: similarity.spearman(a, edges) for m, a in maps.items()}


def scores_figure(scores: dict[str, dict[str, float]], height: int = 300) -> go.Figure:
    """Grouped bars: for each comparison (e.g. vs the shuffled-label model, vs the edge detector) each
    method's rank correlation."""
    fig = go.Figure([go.Bar(name=label, x=[methods.METHODS[m] for m in s], y=list(s.values()))
                     for label, s in scores.items()])
    fig.add_hline(y=PASS_BELOW, line_dash="dot", line_color="gray")
    fig.update_yaxes(title="rank correlation", range=[-0.2, 1.05])
    return plots.layout(fig, None, height).update_layout(barmode="group")


def twin_caption(scores: dict[str, float]) -> str:
    stay = failing(scores)
    best = min(scores, key=scores.get)
    if stay:
        head = (f"On the model trained on shuffled labels, {', '.join(stay)} still draw{'s' if len(stay) == 1 else ''} "
                f"a map like the real model's (rank correlation > {PASS_BELOW}): it shows the digit, not what the model learned.")
    else:
        head = f"Every method draws another map for the model trained on shuffled labels (rank correlation ≤ {PASS_BELOW})."
    return f"{head} Most different: {methods.METHODS[best]} ({scores[best]:.2f})."


def edge_caption(scores: dict[str, float]) -> str:
    top = max(scores, key=scores.get)
    return (f"The edge detector knows nothing about the model; the map most like it is {methods.METHODS[top]}'s "
            f"(rank correlation {scores[top]:.2f}), the least {methods.METHODS[min(scores, key=scores.get)]}'s "
            f"({min(scores.values()):.2f}).")
