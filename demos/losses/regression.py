"""Regression losses with outliers: a line y = a·x + b fitted to noisy points plus the outliers you add,
by mean squared error (closed form, least squares), mean absolute error and Huber (δ). MAE and Huber have
no closed form: iteratively reweighted least squares (IRLS) minimises both. MSE's fit is the conditional
mean (one far point drags it), MAE's the conditional median (it ignores how far the point is)."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from demos.plots import OKABE_ITO, layout

N_POINTS = 30  # clean points on y = 0.5·x + 1 with noise of std 0.3, x in [0, 10]
TRUE_LINE = (0.5, 1.0)
DELTA_RANGE = (0.1, 5.0)  # Huber's δ: quadratic inside |r| ≤ δ, linear outside
PRESETS = {"none": "", "one far point": "9, -8", "three far points": "8, -6; 9, -8; 10, -7",
           "a cluster of five": "7, 12; 7.5, 12; 8, 13; 8.5, 12.5; 9, 13"}
MAX_OUTLIERS = 20


class OutlierError(ValueError):
    """The outliers' text cannot be read."""


def parse_outliers(text: str) -> np.ndarray:
    """"x, y; x, y" -> (M, 2) array; x in [0, 10], |y| ≤ 50, at most MAX_OUTLIERS points."""
    points = []
    for part in filter(None, (p.strip() for p in text.replace("\n", ";").split(";"))):
        try:
            x, y = (float(v) for v in part.split(","))
        except ValueError:
            raise OutlierError(f"“{part[:30]}” is not a point “x, y”.") from None
        if not (np.isfinite(x) and np.isfinite(y) and 0 <= x <= 10 and abs(y) <= 50):
            raise OutlierError(f"“{part[:30]}” is outside x in [0, 10], y in [−50, 50].")
        points.append((x, y))
    if len(points) > MAX_OUTLIERS:
        raise OutlierError(f"{len(points)} points: at most {MAX_OUTLIERS} outliers.")
    return np.array(points, dtype=float).reshape(-1, 2)


def clean_points(seed: int) -> np.ndarray:
    """N_POINTS seeded points (x, y) around the true line."""
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(0, 10, N_POINTS))
    return np.stack([x, TRUE_LINE[0] * x + TRUE_LINE[1] + rng.normal(0, 0.3, N_POINTS)], 1)


def loss_value(kind: str, residuals: np.ndarray, delta: float = 1.0) -> float:
    """Mean loss of the residuals: "MSE" r², "MAE" |r|, "Huber" r²/2 inside δ, δ(|r| − δ/2) outside."""
    r = np.abs(residuals)
    if kind == "MSE":
        return float((r ** 2).mean())
    if kind == "MAE":
        return float(r.mean())
    return float(np.where(r <= delta, 0.5 * r ** 2, delta * (r - 0.5 * delta)).mean())


def fit_line(points: np.ndarray, kind: str, delta: float = 1.0, iters: int = 300) -> tuple[float, float]:
    """(a, b) minimising the mean `kind` loss of y − (a·x + b). MSE: least squares. MAE and Huber: IRLS,
    weights 1/max(|r|, 1e-9) for MAE and min(1, δ/|r|) for Huber, each step a weighted least squares."""
    X = np.stack([points[:, 0], np.ones(len(points))], 1)
    y = points[:, 1]
    coef = np.linalg.lstsq(X, y, rcond=None)[0]
    if kind == "MSE":
        return float(coef[0]), float(coef[1])
    for _ in range(iters):
        r = np.abs(y - X @ coef)
        w = 1.0 / np.maximum(r, 1e-9) if kind == "MAE" else np.minimum(1.0, delta / np.maximum(r, 1e-12))
        new = np.linalg.solve(X.T @ (w[:, None] * X), X.T @ (w * y))
        if np.abs(new - coef).max() < 1e-12:
            coef = new
            break
        coef = new
    return float(coef[0]), float(coef[1])


def fits(outliers: np.ndarray | tuple, delta: float, seed: int) -> dict:
    """The points and the three fitted lines."""
    points = np.concatenate([clean_points(seed), np.asarray(outliers, dtype=float).reshape(-1, 2)])
    return {"points": points, "n_outliers": len(outliers), "delta": delta,
            "lines": {k: fit_line(points, k, delta) for k in ("MSE", "MAE", "Huber")}}


def fits_figure(result: dict, height: int = 380) -> go.Figure:
    p, m = result["points"], result["n_outliers"]
    fig = go.Figure()
    fig.add_scatter(x=p[:len(p) - m, 0], y=p[:len(p) - m, 1], mode="markers", name="data",
                    marker=dict(color="gray", size=7))
    if m:
        fig.add_scatter(x=p[-m:, 0], y=p[-m:, 1], mode="markers", name="your outliers",
                        marker=dict(color=OKABE_ITO[3], size=11, symbol="x"))
    xs = np.array([0.0, 10.0])
    fig.add_scatter(x=xs, y=TRUE_LINE[0] * xs + TRUE_LINE[1], mode="lines", name="true line",
                    line=dict(color="gray", dash="dot"))
    for i, (k, (a, b)) in enumerate(result["lines"].items()):
        fig.add_scatter(x=xs, y=a * xs + b, mode="lines", name=f"{k}: y = {a:.2f}x + {b:.2f}",
                        line=dict(color=OKABE_ITO[i], width=3))
    fig.update_xaxes(title_text="x")
    fig.update_yaxes(title_text="y")
    return layout(fig, f"Lines fitted by MSE, MAE and Huber (δ = {result['delta']:g})", height)


def fits_caption(result: dict) -> str:
    a0 = TRUE_LINE[0]
    err = {k: abs(a - a0) for k, (a, _) in result["lines"].items()}
    order = sorted(err, key=err.get)
    what = (f"with {result['n_outliers']} outlier(s)" if result["n_outliers"] else "without outliers")
    return (f"{len(result['points'])} points {what}: slope error against the true slope {a0}: "
            + ", ".join(f"{k} {err[k]:.3f}" for k in order) + f". Closest to the true line: {order[0]}; "
            f"furthest: {order[-1]}.")


def shapes_figure(delta: float, height: int = 300) -> go.Figure:
    """Each loss and its derivative against the residual r: what one point of residual r costs and how
    hard it pulls on the line."""
    r = np.linspace(-4, 4, 401)
    fig = make_subplots(1, 2, subplot_titles=("loss(r)", "pull on the fit: ∂loss/∂r"))
    huber = np.where(np.abs(r) <= delta, 0.5 * r ** 2, delta * (np.abs(r) - 0.5 * delta))
    grads = {"MSE": (r ** 2, 2 * r), "MAE": (np.abs(r), np.sign(r)), "Huber": (huber, np.clip(r, -delta, delta))}
    for i, (k, (f, g)) in enumerate(grads.items()):
        fig.add_scatter(x=r, y=f, name=k, line=dict(color=OKABE_ITO[i]), row=1, col=1)
        fig.add_scatter(x=r, y=g, name=k, showlegend=False, line=dict(color=OKABE_ITO[i]), row=1, col=2)
    fig.update_xaxes(title_text="residual r = y − ŷ")
    return layout(fig, None, height).update_layout(margin=dict(t=40))


def shapes_caption(delta: float) -> str:
    return (f"MSE's pull grows with the residual (2r), so the farthest point pulls hardest; MAE's is ±1 whatever the "
            f"distance; Huber's is r up to δ = {delta:g} and ±{delta:g} beyond: quadratic near the line, robust far "
            f"from it.")
