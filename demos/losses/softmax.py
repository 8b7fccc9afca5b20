"""The logit playground (hero): softmax under a temperature, cross-entropy and its gradient on every
logit, p − onehot, beside the gradient of MSE on the softmax output, which vanishes when the model is
confidently wrong; the float32 overflow of a naive softmax and the log-sum-exp fix."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from demos.plots import OKABE_ITO

CLASSES_RANGE = (4, 10)  # how many logits the playground shows
LOGIT_RANGE = (-10.0, 10.0)  # each logit's slider
SCALE_RANGE = (1, 50)  # every logit multiplied by this before the softmax (to reach float32's overflow)
TEMPERATURE_RANGE = (0.1, 5.0)
DEFAULT_LOGITS = (2.0, 1.0, 0.5, -1.0, 0.0, -0.5, 1.5, -2.0, 0.3, -1.5)
FLOAT32_EXP_LIMIT = float(np.log(np.finfo(np.float32).max))  # ≈ 88.72: exp(z) of a larger z is inf
PRESETS = {  # name -> control values (logits of the first 4 classes, true class, T, scale)
    "Default": {"z0": 2.0, "z1": 1.0, "z2": 0.5, "z3": -1.0, "true": "0", "temp": 1.0, "scale": 1},
    "Confidently wrong": {"z0": -4.0, "z1": 6.0, "z2": 0.0, "z3": -1.0, "true": "0", "temp": 1.0, "scale": 1},
    "Overflow": {"z0": 2.0, "z1": 1.0, "z2": 0.5, "z3": -1.0, "true": "0", "temp": 1.0, "scale": 50},
}


def softmax_naive(z: np.ndarray) -> np.ndarray:
    """exp(z) / Σ exp(z) computed as written, in float32: overflows to inf (and inf/inf = nan) once a
    logit passes ≈ 88.7, and underflows to 0/0 when every logit is below ≈ −103."""
    with np.errstate(invalid="ignore", over="ignore"):
        e = np.exp(np.asarray(z, dtype=np.float32))
        return e / e.sum()


def log_softmax(z: np.ndarray) -> np.ndarray:
    """log softmax by the log-sum-exp trick: z − m − log Σ exp(z − m), m = max z (every exponent ≤ 0)."""
    z = np.asarray(z, dtype=np.float64)
    m = z.max()
    return z - m - np.log(np.exp(z - m).sum())


def softmax(z: np.ndarray) -> np.ndarray:
    """The stable softmax: exp(log_softmax(z)); equal to the naive one wherever both are finite."""
    return np.exp(log_softmax(z))


def cross_entropy(z: np.ndarray, true: int, temperature: float = 1.0) -> float:
    """−log softmax(z/T)[true] in nats (sparse labels: the class index; one-hot gives the same number)."""
    return float(-log_softmax(np.asarray(z, dtype=np.float64) / temperature)[true])


def ce_gradient(z: np.ndarray, true: int, temperature: float = 1.0) -> np.ndarray:
    """∂CE/∂z = (p − onehot) / T."""
    p = softmax(np.asarray(z, dtype=np.float64) / temperature)
    return (p - np.eye(len(p))[true]) / temperature


def mse_on_softmax(z: np.ndarray, true: int, temperature: float = 1.0) -> float:
    """Σ_k (p_k − y_k)², the squared error of the probabilities against the one-hot target."""
    p = softmax(np.asarray(z, dtype=np.float64) / temperature)
    return float(((p - np.eye(len(p))[true]) ** 2).sum())


def mse_gradient(z: np.ndarray, true: int, temperature: float = 1.0) -> np.ndarray:
    """∂/∂z Σ(p − y)² = Jᵀ·2(p − y)/T with the softmax Jacobian J = diag(p) − p pᵀ:
    g_i = (2/T)·p_i·[(p_i − y_i) − Σ_j p_j (p_j − y_j)]. Every term carries a factor p, so when the
    true class's p is ≈ 0 and another's ≈ 1 the gradient is ≈ 0: no push to fix the mistake."""
    p = softmax(np.asarray(z, dtype=np.float64) / temperature)
    r = p - np.eye(len(p))[true]
    return 2.0 / temperature * p * (r - (p * r).sum())


@dataclass(frozen=True)
class Playground:
    logits: np.ndarray  # (K,) after the scale
    true: int
    temperature: float
    probs: np.ndarray  # (K,) stable softmax(z/T)
    naive: np.ndarray  # (K,) float32 exp/Σexp of z/T (may hold inf or nan)
    ce: float  # nats
    mse: float
    grad_ce: np.ndarray
    grad_mse: np.ndarray


def playground(logits: tuple[float, ...], true: int, temperature: float, scale: float = 1.0) -> Playground:
    """Everything the hero shows for these logits (before `scale`), true class and temperature."""
    z = np.asarray(logits, dtype=np.float64) * scale
    return Playground(z, true, temperature, softmax(z / temperature), softmax_naive(z / temperature),
                      cross_entropy(z, true, temperature), mse_on_softmax(z, true, temperature),
                      ce_gradient(z, true, temperature), mse_gradient(z, true, temperature))


def _number(x: float) -> str:
    return "nan" if np.isnan(x) else ("inf" if np.isinf(x) else f"{x:.3g}")


def playground_figure(pg: Playground, height: int = 460) -> go.Figure:
    """Left: the softmax bars (true class in orange) with the naive float32 result written on each.
    Right: both gradients on every logit."""
    k = len(pg.probs)
    names = [str(i) for i in range(k)]
    colours = [OKABE_ITO[1] if i == pg.true else OKABE_ITO[0] for i in range(k)]
    fig = go.Figure()  # two panels side by side, laid out by hand (make_subplots costs tens of ms per rerun)
    fig.add_bar(x=names, y=pg.probs, marker_color=colours, name="p (log-sum-exp)", showlegend=False,
                text=[f"{p:.2f}" for p in pg.probs], textposition="outside",
                customdata=[_number(v) for v in pg.naive],
                hovertemplate="class %{x}: p = %{y:.4f}<br>naive float32: %{customdata}<extra></extra>")
    fig.add_bar(x=names, y=pg.grad_ce, name="cross-entropy: (p − onehot)/T", marker_color=OKABE_ITO[3],
                xaxis="x2", yaxis="y2")
    fig.add_bar(x=names, y=pg.grad_mse, name="MSE on softmax: Jᵀ·2(p − y)/T", marker_color=OKABE_ITO[2],
                xaxis="x2", yaxis="y2")
    title = dict(xref="paper", yref="paper", y=1.0, yanchor="bottom", showarrow=False)
    fig.update_layout(
        height=height, margin=dict(l=10, r=10, t=40, b=10), barmode="group",
        legend=dict(orientation="h", y=-0.18, x=0.55),
        xaxis=dict(domain=[0, 0.45], type="category", title_text="class (orange: the true one)"),
        yaxis=dict(range=[0, 1.15], title_text="probability"),
        xaxis2=dict(domain=[0.55, 1], type="category", title_text="class", anchor="y2"),
        yaxis2=dict(anchor="x2", title_text="∂loss/∂z", zeroline=True),
        annotations=[dict(text=f"softmax(z / T), T = {pg.temperature:g}", x=0.225, **title),
                     dict(text="Gradient of the loss on each logit z", x=0.775, **title)])
    return fig


def playground_caption(pg: Playground) -> str:
    """What the hero shows, in numbers: p of the true class, both losses and both pushes on its logit."""
    t, top = pg.true, int(np.argmax(pg.probs))
    verdict = (f"the model is right (class {t} has the largest p)" if top == t else
               f"the model is wrong: class {top} has p = {pg.probs[top]:.3f}")
    g_ce, g_mse = pg.grad_ce[t], pg.grad_mse[t]
    ratio = abs(g_ce) / abs(g_mse) if g_mse != 0 else float("inf")
    compare = (f"cross-entropy pushes the true logit {ratio:,.0f}× harder than MSE" if ratio >= 2 else
               f"cross-entropy pushes the true logit {ratio:.2f}× as hard as MSE")
    return (f"The true class {t} gets p = {pg.probs[t]:.3g}; {verdict}. Cross-entropy = {pg.ce:.3f} nats, "
            f"MSE on the probabilities = {pg.mse:.3f}. Gradient on the true logit: {g_ce:+.3g} (cross-entropy) "
            f"vs {g_mse:+.3g} (MSE), so {compare}.")


def overflow_rows(pg: Playground) -> list[dict[str, str]]:
    """One row per class: z/T, the naive float32 exp and softmax, and the log-sum-exp softmax."""
    zt = pg.logits / pg.temperature
    with np.errstate(over="ignore"):
        e = np.exp(zt.astype(np.float32))
    return [{"class": str(i), "z / T": f"{zt[i]:.4g}", "exp(z/T) in float32": _number(float(e[i])),
             "naive softmax": _number(float(pg.naive[i])), "log-sum-exp softmax": f"{pg.probs[i]:.4g}"}
            for i in range(len(zt))]


def overflow_caption(pg: Playground) -> str:
    """Whether the naive float32 softmax breaks here, and why."""
    zmax = float((pg.logits / pg.temperature).max())
    bad = int((~np.isfinite(pg.naive)).sum())
    if bad:
        return (f"The largest z/T is {zmax:.4g}, above log(float32 max) ≈ {FLOAT32_EXP_LIMIT:.2f}: exp overflows "
                f"to inf and inf/inf = nan, so the naive softmax returns {bad} non-finite value(s). Subtracting "
                f"max z first (log-sum-exp) keeps every exponent ≤ 0 and gives the right probabilities.")
    gap = float(np.abs(pg.naive.astype(np.float64) - pg.probs).max())
    return (f"The largest z/T is {zmax:.4g}, below log(float32 max) ≈ {FLOAT32_EXP_LIMIT:.2f}, so the naive "
            f"softmax is finite and agrees with log-sum-exp to {gap:.1e}; raise the scale past the limit to "
            f"see it break.")
