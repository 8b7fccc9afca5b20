"""How visible an adversarial change is: the perturbation drawn ×(0.5/ε), its L∞ and L2 norms, and
SSIM, structural similarity (Wang et al. 2004), beside the ε-ball the attack stays in."""
from __future__ import annotations

import plotly.graph_objects as go
import torch
import torch.nn.functional as F

from demos import plots


def _gaussian_window(size: int = 11, sigma: float = 1.5) -> torch.Tensor:
    g = torch.exp(-((torch.arange(size) - size // 2) ** 2) / (2 * sigma**2))
    g = g / g.sum()
    return (g[:, None] * g[None, :])[None, None]  # (1, 1, size, size)


def ssim(a: torch.Tensor, b: torch.Tensor) -> float:
    """Structural similarity (Wang et al. 2004), Gaussian window 11 / sigma 1.5, data range 1,
    averaged over channels and the positions where the window fits. a, b: (1, C, H, W) in [0, 1]."""
    c = a.shape[1]
    size = min(11, a.shape[-1], a.shape[-2]) | 1
    w = _gaussian_window(size).to(a.dtype).expand(c, 1, size, size)

    def blur(x: torch.Tensor) -> torch.Tensor:
        return F.conv2d(x, w, groups=c)

    mu_a, mu_b = blur(a), blur(b)
    var_a, var_b = blur(a * a) - mu_a**2, blur(b * b) - mu_b**2
    cov = blur(a * b) - mu_a * mu_b
    c1, c2 = 0.01**2, 0.03**2
    s = ((2 * mu_a * mu_b + c1) * (2 * cov + c2)) / ((mu_a**2 + mu_b**2 + c1) * (var_a + var_b + c2))
    return s.mean().item()


def perceptibility(images: torch.Tensor, adversarial: torch.Tensor) -> dict[str, float]:
    """How visible the change is: L-inf and L2 norms of the perturbation (pixel units), and SSIM."""
    delta = (adversarial - images).flatten()
    return {"linf": delta.abs().max().item(), "l2": delta.norm().item(),
            "ssim": ssim(images, adversarial)}


def perceptibility_text(seen: dict[str, float]) -> str:
    """The three numbers of `perceptibility` in one Markdown line, under the perturbation."""
    return f"**L∞** {seen['linf']:.3f} · **L2** {seen['l2']:.2f} · **SSIM** {seen['ssim']:.3f}"


# ---------------------------------------------------------------- the perturbation, drawn
def gain(eps: float) -> float:
    """How much larger than it is the perturbation is drawn: ±ε fills the colour range ±0.5."""
    return 0.5 / eps if eps else 1.0


def perturbation_figure(images: torch.Tensor, adversarial: torch.Tensor, eps: float,
                        height: int = 260) -> go.Figure:
    """adversarial - images, averaged over colour channels, on a diverging scale of ±ε."""
    return plots.heatmap((adversarial - images)[0].mean(0).numpy(), f"Perturbation (×{gain(eps):.0f})",
                         diverging=True, bound=eps or 1.0, height=height)


def perturbation_caption(eps: float) -> str:
    return (f"Blue darkens a pixel, red brightens it; the colour range is ±ε, so the change is shown "
            f"{gain(eps):.0f}× larger than it is (averaged over colour channels).")
