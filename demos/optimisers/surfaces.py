"""The 2-D loss surfaces the optimisers race on: an ill-conditioned quadratic (and its noisy,
mini-batch twin), Rosenbrock's valley, a saddle, Himmelblau's four minima and Beale's plateaus; each
with its exact gradient, its start point and settings, and its contour figure.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import plotly.graph_objects as go

LAMBDA_MAX = 10.0  # the quadratic's steep curvature; its flat one is LAMBDA_MAX / kappa
ROTATION = math.pi / 6  # the quadratic's axes are turned 30°, so no optimiser gets them for free
NOISY_N = 256  # data points behind the noisy quadratic (its largest batch = the full gradient)


# ------------------------------------------------------------------ 2-D loss surfaces
@dataclass(frozen=True)
class Surface:
    name: str
    title: str
    f: Callable[[Any, Any], Any]  # loss at (x, y): floats or numpy arrays alike
    grad: Callable[[float, float], tuple[float, float]]  # exact gradient at (x, y)
    x_range: tuple[float, float]  # the plotted region
    y_range: tuple[float, float]
    minima: tuple[tuple[float, float], ...]  # global minima (all equal f_min)
    f_min: float
    hessian: tuple[float, float, float] | None = None  # (a, b, c) of a quadratic's constant Hessian


def quadratic_hessian(kappa: float) -> tuple[float, float, float]:
    """H = R diag(λ_max, λ_max/κ) Rᵀ with R a 30° rotation, as (a, b, c) = (H11, H12, H22)."""
    lmax, lmin, c, s = LAMBDA_MAX, LAMBDA_MAX / kappa, math.cos(ROTATION), math.sin(ROTATION)
    return lmax * c * c + lmin * s * s, (lmax - lmin) * c * s, lmax * s * s + lmin * c * c


def surface(name: str, kappa: float = 20.0) -> Surface:
    """One of SURFACES; `kappa` (≥ 1) is the quadratics' condition number λ_max/λ_min."""
    if name in ("quadratic", "noisy"):
        a, b, c = quadratic_hessian(kappa)
        title = "Quadratic" if name == "quadratic" else "Noisy quadratic (mini-batches)"
        return Surface(name, f"{title}, κ = {kappa:g}", lambda x, y: 0.5 * (a * x * x + 2 * b * x * y + c * y * y),
                       lambda x, y: (a * x + b * y, b * x + c * y), (-3, 3), (-3, 3), ((0.0, 0.0),), 0.0, (a, b, c))
    if name == "rosenbrock":  # f = (1 − x)² + 100 (y − x²)²: a curved, flat-bottomed valley
        return Surface(name, "Rosenbrock", lambda x, y: (1 - x) ** 2 + 100 * (y - x * x) ** 2,
                       lambda x, y: (-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)),
                       (-2, 2), (-1, 3), ((1.0, 1.0),), 0.0)
    if name == "saddle":  # f = x²/2 + y⁴/4 − y²/2: a saddle at the origin between minima (0, ±1)
        return Surface(name, "Saddle", lambda x, y: 0.5 * x * x + 0.25 * y ** 4 - 0.5 * y * y,
                       lambda x, y: (x, y ** 3 - y), (-2, 2), (-1.6, 1.6), ((0.0, 1.0), (0.0, -1.0)), -0.25)
    if name == "himmelblau":  # f = (x² + y − 11)² + (x + y² − 7)²: four equal minima
        return Surface(name, "Himmelblau", lambda x, y: (x * x + y - 11) ** 2 + (x + y * y - 7) ** 2,
                       lambda x, y: (4 * x * (x * x + y - 11) + 2 * (x + y * y - 7),
                                     2 * (x * x + y - 11) + 4 * y * (x + y * y - 7)),
                       (-5, 5), (-5, 5), ((3.0, 2.0), (-2.805118, 3.131313), (-3.779310, -3.283186),
                                          (3.584428, -1.848126)), 0.0)
    if name == "beale":  # f = Σ_i (c_i − x + x yⁱ)², c = (1.5, 2.25, 2.625): flat plateaus, sharp ridges
        def f(x, y):
            return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y ** 2) ** 2 + (2.625 - x + x * y ** 3) ** 2

        def grad(x, y):
            r1, r2, r3 = 1.5 - x + x * y, 2.25 - x + x * y ** 2, 2.625 - x + x * y ** 3
            return (2 * (r1 * (y - 1) + r2 * (y * y - 1) + r3 * (y ** 3 - 1)),
                    2 * x * (r1 + 2 * r2 * y + 3 * r3 * y * y))
        return Surface(name, "Beale", f, grad, (-4.5, 4.5), (-4.5, 4.5), ((3.0, 0.5),), 0.0)
    raise ValueError(f"unknown surface {name!r}")


SURFACES = {"quadratic": "Ill-conditioned quadratic", "noisy": "Noisy quadratic (mini-batches)",
            "rosenbrock": "Rosenbrock valley", "saddle": "Saddle point", "himmelblau": "Himmelblau (4 minima)",
            "beale": "Beale"}

# Each surface's start point and settings (lr as log10), picked by hand so that every runner moves
# visibly and none diverges; choosing a surface on the page sets them (`ui.select(..., presets=)`).
_BASE = {"mu_mom": 0.9, "mu_nag": 0.9, "alpha_rms": 0.99, "b1_adam": 0.9, "b2_adam": 0.999, "wd_adamw": 0.01}
PRESETS: dict[str, dict[str, float]] = {
    "quadratic": {"x0": -2.5, "y0": 2.0, "lr_sgd": -0.8, "lr_mom": -1.7, "lr_nag": -1.7, "lr_ada": -0.3,
                  "lr_rms": -1.7, "lr_adam": -1.0, "lr_adamw": -1.0},
    "noisy": {"x0": -2.5, "y0": 2.0, "lr_sgd": -1.3, "lr_mom": -2.0, "lr_nag": -2.0, "lr_ada": -0.3,
              "lr_rms": -1.7, "lr_adam": -1.3, "lr_adamw": -1.3},
    "rosenbrock": {"x0": -1.2, "y0": 1.0, "lr_sgd": -3.0, "lr_mom": -3.7, "lr_nag": -3.7, "lr_ada": -0.5,
                   "lr_rms": -2.3, "lr_adam": -1.3, "lr_adamw": -1.3},
    "saddle": {"x0": -1.8, "y0": 0.01, "lr_sgd": -1.3, "lr_mom": -1.3, "lr_nag": -1.3, "lr_ada": -0.7,
               "lr_rms": -1.7, "lr_adam": -1.3, "lr_adamw": -1.3},
    "himmelblau": {"x0": -0.3, "y0": -0.9, "lr_sgd": -2.3, "lr_mom": -3.0, "lr_nag": -3.0, "lr_ada": -0.3,
                   "lr_rms": -1.3, "lr_adam": -1.0, "lr_adamw": -1.0},
    "beale": {"x0": 1.0, "y0": 1.5, "lr_sgd": -3.0, "lr_mom": -3.7, "lr_nag": -3.7, "lr_ada": -0.3,
              "lr_rms": -2.0, "lr_adam": -1.3, "lr_adamw": -1.3},
}
PRESETS = {s: _BASE | p for s, p in PRESETS.items()}


def choose(name: str) -> dict[str, Any]:
    """The controls a button sets to switch the page to surface `name`: the surface, its start and settings."""
    return {"surface": name} | PRESETS[name]


# ------------------------------------------------------------------ the noisy quadratic's data
@dataclass(frozen=True)
class NoisyData:
    """Least squares f(w) = Σ (xᵢᵀw − yᵢ)² / 2N whose Hessian XᵀX/N is the quadratic's H exactly and
    whose minimum is w = 0 (residuals orthogonal to X): mini-batches give real noisy gradients."""
    x: np.ndarray  # (N, 2)
    y: np.ndarray  # (N,)


def noisy_data(kappa: float, seed: int, n: int = NOISY_N, noise: float = 1.0) -> NoisyData:
    rng = np.random.default_rng(seed)
    a, b, c = quadratic_hessian(kappa)
    z = rng.standard_normal((n, 2))
    evals, evecs = np.linalg.eigh(z.T @ z / n)
    white = z @ evecs @ np.diag(evals ** -0.5) @ evecs.T  # whiteᵀ white / n = I
    lam, vec = np.linalg.eigh(np.array([[a, b], [b, c]]))
    x = white @ vec @ np.diag(lam ** 0.5) @ vec.T  # xᵀx / n = H
    eps = rng.standard_normal(n)
    eps -= x @ np.linalg.solve(x.T @ x, x.T @ eps)
    return NoisyData(x, noise * eps / eps.std())


def gradients(s: Surface, data: NoisyData | None, pos: np.ndarray, rows: np.ndarray | None) -> np.ndarray:
    """Gradients (K, 2) at positions (K, 2): exact, or on the noisy quadratic the mean over the
    mini-batch `rows` (all points when None) of xᵢ(xᵢᵀw − yᵢ)."""
    if data is None:
        return np.column_stack(s.grad(pos[:, 0], pos[:, 1]))
    x, y = (data.x, data.y) if rows is None else (data.x[rows], data.y[rows])
    return (pos @ x.T - y) @ x / len(y)


def local_stable_lr(s: Surface, x: float, y: float, h: float = 1e-5) -> float:
    """2/λ_max of the Hessian at (x, y) (central differences of the exact gradient): the largest
    learning rate plain gradient descent tolerates there (inf where the surface curves down)."""
    gxx = [(a - b) / (2 * h) for a, b in zip(s.grad(x + h, y), s.grad(x - h, y))]
    gyy = [(a - b) / (2 * h) for a, b in zip(s.grad(x, y + h), s.grad(x, y - h))]
    lmax = float(np.linalg.eigvalsh(np.array([[gxx[0], (gxx[1] + gyy[0]) / 2], [(gxx[1] + gyy[0]) / 2, gyy[1]]]))[-1])
    return 2 / lmax if lmax > 0 else math.inf


# ------------------------------------------------------------------ its figure
def contour(fig: go.Figure, s: Surface, row: int = 1, col: int = 1) -> None:
    """Draw surface `s` into panel (row, col) of `fig`: log-spaced contours (valleys and plateaus alike)
    and its minima as stars, axes at equal scale."""
    xs, ys = np.linspace(*s.x_range, 80), np.linspace(*s.y_range, 80)
    gx, gy = np.meshgrid(xs, ys)
    z = np.log10(np.maximum(s.f(gx, gy) - s.f_min, 0) + 1e-3).astype(np.float32)  # log levels: valleys and plateaus
    fig.add_trace(go.Contour(x=xs, y=ys, z=z, ncontours=22, showscale=False, hoverinfo="skip",
                             colorscale=[[0, "#ffffff"], [1, "#bdbdbd"]], line=dict(width=0.7, color="#8a8a8a")),
                  row, col)
    fig.add_trace(go.Scatter(x=[m[0] for m in s.minima], y=[m[1] for m in s.minima], mode="markers", name="minimum",
                             marker=dict(symbol="star", size=14, color="#F0E442", line=dict(width=1, color="black")),
                             hoverinfo="skip"), row, col)
    fig.update_xaxes(range=s.x_range, constrain="domain", row=row, col=col)
    fig.update_yaxes(range=s.y_range, constrain="domain", scaleanchor="x" if col == 1 else f"x{col}", row=row, col=col)
