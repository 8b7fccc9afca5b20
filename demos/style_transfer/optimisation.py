"""Neural style transfer by optimisation (Gatys, Ecker & Bethge 2015) on EfficientNet-Lite0 features:
the content, style and total-variation losses, the optimiser's run as snapshots, its time estimate,
and the live view's figure and captions.

The image itself is optimised (Adam on pixels in [0, 1]); gradients are taken with
`torch.autograd.grad`, so the shared feature network is never modified.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Callable, Iterator, Sequence

import numpy as np
import plotly.graph_objects as go
import torch
import torch.nn.functional as F
from torch import nn

from demos import plots
from demos.style_transfer.gram import gram_matrix

STYLE_LAYERS = (0, 2, 4, 7, 10)  # EfficientNet-Lite0 blocks whose Gram matrices define style
CONTENT_LAYER = 7  # deep enough for layout, shallow enough to keep edges
LAYERS = {"all": (0, 2, 4, 7, 10), "shallow": (0, 2, 4), "deep": (7, 10)}  # the "Style layers" choices


def layers_label(name: str) -> str:
    """How a "Style layers" choice is shown: 'shallow (0, 2, 4)'."""
    return f"{name} {LAYERS[name]}"


def content_loss(features: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    return F.mse_loss(features, target)


def style_loss(features: dict[int, torch.Tensor], targets: dict[int, torch.Tensor]) -> torch.Tensor:
    """Mean over layers of the Gram-matrix MSE, each divided by its target's mean square so that
    every layer counts equally whatever its scale."""
    terms = [F.mse_loss(gram_matrix(features[k]), g) / g.pow(2).mean().clamp_min(1e-12)
             for k, g in targets.items()]
    return torch.stack(terms).mean()


def tv_loss(images: torch.Tensor) -> torch.Tensor:
    """Total variation (anisotropic, L1): mean absolute difference between neighbouring pixels."""
    return ((images[..., 1:, :] - images[..., :-1, :]).abs().mean()
            + (images[..., :, 1:] - images[..., :, :-1]).abs().mean())


@dataclass
class Snapshot:
    image: torch.Tensor  # (1, 3, H, W) in [0, 1], the current image
    best: torch.Tensor  # the lowest-loss image so far (what Stop keeps)
    step: int
    seconds: float  # since stylize() was called
    losses: dict[str, float]  # weighted content, style, tv, and total
    history: list[dict[str, float]] = field(default_factory=list)  # losses at every step so far


def stylize(model: nn.Module, content: torch.Tensor, styles: Sequence[torch.Tensor],
            mix: Sequence[float] = (1.0,), content_weight: float = 1.0, style_weight: float = 1e3,
            tv_weight: float = 1.0, steps: int = 100, style_layers: Sequence[int] = STYLE_LAYERS,
            init: str = "content", seed: int = 0, lr: float = 0.02, every: int = 5) -> Iterator[Snapshot]:
    """Optimise an image to match `content`'s features and the (mixed) Gram matrices of `styles`.
    Yields a Snapshot before the first step and then every `every` steps; stop iterating to stop.
    content: (1, 3, H, W) in [0, 1]; styles: (1, 3, h, w) each; mix: weight per style image."""
    start = time.perf_counter()
    layers = tuple(sorted(set(style_layers) | {CONTENT_LAYER}))
    with torch.no_grad():
        content_target = model.block_outputs(content, layers)[CONTENT_LAYER]
        per_style = [model.block_outputs(s, layers) for s in styles]
        total_mix = sum(mix)
        targets = {k: sum(w / total_mix * gram_matrix(f[k]) for w, f in zip(mix, per_style))
                   for k in style_layers}
    gen = torch.Generator().manual_seed(seed)
    image = content.clone() if init == "content" else torch.rand(content.shape, generator=gen)
    image.requires_grad_(True)
    optimizer = torch.optim.Adam([image], lr=lr)
    best, best_total, history = image.detach().clone(), math.inf, []
    losses = {"content": 0.0, "style": 0.0, "tv": 0.0, "total": math.inf}
    for step in range(steps + 1):
        feats = model.block_outputs(image, layers)
        terms = {"content": content_weight * content_loss(feats[CONTENT_LAYER], content_target),
                 "style": style_weight * style_loss(feats, targets),
                 "tv": tv_weight * tv_loss(image)}
        total = terms["content"] + terms["style"] + terms["tv"]
        losses = {k: v.item() for k, v in terms.items()} | {"total": total.item()}
        history.append(losses)
        if losses["total"] < best_total:
            best, best_total = image.detach().clone(), losses["total"]
        if step % every == 0 or step == steps:
            yield Snapshot(image.detach().clone(), best, step, time.perf_counter() - start, losses, history)
        if step == steps:
            break
        (grad,) = torch.autograd.grad(total, image)
        image.grad = grad
        optimizer.step()
        with torch.no_grad():
            image.clamp_(0, 1)


def optimise(model: nn.Module, content: torch.Tensor, styles: Sequence[torch.Tensor],
             mix: Sequence[float], content_weight: float, style_weight: float, tv_weight: float, steps: int,
             style_layers: Sequence[int], init: str, seed: int,
             on_progress: Callable[[float, Snapshot], None] = lambda f, s: None) -> Snapshot:
    """`stylize` run to the end as one call: `on_progress(fraction, snapshot)` after every step (it
    may raise to stop the run); returns the last snapshot (its `best` is the result)."""
    snap = None
    for snap in stylize(model, content, styles, mix, content_weight, style_weight, tv_weight, steps,
                        style_layers, init, seed):
        on_progress(snap.step / steps, snap)
    return snap


def seconds_per_step(size: int, repeat: int = 3, on_progress=None) -> float:
    """Measured wall time of one optimisation step at `size` px on this machine (median of `repeat`),
    the basis of the page's time estimate before a run starts."""
    from models import load_pretrained

    model = load_pretrained("efficientnet_lite0")
    content = torch.rand(1, 3, size, size, generator=torch.Generator().manual_seed(0))
    times = [snap.seconds for snap in stylize(model, content, [content[..., :256, :256]], steps=repeat, every=1)]
    return float(np.median(np.diff(times)))  # snapshot k+1 - snapshot k = one backward, step and forward


# ---------------------------------------------------------------- before a run: the estimate
def run_label(steps: int, per_step: float) -> str:
    """The Run button: the steps asked for and the time they should take (per_step: seconds)."""
    return f"▶ Run the optimisation: {steps} steps, about {per_step * steps:.0f} s here"


def estimate_caption(content: torch.Tensor, per_step: float) -> str:
    """content: (1, 3, H, W) at the working size; per_step: seconds measured for one step."""
    return (f"{content.shape[-1]}×{content.shape[-2]} px; {per_step * 1000:.0f} ms per step measured "
            "on this server just now.")


# ---------------------------------------------------------------- during and after a run
def progress_caption(snap: Snapshot, steps: int) -> str:
    """Under the live image: the step, the time so far and, while it runs, the time left."""
    left = f", about {snap.seconds / snap.step * (steps - snap.step):.0f} s left" if 0 < snap.step < steps else ""
    return f"Optimisation (Gatys): step {snap.step}/{steps}, {snap.seconds:.1f} s{left}"


def losses_figure(history: Sequence[dict[str, float]]) -> go.Figure:
    """The weighted content, style and TV losses at every step so far, on a log scale."""
    return plots.line_chart(range(len(history)), {k: [h[k] for h in history] for k in ("content", "style", "tv")},
                            "Weighted loss terms", "step", "loss (log scale)", height=260, log_y=True)


def losses_caption(snap: Snapshot) -> str:
    return (f"After {snap.step} steps: content {snap.losses['content']:.3g}, style "
            f"{snap.losses['style']:.3g}, TV {snap.losses['tv']:.3g} (log scale).")


def stopped_note(snap: Snapshot, steps: int) -> str | None:
    """A run stopped before `steps` keeps its best image so far, and says so."""
    return f"Stopped at step {snap.step}: showing the best image so far." if snap.step < steps else None


def shown_result(snap: Snapshot | None, fast_result: torch.Tensor) -> tuple[torch.Tensor, str]:
    """(image, what it is) for the download and the Gram matrices: the best optimised image once a
    run has been asked for, else the fast network's result."""
    return (snap.best, "optimised result") if snap is not None else (fast_result, "fast network's result")
