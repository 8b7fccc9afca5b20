"""Theory vs measurement on the quadratic: SGD, heavy-ball and Nesterov momentum are linear maps of
(error, velocity), so their rate is a spectral radius, their stability limit and best settings are
closed forms (Polyak 1964; Goh, "Why Momentum Really Works", 2017), measured against the race; and
why a runner diverged, with this run's numbers.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import plotly.graph_objects as go

from demos.optimisers.race import Result, paths
from demos.optimisers.rules import COLOURS, OPTIMISERS, Runners
from demos.optimisers.surfaces import LAMBDA_MAX, Surface, local_stable_lr
from demos.replay import Recording

if TYPE_CHECKING:
    import pandas as pd

LINEAR = ("sgd", "momentum", "nesterov")  # the optimisers whose update is linear in the gradient


# ------------------------------------------------------------------ the maths
def eigenvalues(kappa: float) -> tuple[float, float]:
    """(λ_max, λ_min) of the quadratic's Hessian."""
    return LAMBDA_MAX, LAMBDA_MAX / kappa


def iteration_matrix(name: str, lr: float, mu: float, lam: float) -> np.ndarray:
    """Linear map of (error, velocity) along one eigen-direction of curvature λ, for torch's rules:
    heavy ball  v' = μv + λe, e' = e − η v'           Nesterov  v' = μv + λe, e' = e − η(λe + μ v')"""
    if name == "nesterov":
        return np.array([[1 - lr * lam * (1 + mu), -lr * mu * mu], [lam, mu]])
    return np.array([[1 - lr * lam, -lr * mu], [lam, mu]])  # SGD is μ = 0


def predicted_rate(name: str, lr: float, mu: float, kappa: float) -> float:
    """Asymptotic factor by which the distance to the minimum shrinks per step: the largest spectral
    radius of the iteration matrix over the two curvatures (> 1: divergence)."""
    return max(float(np.abs(np.linalg.eigvals(iteration_matrix(name, lr, mu, lam))).max())
               for lam in eigenvalues(kappa))


def stable_lr(name: str, mu: float, kappa: float) -> float:
    """Largest stable learning rate: 2/λ_max for SGD, 2(1 + μ)/λ_max for heavy-ball momentum and
    2(1 + μ)/((1 + 2μ) λ_max) for Nesterov (where an eigenvalue of the iteration matrix reaches −1)."""
    lmax = eigenvalues(kappa)[0]
    return {"sgd": 2 / lmax, "momentum": 2 * (1 + mu) / lmax, "nesterov": 2 * (1 + mu) / ((1 + 2 * mu) * lmax)}[name]


def optimal(kappa: float) -> dict[str, float]:
    """Best fixed settings on a quadratic with curvatures in [λ_min, λ_max], κ = λ_max/λ_min:
    gradient descent η = 2/(λ_max + λ_min), rate (κ − 1)/(κ + 1); heavy ball (Polyak 1964)
    η = 4/(√λ_max + √λ_min)², μ = ((√κ − 1)/(√κ + 1))², rate (√κ − 1)/(√κ + 1)."""
    lmax, lmin = eigenvalues(kappa)
    r = math.sqrt(kappa)
    return {"gd_lr": 2 / (lmax + lmin), "gd_rate": (kappa - 1) / (kappa + 1),
            "hb_lr": 4 / (math.sqrt(lmax) + math.sqrt(lmin)) ** 2, "hb_mu": ((r - 1) / (r + 1)) ** 2,
            "hb_rate": (r - 1) / (r + 1)}


def best_settings(kappa: float) -> dict[str, Any]:
    """The `optimal` SGD and momentum settings as the page's controls hold them (log10 lr on a 0.01
    grid, μ to 0.01), both switched on: what "Use these best settings" sets."""
    best = optimal(kappa)
    return {"lr_sgd": round(math.log10(best["gd_lr"]), 2), "lr_mom": round(math.log10(best["hb_lr"]), 2),
            "mu_mom": round(best["hb_mu"], 2), "on_sgd": True, "on_mom": True}


def measured_rate(distances: np.ndarray) -> float:
    """Per-step factor fitted on the second half of the usable run: steps with a finite distance above
    the float64 floor (1e-12 of the start), geometric mean of the shrinkage (NaN if too short)."""
    d = np.asarray(distances, dtype=float)
    ok = np.isfinite(d) & (d > 1e-12 * d[0]) & (d < 1e12 * d[0])
    end = int(np.argmin(ok)) if not ok.all() else len(d)  # the first unusable step ends the run
    a, b = end // 2, end - 1
    if b - a < 4:
        return math.nan
    return float(np.exp((np.log(d[b]) - np.log(d[a])) / (b - a)))


def facts(kappa: float) -> str:
    """The quadratic's numbers in one Markdown line: curvatures, stability limit, best settings and rates."""
    (lmax, lmin), best = eigenvalues(kappa), optimal(kappa)
    return (f"λ_max = **{lmax:g}**, λ_min = **{lmin:.3g}**, κ = **{kappa:g}** · largest stable SGD step "
            f"2/λ_max = **{2 / lmax:.3g}** · best SGD: η = 2/(λ_max + λ_min) = **{best['gd_lr']:.3g}**, "
            f"rate (κ − 1)/(κ + 1) = **{best['gd_rate']:.3f}** · best momentum: η = **{best['hb_lr']:.3g}**, "
            f"μ = **{best['hb_mu']:.3f}**, rate (√κ − 1)/(√κ + 1) = **{best['hb_rate']:.3f}**")


# ------------------------------------------------------------------ predicted vs measured, on the race
def rates(rec: Recording, hps: dict[str, tuple], kappa: float, names: list[str] | None = None) -> list[dict[str, Any]]:
    """Per linear optimiser in the race (`names`; default: the LINEAR ones in `hps`): settings,
    stability limit, predicted and measured rates."""
    rows, ps = [], paths(rec)
    names = [n for n in LINEAR if n in hps] if names is None else names
    for n in names:
        hp = dict(hps[n])
        lr, mu = hp["lr"], hp.get("momentum", 0.0)
        pred, meas = predicted_rate(n, lr, mu, kappa), measured_rate(np.hypot(ps[n][:, 0], ps[n][:, 1]))
        rows.append({"name": n, "optimiser": OPTIMISERS[n], "η": lr, "μ": mu,
                     "largest stable η": stable_lr(n, mu, kappa), "predicted ρ": pred, "measured ρ": meas,
                     "difference": meas / pred - 1 if pred > 0 and math.isfinite(meas) else math.nan})
    return rows


def rates_table(rows: list[dict[str, Any]]) -> "pd.DataFrame":
    """The rate rows as a display table (rates to 4 decimals, the gap in %)."""
    import pandas as pd

    return pd.DataFrame([{"optimiser": r["optimiser"], "η": f"{r['η']:.4g}", "μ": f"{r['μ']:g}",
                          "largest stable η": f"{r['largest stable η']:.4g}",
                          "predicted ρ": f"{r['predicted ρ']:.4f}", "measured ρ": f"{r['measured ρ']:.4f}",
                          "difference": f"{r['difference']:+.2%}" if math.isfinite(r["difference"]) else "—"}
                         for r in rows])


def rates_figure(rec: Recording, rows: list[dict[str, Any]], height: int = 360) -> go.Figure:
    """Distance to the minimum per step (log axis): measured (solid) and the predicted d₀ρᵗ (dashed),
    for the runners in `rows` (from `rates`)."""
    predicted = {r["name"]: r["predicted ρ"] for r in rows}
    fig = go.Figure()
    for n, path in paths(rec).items():
        if n not in predicted:
            continue
        d = np.hypot(path[:, 0], path[:, 1])
        t = np.arange(len(d))
        fig.add_trace(go.Scatter(x=t, y=np.maximum(d, 1e-18), mode="lines", name=f"{OPTIMISERS[n]} measured",
                                 line=dict(color=COLOURS[n], width=2.5)))
        with np.errstate(over="ignore"):
            pred = d[0] * predicted[n] ** t
        fig.add_trace(go.Scatter(x=t, y=np.where(pred < 1e30, np.maximum(pred, 1e-18), np.nan), mode="lines",
                                 name=f"{OPTIMISERS[n]} predicted ρᵗ",
                                 line=dict(color=COLOURS[n], width=2, dash="dash")))
    fig.update_yaxes(type="log", exponentformat="power", title="distance to the minimum ‖w − w*‖")
    fig.update_xaxes(title="step")
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=30, b=10), legend=dict(orientation="h", y=-0.25))
    return fig


def rates_caption(rows: list[dict[str, Any]]) -> str:
    text = "; ".join(f"{r['optimiser']}: predicted ρ = {r['predicted ρ']:.4f} per step, " +
                     (f"measured {r['measured ρ']:.4f} ({abs(r['difference']):.1%} apart)"
                      if math.isfinite(r["difference"]) else "at the minimum too fast to measure a rate")
                     for r in rows)
    unstable = [r["optimiser"] for r in rows if r["predicted ρ"] > 1]
    return text + (f". ρ > 1 for {', '.join(unstable)}: the distance grows by that factor every step." if unstable
                   else ". Dashed: the distance at the start times ρᵗ.")


# ------------------------------------------------------------------ why a runner diverged
def divergence_note(name: str, hp: dict[str, Any], result: Result, s: Surface, kappa: float,
                    start: tuple[float, float]) -> str:
    """Why a runner diverged, in one sentence with this run's numbers."""
    title, lr, mu = OPTIMISERS[name], hp["lr"], hp.get("momentum", 0.0)
    if s.hessian is not None and name in LINEAR:
        limit, rho = stable_lr(name, mu, kappa), predicted_rate(name, lr, mu, kappa)
        why = (f"|1 − ηλ_max| = {abs(1 - lr * LAMBDA_MAX):.2f}" if name == "sgd" else
               f"the iteration matrix's spectral radius is {rho:.2f}")
        formula = {"sgd": "2/λ_max", "momentum": "2(1 + μ)/λ_max", "nesterov": "2(1 + μ)/((1 + 2μ)λ_max)"}[name]
        return (f"{title} diverged at step {result.diverged_at}: its learning rate {lr:.3g} is above the stability "
                f"limit {limit:.3g} = {formula} of this quadratic, so along the steepest direction each step "
                f"multiplies the error by {why} > 1.")
    local = local_stable_lr(s, *start)
    return (f"{title} diverged at step {result.diverged_at}: each step overshot by more than the curvature could pull "
            f"back, until the iterate left the plane. At the start point plain gradient descent is stable only for "
            f"learning rates below 2/λ_max(∇²f) = {local:.3g}" + (f" (this run: {lr:.3g})." if name == "sgd" else
                                                                     "."))


def divergence_notes(results: list[Result], runners: Runners, s: Surface, kappa: float,
                     start: tuple[float, float], one: bool = False) -> list[str]:
    """`divergence_note` for every runner that diverged; `one` (a slide, short of room): only the
    first, saying how many more diverged."""
    hps = dict(runners)
    notes = [divergence_note(r.name, dict(hps[r.name]), r, s, kappa, start)
             for r in results if r.diverged_at is not None]
    if one and len(notes) > 1:
        return [notes[0] + f" ({len(notes) - 1} more diverged.)"]
    return notes
