"""Feature scaling: the same straight-line fit by gradient descent on a raw feature (a long, thin
valley, large κ) and on the standardised one (round contours, κ = 1), with the textbook step 1/λ_max.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np
import plotly.graph_objects as go
import torch

from demos.optimisers.batch_size import count
from demos.plots import OKABE_ITO
from demos.text import pow10


def scaling_problem(mean: float, std: float, seed: int = 0, n: int = 200) -> tuple[np.ndarray, np.ndarray]:
    """n points y = 3x + 5 + noise with the feature x ~ N(mean, std²) (seeded)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(mean, std, n)
    return x, 3 * x + 5 + rng.normal(0, 1, n)


def scaling_runs(mean: float, std: float, tol: float, max_steps: int = 5000, seed: int = 0) -> dict[str, dict]:
    """Linear regression ŷ = w·x + b by gradient descent (torch.optim.SGD, one parameter group per case)
    with the textbook step η = 1/λ_max (1/L for an L-smooth loss), on the raw feature and on the
    standardised one (x − x̄)/s. The loss is ½(θ − θ*)ᵀH(θ − θ*) + f*, H = [[E x², E x], [E x, 1]].
    Per case: H, its eigenvalues, κ, lr, the path of (w, b), steps until f − f* ≤ tol (None: not
    within max_steps) and theory's estimate ⌈ln(tol/gap₀) / (2 ln ρ)⌉, ρ = 1 − λ_min/λ_max = 1 − 1/κ."""
    x, y = scaling_problem(mean, std, seed)
    cases = {}
    for case, feature in (("raw", x), ("standardised", (x - x.mean()) / x.std())):
        design = np.column_stack([feature, np.ones_like(feature)])
        hess = design.T @ design / len(y)
        lmin, lmax = np.linalg.eigvalsh(hess)
        best = np.linalg.solve(hess, design.T @ y / len(y))
        cases[case] = {"hessian": hess, "lambda": (lmax, lmin), "kappa": lmax / lmin, "lr": 1 / lmax,
                       "optimum": best, "f_star": float(np.mean((design @ best - y) ** 2) / 2), "design": design,
                       "y": y}
    params = {c: torch.zeros(2, dtype=torch.float64, requires_grad=True) for c in cases}
    sgd = torch.optim.SGD([{"params": [params[c]], "lr": cases[c]["lr"]} for c in cases], foreach=False)
    paths_ = {c: [np.zeros(2)] for c in cases}
    hit: dict[str, int | None] = {c: None for c in cases}
    gap = lambda c, w: 0.5 * (w - cases[c]["optimum"]) @ cases[c]["hessian"] @ (w - cases[c]["optimum"])
    for t in range(1, max_steps + 1):
        for c, p in params.items():
            p.grad = torch.from_numpy(cases[c]["hessian"] @ (paths_[c][-1] - cases[c]["optimum"]))
        sgd.step()
        for c, p in params.items():
            if hit[c] is None:
                paths_[c].append(p.detach().numpy().copy())
                if gap(c, paths_[c][-1]) <= tol:
                    hit[c] = t
        if all(h is not None for h in hit.values()):
            break
    for c, run in cases.items():
        rho = 1 - 1 / run["kappa"]
        gap0 = gap(c, np.zeros(2))
        run |= {"path": np.array(paths_[c]), "steps": hit[c],
                "predicted": 1 if rho < 1e-9 else max(1, math.ceil(math.log(tol / gap0) / (2 * math.log(rho))))}
    return cases


def scaling_figure(run: dict, case: str, height: int = 380) -> go.Figure:
    """Contours of the regression loss over (w, b) with gradient descent's path; equal axis scales,
    so round contours look round and elongated ones elongated."""
    path, opt_w, design, y = run["path"], run["optimum"], run["design"], run["y"]
    span = max(np.abs(path - opt_w).max(), 1.0) * 1.15
    ws, bs = np.linspace(opt_w[0] - span, opt_w[0] + span, 120), np.linspace(opt_w[1] - span, opt_w[1] + span, 120)
    gw, gb = np.meshgrid(ws, bs)
    h, g = run["hessian"], design.T @ y / len(y)
    z = 0.5 * (h[0, 0] * gw ** 2 + 2 * h[0, 1] * gw * gb + h[1, 1] * gb ** 2) - g[0] * gw - g[1] * gb
    z = np.log10(z - z.min() + 1e-3)
    show = path[:: max(1, len(path) // 1500)]  # the browser needs no more points than that
    fig = go.Figure(go.Contour(x=ws, y=bs, z=z, ncontours=20, showscale=False, hoverinfo="skip",
                               colorscale=[[0, "#fbfbfb"], [1, "#9a9a9a"]], line=dict(width=0.8, color="#707070")))
    fig.add_trace(go.Scatter(x=show[:, 0], y=show[:, 1], mode="lines+markers", name="gradient descent",
                             line=dict(color=OKABE_ITO[3], width=2), marker=dict(size=4)))
    fig.add_trace(go.Scatter(x=[opt_w[0]], y=[opt_w[1]], mode="markers", name="minimum",
                             marker=dict(symbol="star", size=14, color="#F0E442", line=dict(width=1, color="black"))))
    fig.update_xaxes(title="weight w", range=[ws[0], ws[-1]], constrain="domain")
    fig.update_yaxes(title="bias b", range=[bs[0], bs[-1]], scaleanchor="x", constrain="domain")
    fig.update_layout(title=f"{case.capitalize()} feature: κ = {run['kappa']:,.1f}", height=height,
                      margin=dict(l=10, r=10, t=40, b=10), showlegend=False)
    return fig


def scaling_caption(run: dict[str, Any], case: str, tol: float) -> str:
    lmax, lmin = run["lambda"]
    done = (f"reached f − f* ≤ {pow10(tol)} in {count(run['steps'], 'step')}" if run["steps"] else
            f"had not reached f − f* ≤ {pow10(tol)} after {len(run['path']) - 1:,} steps")
    return (f"{case.capitalize()}: Hessian eigenvalues {lmax:.3g} and {lmin:.3g} (κ = {run['kappa']:,.1f}); with "
            f"the step η = 1/λ_max = {run['lr']:.3g} gradient descent {done} (theory: ≈ {run['predicted']:,}).")
