"""Adam's bias correction (Kingma & Ba 2015, section 3): its running averages start at zero, and
dividing by 1 − βᵗ makes the first step ≈ η whatever the gradient's scale; without it the first
steps are about 3η with the usual β₁ = 0.9, β₂ = 0.999.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import torch

from demos.plots import line_chart


def adam_step_sizes(lr: float, betas: tuple[float, float], steps: int = 60, scale: float = 1.0,
                    eps: float = 1e-8) -> dict[str, np.ndarray]:
    """|Δw| per step under a constant gradient `scale` for torch.optim.Adam (measured) and for Adam
    without bias correction, m/(√v + ε) (hand-written): m_t = g(1 − β₁ᵗ), v_t = g²(1 − β₂ᵗ)."""
    w = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    adam = torch.optim.Adam([w], lr=lr, betas=betas, eps=eps)
    measured, last = [], 0.0
    for _ in range(steps):
        w.grad = torch.full((1,), scale, dtype=torch.float64)
        adam.step()
        measured.append(abs(w.item() - last))
        last = w.item()
    t = np.arange(1, steps + 1)
    b1, b2 = betas
    uncorrected = lr * scale * (1 - b1 ** t) / (scale * np.sqrt(1 - b2 ** t) + eps)
    return {"step": t, "adam": np.array(measured), "uncorrected": uncorrected}


def bias_figure(sizes: dict[str, np.ndarray], lr: float) -> go.Figure:
    """Step length per step in units of η, with and without the correction."""
    return line_chart(sizes["step"], {"torch.optim.Adam (bias-corrected)": sizes["adam"] / lr,
                                      "without bias correction": sizes["uncorrected"] / lr},
                      "Step length under a constant gradient, in units of η", "step", "|Δw| / η")


def bias_caption(sizes: dict[str, np.ndarray], lr: float, betas: tuple[float, float]) -> str:
    first = {g: adam_step_sizes(lr, betas, 1, g)["adam"][0] / lr for g in (1e-3, 1.0, 1e3)}
    u = sizes["uncorrected"] / lr
    peak = int(sizes["step"][u.argmax()])
    return (f"torch.optim.Adam's first step is {first[1e-3]:.4f} η, {first[1.0]:.4f} η and {first[1e3]:.4f} η for "
            f"gradients of size 10⁻³, 1 and 10³: bias correction makes it ≈ η whatever the gradient's scale. "
            f"Without it the first step is (1 − β₁)/√(1 − β₂) = {u[0]:.2f} η and the largest "
            f"{u.max():.2f} η (step {peak}).")
