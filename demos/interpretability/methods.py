"""Six attribution methods, hand-written in plain torch (tests check each against captum): input
gradient (Simonyan et al. 2014), gradient × input, SmoothGrad (Smilkov et al. 2017), Integrated
Gradients (Sundararajan et al. 2017), Grad-CAM (Selvaraju et al. 2017) and occlusion (Zeiler & Fergus
2014). Every method explains one class's LOGIT f_c(x) of a model that takes pixels in [0, 1]; every
one returns a map shaped like the input, (1, C, H, W). The shared models stay untouched: gradients
are taken with `torch.autograd.grad` (nothing accumulates in `.grad`), and Grad-CAM's hook lives only
inside a `with` block."""
from __future__ import annotations

import threading
from typing import Iterator

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

METHODS = {"gradient": "Gradient", "grad_x_input": "Gradient × input", "smoothgrad": "SmoothGrad",
           "integrated_gradients": "Integrated Gradients", "gradcam": "Grad-CAM", "occlusion": "Occlusion"}
BASELINES = {"black": "Black image", "blur": "Blurred input", "noise": "Uniform noise"}
CHUNK = {1: 64, 3: 8}  # images per forward/backward pass: 28-px digits vs 224-px photos (memory ≤ ~300 MB)

# Grad-CAM layers, last first, and why one would pick each (receptive field vs resolution)
DIGIT_LAYERS = {
    "features.4": "conv 4: the last conv (14×14 map, 64 channels, sees 14×14 px): the most class-specific, coarse",
    "features.3": "conv 3 (14×14, 64 channels, sees 10×10 px): less class-specific",
    "features.1": "conv 2 (28×28, 32 channels, sees 5×5 px): sharp, but its features are strokes, not digits",
}
PHOTO_LAYERS = {
    "_blocks.15": "last block (7×7 map, 320 channels): the most class-specific, 32-px cells",
    "_blocks.10": "stage 5 (14×14, 112 channels): finer, still object parts",
    "_blocks.4": "stage 3 (28×28, 40 channels): sharp, but textures and edges rather than the class",
}


def _chunks(n: int, size: int) -> Iterator[slice]:
    for start in range(0, n, size):
        yield slice(start, min(start + size, n))


def input_gradients(model: nn.Module, images: torch.Tensor, target: int, chunk: int | None = None) -> torch.Tensor:
    """∂f_target/∂x for each image of a batch (B, C, H, W), in chunks; no side effect on the model."""
    chunk = chunk or CHUNK.get(images.shape[1], 8)
    out = []
    for part in _chunks(len(images), chunk):
        x = images[part].detach().clone().requires_grad_(True)
        score = model(x)[:, target].sum()  # each image's logit depends only on that image
        out.append(torch.autograd.grad(score, x)[0])
    return torch.cat(out)


def gradient(model: nn.Module, x: torch.Tensor, target: int) -> torch.Tensor:
    """Vanilla saliency: ∂f_c/∂x at the input (signed). x: (1, C, H, W) in [0, 1]."""
    return input_gradients(model, x, target)


def grad_x_input(model: nn.Module, x: torch.Tensor, target: int) -> torch.Tensor:
    """x ⊙ ∂f_c/∂x: the first-order Taylor share of each pixel (measured from a zero image)."""
    return x * input_gradients(model, x, target)


def smoothgrad(model: nn.Module, x: torch.Tensor, target: int, n: int = 25, sigma: float = 0.15,
               seed: int = 0) -> torch.Tensor:
    """Mean gradient over `n` noisy copies x + N(0, σ²) (σ in pixel units, inputs in [0, 1])."""
    g = torch.Generator().manual_seed(seed)
    noisy = x.repeat(n, 1, 1, 1) + sigma * torch.randn((n, *x.shape[1:]), generator=g)
    return input_gradients(model, noisy, target).mean(0, keepdim=True)


def gaussian_blur(x: torch.Tensor, sigma: float) -> torch.Tensor:
    """A separable Gaussian blur (reflect padding), for the blurred baseline."""
    radius = max(1, int(3 * sigma))
    t = torch.arange(-radius, radius + 1, dtype=x.dtype)
    k = torch.exp(-t ** 2 / (2 * sigma ** 2))
    k = (k / k.sum()).to(x.dtype)
    c = x.shape[1]
    pad = F.pad(x, (radius, radius, radius, radius), mode="reflect")
    h = F.conv2d(pad, k.view(1, 1, 1, -1).repeat(c, 1, 1, 1), groups=c)
    return F.conv2d(h, k.view(1, 1, -1, 1).repeat(c, 1, 1, 1), groups=c)


def baseline(x: torch.Tensor, kind: str, seed: int = 0) -> torch.Tensor:
    """The reference x′ that IG integrates from: black (all zeros), the input blurred (σ = 1/10 of its
    side) or uniform noise in [0, 1] drawn under `seed`."""
    if kind == "black":
        return torch.zeros_like(x)
    if kind == "blur":
        return gaussian_blur(x, x.shape[-1] / 10)
    if kind == "noise":
        return torch.rand(x.shape, generator=torch.Generator().manual_seed(seed))
    raise ValueError(f"unknown baseline {kind!r}: one of {', '.join(BASELINES)}")


def integrated_gradients(model: nn.Module, x: torch.Tensor, target: int, reference: torch.Tensor,
                         steps: int = 50) -> torch.Tensor:
    """(x − x′) ⊙ ∫₀¹ ∂f_c/∂x(x′ + α(x − x′)) dα, the integral by `steps`-point Gauss–Legendre quadrature
    (captum's default rule)."""
    nodes, weights = np.polynomial.legendre.leggauss(steps)
    alphas = torch.tensor(0.5 * (nodes + 1), dtype=x.dtype)  # [-1, 1] -> [0, 1]
    w = torch.tensor(0.5 * weights, dtype=x.dtype)
    path = reference + alphas.view(-1, 1, 1, 1) * (x - reference)  # (steps, C, H, W)
    grads = input_gradients(model, path, target)
    return (x - reference) * (w.view(-1, 1, 1, 1) * grads).sum(0, keepdim=True)


def completeness(model: nn.Module, x: torch.Tensor, target: int, reference: torch.Tensor,
                 attribution: torch.Tensor) -> tuple[float, float]:
    """(Σ attributions, f_c(x) − f_c(x′)): IG's completeness axiom says they are equal."""
    with torch.no_grad():
        gap = float(model(x)[0, target] - model(reference)[0, target])
    return float(attribution.sum()), gap


class LayerTap:
    """A context manager that records one layer's output while it is open (the hook is removed in
    `__exit__`). Records per thread: a Streamlit server runs every session's script in its own thread
    on the one shared model, so another session's forward pass never lands in this one's record."""

    def __init__(self, model: nn.Module, layer: str):
        self.module, self.outputs = model.get_submodule(layer), {}

    def _hook(self, module: nn.Module, inputs: tuple, output: torch.Tensor) -> None:
        self.outputs[threading.get_ident()] = output

    def __enter__(self) -> "LayerTap":
        self.handle = self.module.register_forward_hook(self._hook)
        return self

    def __exit__(self, *exc) -> None:
        self.handle.remove()

    @property
    def output(self) -> torch.Tensor:
        return self.outputs[threading.get_ident()]


def gradcam_layer(model: nn.Module, x: torch.Tensor, target: int, layer: str) -> torch.Tensor:
    """Grad-CAM at the layer's resolution: ReLU(Σ_k α_k A_k) with α_k the spatial mean of ∂f_c/∂A_k.
    Returns (1, 1, h, w)."""
    with LayerTap(model, layer) as tap:
        score = model(x.detach().clone().requires_grad_(True))[0, target]
        acts = tap.output
    grads = torch.autograd.grad(score, acts)[0]  # (1, K, h, w)
    alpha = grads.mean(dim=(2, 3), keepdim=True)
    return F.relu((alpha * acts).sum(1, keepdim=True)).detach()


def gradcam(model: nn.Module, x: torch.Tensor, target: int, layer: str) -> torch.Tensor:
    """Grad-CAM upsampled (bilinear) to the input: (1, 1, H, W)."""
    return F.interpolate(gradcam_layer(model, x, target, layer), size=x.shape[-2:], mode="bilinear",
                         align_corners=False)


def occlusion(model: nn.Module, x: torch.Tensor, target: int, patch: int, stride: int) -> torch.Tensor:
    """Slide a black patch×patch square (all channels) with `stride`; each pixel gets the mean drop
    f_c(x) − f_c(x with the square) over the squares that cover it. Windows start at k·stride for
    k = 0 … ⌈(H − patch)/stride⌉ (the last may overhang the edge), as captum's Occlusion."""
    _, c, h, w = x.shape
    rows = [i * stride for i in range(int(np.ceil((h - patch) / stride)) + 1)]
    cols = [j * stride for j in range(int(np.ceil((w - patch) / stride)) + 1)]
    masks = torch.zeros(len(rows) * len(cols), 1, h, w)  # 1 inside each window
    for i, (r, q) in enumerate((r, q) for r in rows for q in cols):
        masks[i, :, r:r + patch, q:q + patch] = 1.0
    drops = torch.empty(len(masks))
    with torch.no_grad():
        base = model(x)[0, target]
        for part in _chunks(len(masks), CHUNK.get(c, 8) * 4):
            drops[part] = base - model(x * (1 - masks[part]))[:, target]  # black inside the window
    total = (drops.view(-1, 1, 1, 1) * masks).sum(0, keepdim=True)
    count = masks.sum(0, keepdim=True)
    return (total / count.clamp(min=1)).expand(1, c, h, w).clone()


def to_map(attribution: torch.Tensor) -> np.ndarray:
    """(1, C, H, W) -> (H, W): the sum over colour channels, what the figures draw."""
    return attribution[0].sum(0).detach().numpy()
