"""Gradient descent and its optimisers, raced live: SGD, heavy-ball momentum (Polyak 1964), Nesterov
(1983; Sutskever et al. 2013), Adagrad (Duchi et al. 2011), RMSprop (Hinton 2012), Adam (Kingma & Ba
2015) and AdamW (Loshchilov & Hutter 2019) as the real `torch.optim` classes on 2-D loss surfaces;
the quadratic's convergence theory beside the measurement. Batch size on real digits, schedules, the
LR range test, saddles and feature scaling are `demos.training_dynamics`.

Every update rule is also written out by hand (`update`) for display; the tests hold it equal to
torch.optim step by step. Randomness takes a seed; parameters are float64 on the 2-D surfaces.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

import numpy as np
import plotly.graph_objects as go
import torch
from plotly.subplots import make_subplots

from demos.replay import Recording, animate, record

if TYPE_CHECKING:
    import pandas as pd

OPTIMISERS = {"sgd": "SGD", "momentum": "Momentum", "nesterov": "Nesterov", "adagrad": "Adagrad",
              "rmsprop": "RMSprop", "adam": "Adam", "adamw": "AdamW"}  # name -> title
COLOURS = dict(zip(OPTIMISERS, ("#000000", "#E69F00", "#D55E00", "#009E73", "#CC79A7", "#0072B2", "#56B4E9")))
LR_LOG_RANGE = (-5.0, 1.0)  # learning-rate sliders move log10(lr)
STEPS_RANGE = (50, 2000)  # race length
TAIL = 25  # steps of path drawn bright behind each runner while replaying
LAMBDA_MAX = 10.0  # the quadratic's steep curvature; its flat one is LAMBDA_MAX / kappa
ROTATION = math.pi / 6  # the quadratic's axes are turned 30°, so no optimiser gets them for free
NOISY_N = 256  # data points behind the noisy quadratic (its largest batch = the full gradient)
BLOW_UP = 1e6  # |w| beyond this (or a non-finite loss) counts as diverged; that runner stops
SWEEP_LOG_LRS = tuple(np.round(np.arange(-5.0, 1.01, 0.25), 2))  # the learning-rate sensitivity grid (log10)


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


def _quadratic_hessian(kappa: float) -> tuple[float, float, float]:
    """H = R diag(λ_max, λ_max/κ) Rᵀ with R a 30° rotation, as (a, b, c) = (H11, H12, H22)."""
    lmax, lmin, c, s = LAMBDA_MAX, LAMBDA_MAX / kappa, math.cos(ROTATION), math.sin(ROTATION)
    return lmax * c * c + lmin * s * s, (lmax - lmin) * c * s, lmax * s * s + lmin * c * c


def surface(name: str, kappa: float = 20.0) -> Surface:
    """One of SURFACES; `kappa` (≥ 1) is the quadratics' condition number λ_max/λ_min."""
    if name in ("quadratic", "noisy"):
        a, b, c = _quadratic_hessian(kappa)
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
# visibly and none diverges; the page loads them when the surface changes.
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


def settings(name: str, values: dict[str, float]) -> dict[str, Any]:
    """torch.optim keyword arguments of optimiser `name` from the page's control values."""
    lr = 10 ** values[{"sgd": "lr_sgd", "momentum": "lr_mom", "nesterov": "lr_nag", "adagrad": "lr_ada",
                       "rmsprop": "lr_rms", "adam": "lr_adam", "adamw": "lr_adamw"}[name]]
    betas = (values["b1_adam"], values["b2_adam"])
    return {"sgd": {"lr": lr}, "momentum": {"lr": lr, "momentum": values["mu_mom"]},
            "nesterov": {"lr": lr, "momentum": values["mu_nag"], "nesterov": True}, "adagrad": {"lr": lr},
            "rmsprop": {"lr": lr, "alpha": values["alpha_rms"]}, "adam": {"lr": lr, "betas": betas},
            "adamw": {"lr": lr, "betas": betas, "weight_decay": values["wd_adamw"]}}[name]


TORCH_CLASS = {"sgd": torch.optim.SGD, "momentum": torch.optim.SGD, "nesterov": torch.optim.SGD,
               "adagrad": torch.optim.Adagrad, "rmsprop": torch.optim.RMSprop, "adam": torch.optim.Adam,
               "adamw": torch.optim.AdamW}  # SGD's momentum and nesterov flags make the other two


# ------------------------------------------------------------------ the update rules, by hand
def update(name: str, w: torch.Tensor, g: torch.Tensor, state: dict[str, Any], hp: dict[str, Any]) -> torch.Tensor:
    """One step of optimiser `name` written out (t counts steps from 1; state starts empty):
    SGD        w ← w − η g
    momentum   v ← μ v + g;                     w ← w − η v                (torch's heavy ball)
    Nesterov   v ← μ v + g;                     w ← w − η (g + μ v)
    Adagrad    s ← s + g²;                      w ← w − η g / (√s + ε)
    RMSprop    s ← α s + (1 − α) g²;            w ← w − η g / (√s + ε)
    Adam       m ← β₁m + (1 − β₁) g;  v ← β₂v + (1 − β₂) g²
               m̂ = m / (1 − β₁ᵗ);  v̂ = v / (1 − β₂ᵗ);  w ← w − η m̂ / (√v̂ + ε)
    AdamW      w ← w (1 − η λ), then Adam (weight decay decoupled from the gradient)
    """
    lr, t = hp["lr"], state.get("t", 0) + 1
    state["t"] = t
    if name in ("sgd", "momentum", "nesterov"):
        mu = hp.get("momentum", 0.0)
        if not mu:
            return w - lr * g
        state["v"] = g.clone() if t == 1 else mu * state["v"] + g  # torch starts v at g, not 0
        return w - lr * ((g + mu * state["v"]) if hp.get("nesterov") else state["v"])
    if name == "adagrad":
        state["s"] = state.get("s", torch.zeros_like(w)) + g * g
        return w - lr * g / (state["s"].sqrt() + hp.get("eps", 1e-10))
    if name == "rmsprop":
        alpha = hp.get("alpha", 0.99)
        state["s"] = alpha * state.get("s", torch.zeros_like(w)) + (1 - alpha) * g * g
        return w - lr * g / (state["s"].sqrt() + hp.get("eps", 1e-8))
    if name in ("adam", "adamw"):
        (b1, b2), eps = hp.get("betas", (0.9, 0.999)), hp.get("eps", 1e-8)
        if name == "adamw":
            w = w * (1 - lr * hp.get("weight_decay", 0.01))
        state["m"] = b1 * state.get("m", torch.zeros_like(w)) + (1 - b1) * g
        state["v"] = b2 * state.get("v", torch.zeros_like(w)) + (1 - b2) * g * g
        m_hat, v_hat = state["m"] / (1 - b1 ** t), state["v"] / (1 - b2 ** t)
        return w - lr * m_hat / (v_hat.sqrt() + eps)
    raise ValueError(f"unknown optimiser {name!r}")


# ------------------------------------------------------------------ the race
@dataclass(frozen=True)
class NoisyData:
    """Least squares f(w) = Σ (xᵢᵀw − yᵢ)² / 2N whose Hessian XᵀX/N is the quadratic's H exactly and
    whose minimum is w = 0 (residuals orthogonal to X): mini-batches give real noisy gradients."""
    x: np.ndarray  # (N, 2)
    y: np.ndarray  # (N,)


def noisy_data(kappa: float, seed: int, n: int = NOISY_N, noise: float = 1.0) -> NoisyData:
    rng = np.random.default_rng(seed)
    a, b, c = _quadratic_hessian(kappa)
    z = rng.standard_normal((n, 2))
    evals, evecs = np.linalg.eigh(z.T @ z / n)
    white = z @ evecs @ np.diag(evals ** -0.5) @ evecs.T  # whiteᵀ white / n = I
    lam, vec = np.linalg.eigh(np.array([[a, b], [b, c]]))
    x = white @ vec @ np.diag(lam ** 0.5) @ vec.T  # xᵀx / n = H
    eps = rng.standard_normal(n)
    eps -= x @ np.linalg.solve(x.T @ x, x.T @ eps)
    return NoisyData(x, noise * eps / eps.std())


def _gradients(s: Surface, data: NoisyData | None, pos: np.ndarray, rows: np.ndarray | None) -> np.ndarray:
    """Gradients (K, 2) at positions (K, 2): exact, or on the noisy quadratic the mean over the
    mini-batch `rows` (all points when None) of xᵢ(xᵢᵀw − yᵢ)."""
    if data is None:
        return np.column_stack(s.grad(pos[:, 0], pos[:, 1]))
    x, y = (data.x, data.y) if rows is None else (data.x[rows], data.y[rows])
    return (pos @ x.T - y) @ x / len(y)


Runners = tuple[tuple[str, tuple[tuple[str, Any], ...]], ...]  # ((optimiser name, torch kwargs as pairs), ...)


def make_stepper(surface_name: str, runners: Runners, start: tuple[float, float], kappa: float, batch: int,
             seed: int) -> Callable[[], tuple[np.ndarray, np.ndarray]]:
    """A function that moves every runner one step and returns their positions (K, 2) and f − f_min (K,),
    NaN once diverged. Each runner is a float64 parameter (x, y) in a real torch.optim instance: one instance
    per class, one parameter group per runner with its own settings (torch's mechanism; SGD, momentum
    and Nesterov share one SGD). foreach=False is the loop CPU tensors take anyway."""
    s, k = surface(surface_name, kappa), len(runners)
    data = noisy_data(kappa, seed) if surface_name == "noisy" else None
    rng = np.random.default_rng(seed)
    at = np.tile(np.asarray(start, dtype=np.float64), (k, 1))  # row i is runner i's parameter, in place
    into = np.zeros((k, 2))  # row i is runner i's gradient
    groups: dict[type, list[dict[str, Any]]] = {}
    for i, (name, hp) in enumerate(runners):
        p = torch.from_numpy(at[i]).requires_grad_()  # a leaf tensor sharing memory with `at`
        p.grad = torch.from_numpy(into[i])
        groups.setdefault(TORCH_CLASS[name], []).append({"params": [p], **dict(hp)})
    optimisers = [cls(group, foreach=False) for cls, group in groups.items()]
    alive = np.ones(k, dtype=bool)

    def step() -> tuple[np.ndarray, np.ndarray]:
        rows = rng.choice(len(data.y), batch, replace=False) if data is not None and batch < len(data.y) else None
        if alive.all():  # the common case, kept cheap: the whole race is a few hundred microseconds a step
            into[:] = _gradients(s, data, at, rows)
        else:
            into[:] = np.where(alive[:, None], _gradients(s, data, np.where(alive[:, None], at, 0.0), rows), 0.0)
        for optimiser in optimisers:
            optimiser.step()
        with np.errstate(all="ignore"):
            f = s.f(at[:, 0], at[:, 1])
            if not (np.isfinite(f).all() and np.abs(at).max() < BLOW_UP):
                alive[:] &= (np.abs(at) < BLOW_UP).all(1) & np.isfinite(f)
        if alive.all():
            return at.copy(), f - s.f_min
        return np.where(alive[:, None], at, np.nan), np.where(alive, f - s.f_min, np.nan)
    return step


def race(surface_name: str, runners: Runners, start: tuple[float, float], steps: int, kappa: float = 20.0,
         batch: int = NOISY_N, seed: int = 0, n_frames: int = 60,
         on_progress: Callable[[float], None] | None = None) -> Recording:
    """Race the optimisers in `runners` from `start` for `steps` steps (recorded for replay). On the
    noisy quadratic each step draws one seeded mini-batch of `batch` points for everyone. Curves per
    runner: "<name>:x", "<name>:y", "<name>:gap" = f − f_min after each step (NaN once diverged)."""
    names = [name for name, _ in runners]
    keys = [(f"{n}:x", f"{n}:y", f"{n}:gap") for n in names]
    advance = make_stepper(surface_name, runners, start, kappa, batch, seed)
    pos = np.tile(np.asarray(start, dtype=float), (len(names), 1))

    def step(i: int) -> dict[str, float]:
        nonlocal pos
        pos, gap = advance()
        out = {}
        for (kx, ky, kg), (x, y), g in zip(keys, pos.tolist(), gap.tolist()):
            out[kx], out[ky], out[kg] = x, y, g
        return out

    return record(step, lambda: {"xy": pos.copy()}, steps, n_frames, on_progress,
                  meta={"names": names, "start": tuple(start), "surface": surface_name, "kappa": kappa,
                        "runners": runners})


def paths(rec: Recording) -> dict[str, np.ndarray]:
    """Each runner's positions at steps 0..S as an (S + 1, 2) array (NaN after a divergence)."""
    start = np.array(rec.meta["start"], dtype=float)
    return {n: np.vstack([start, np.column_stack([rec.curves[f"{n}:x"], rec.curves[f"{n}:y"]])])
            for n in rec.meta["names"]}


def gaps(rec: Recording) -> dict[str, np.ndarray]:
    """f − f_min at steps 0..S per runner."""
    s = surface(rec.meta["surface"], rec.meta["kappa"])
    first = s.f(*rec.meta["start"]) - s.f_min
    return {n: np.concatenate([[first], rec.curves[f"{n}:gap"]]) for n in rec.meta["names"]}


@dataclass(frozen=True)
class Result:
    name: str
    steps_to_tol: int | None  # first step with f − f_min ≤ tol (None: not reached)
    final_gap: float  # f − f_min after the last step (NaN when diverged)
    diverged_at: int | None  # the step at which it left the plane (|w| > BLOW_UP or f not finite)
    end: tuple[float, float]  # last finite position
    nearest_minimum: int  # index into Surface.minima of the minimum closest to `end`


def results(rec: Recording, tol: float) -> list[Result]:
    """Per runner: steps to reach f − f_min ≤ tol, final gap, divergence, where it ended."""
    s = surface(rec.meta["surface"], rec.meta["kappa"])
    out = []
    for (n, path), gap in zip(paths(rec).items(), gaps(rec).values()):
        finite = np.flatnonzero(np.isfinite(gap))
        reached = np.flatnonzero(gap <= tol)
        last = int(finite[-1])
        end = (float(path[last, 0]), float(path[last, 1]))
        out.append(Result(n, int(reached[0]) if len(reached) else None, float(gap[-1]),
                          last + 1 if last + 1 < len(gap) else None, end,
                          int(np.argmin([math.dist(end, m) for m in s.minima]))))
    return out


def sweep_lr(surface_name: str, name: str, hp: tuple[tuple[str, Any], ...], log_lrs: tuple[float, ...],
             start: tuple[float, float], steps: int, tol: float, kappa: float = 20.0, batch: int = NOISY_N,
             seed: int = 0) -> dict[str, np.ndarray]:
    """Learning-rate sensitivity: optimiser `name` (other settings `hp`) once per lr = 10^log_lr, all
    lrs at once through the hand-written `update` (tested equal to torch.optim). Returns log_lr,
    steps until f − f_min ≤ tol (NaN: never) and the final gap (NaN: diverged)."""
    s = surface(surface_name, kappa)
    data = noisy_data(kappa, seed) if surface_name == "noisy" else None
    rng = np.random.default_rng(seed)
    settings_ = dict(hp) | {"lr": torch.tensor(10.0 ** np.asarray(log_lrs))[:, None]}
    w = torch.tensor(start, dtype=torch.float64).repeat(len(log_lrs), 1)
    state: dict[str, Any] = {}
    gap = np.full(len(log_lrs), s.f(*start) - s.f_min)
    first = np.where(gap <= tol, 0.0, np.nan)
    for i in range(1, steps + 1):
        rows = rng.choice(len(data.y), batch, replace=False) if data is not None and batch < len(data.y) else None
        g = torch.from_numpy(_gradients(s, data, w.numpy(), rows))
        w = update(name, w, g, state, settings_)
        w[~(w.abs() < BLOW_UP).all(1)] = math.nan  # diverged runs stay NaN
        gap = s.f(w[:, 0].numpy(), w[:, 1].numpy()) - s.f_min
        first[np.isnan(first) & (gap <= tol)] = i
    return {"log_lr": np.array(log_lrs), "steps_to_tol": first, "final_gap": gap}


def lr_sensitivity(surface_name: str, runners: Runners, start: tuple[float, float], steps: int, tol: float,
                   kappa: float = 20.0, batch: int = NOISY_N, seed: int = 0, log_lrs: tuple[float, ...] = SWEEP_LOG_LRS,
                   on_progress: Callable[[float], None] | None = None) -> dict[str, dict[str, np.ndarray]]:
    """`sweep_lr` for every runner (its other settings kept), reporting progress after each."""
    out = {}
    for i, (name, hp) in enumerate(runners):
        out[name] = sweep_lr(surface_name, name, hp, log_lrs, start, steps, tol, kappa, batch, seed)
        if on_progress:
            on_progress((i + 1) / len(runners))
    return out


def working_decades(sweep: dict[str, np.ndarray]) -> tuple[float, float, float] | None:
    """(decades, lowest, highest log10 lr) of the learning rates that reached the tolerance."""
    ok = sweep["log_lr"][np.isfinite(sweep["steps_to_tol"])]
    return None if not len(ok) else (float(ok.max() - ok.min()), float(ok.min()), float(ok.max()))


def local_stable_lr(s: Surface, x: float, y: float, h: float = 1e-5) -> float:
    """2/λ_max of the Hessian at (x, y) (central differences of the exact gradient): the largest
    learning rate plain gradient descent tolerates there (inf where the surface curves down)."""
    gxx = [(a - b) / (2 * h) for a, b in zip(s.grad(x + h, y), s.grad(x - h, y))]
    gyy = [(a - b) / (2 * h) for a, b in zip(s.grad(x, y + h), s.grad(x, y - h))]
    lmax = float(np.linalg.eigvalsh(np.array([[gxx[0], (gxx[1] + gyy[0]) / 2], [(gxx[1] + gyy[0]) / 2, gyy[1]]]))[-1])
    return 2 / lmax if lmax > 0 else math.inf


def divergence_note(name: str, hp: dict[str, Any], result: Result, s: Surface, kappa: float,
                    start: tuple[float, float]) -> str:
    """Why a runner diverged, in one sentence with this run's numbers."""
    title, lr, mu = OPTIMISERS[name], hp["lr"], hp.get("momentum", 0.0)
    if s.hessian is not None and name in ("sgd", "momentum", "nesterov"):
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


def results_table(results_: list[Result], runners: Runners, tol: float) -> "pd.DataFrame":
    """One display row per runner: its settings, steps to the tolerance, final gap, where it ended."""
    import pandas as pd

    def fmt(v: Any) -> str:
        return f"{v:.3g}" if isinstance(v, float) else str(v)

    hps = dict(runners)
    return pd.DataFrame([{
        "optimiser": OPTIMISERS[r.name], "settings": ", ".join(f"{k} {fmt(v)}" for k, v in hps[r.name]),
        f"steps to f − f* ≤ {tol:.0e}": "—" if r.steps_to_tol is None else f"{r.steps_to_tol:,}",
        "final f − f*": "diverged" if r.diverged_at else f"{r.final_gap:.2e}",
        "diverged at step": "—" if r.diverged_at is None else f"{r.diverged_at:,}",
        "ended at": f"({r.end[0]:.4f}, {r.end[1]:.4f})"} for r in results_])


def summary(results_: list[Result], tol: float, steps: int, s: Surface) -> str:
    """One sentence over the race: who reached the tolerance first, who did not, who diverged, and
    (surfaces with several minima) how many different minima they ended in."""
    ranked = sorted((r for r in results_ if r.steps_to_tol is not None), key=lambda r: r.steps_to_tol)
    missed = [r for r in results_ if r.steps_to_tol is None and r.diverged_at is None]
    blown = [r for r in results_ if r.diverged_at is not None]
    tol_text = f"f − f* ≤ {pow10(tol)}"
    parts = [f"In {steps} steps {len(ranked)} of {len(results_)} reached {tol_text}" +
             (": " + ", ".join(f"{OPTIMISERS[r.name]} ({r.steps_to_tol} steps)" for r in ranked) if ranked else "")]
    if missed:
        best = min(missed, key=lambda r: r.final_gap)
        parts.append(f"{', '.join(OPTIMISERS[r.name] for r in missed)} did not (closest: {OPTIMISERS[best.name]}, "
                     f"f − f* = {best.final_gap:.2g})")
    if blown:
        parts.append(", ".join(f"{OPTIMISERS[r.name]} diverged at step {r.diverged_at}" for r in blown))
    ended = {r.nearest_minimum for r in results_ if r.diverged_at is None}
    if len(s.minima) > 1 and results_:
        parts.append(f"they ended nearest to {len(ended)} of its {len(s.minima)} minima")
    return "; ".join(parts) + "."


def _contour(fig: go.Figure, s: Surface, row: int = 1, col: int = 1) -> None:
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


def race_figure(rec: Recording, height: int = 440) -> go.Figure:
    """Contour of the surface with every runner's whole path (faint); a bright trail of its last TAIL
    steps and a dot that replay in the browser; beside it f − f_min per step (log axis) with the
    replayed step marked. The moving parts are three traces (colour per point) to keep frames small."""
    s = surface(rec.meta["surface"], rec.meta["kappa"])
    ps, gs = paths(rec), gaps(rec)
    names = list(ps)
    fig = make_subplots(1, 2, column_widths=[0.52, 0.48], horizontal_spacing=0.08)
    _contour(fig, s)
    steps = np.arange(len(gs[names[0]]), dtype=np.int32)
    ps32 = {n: p.astype(np.float32) for n, p in ps.items()}  # float32 halves what the browser downloads
    for n in names:
        c, title = COLOURS[n], OPTIMISERS[n]
        fig.add_trace(go.Scatter(x=ps32[n][:, 0], y=ps32[n][:, 1], mode="lines", line=dict(color=c, width=1.2),
                                 opacity=0.5, legendgroup=n, showlegend=False, hoverinfo="skip"), 1, 1)
        fig.add_trace(go.Scatter(x=steps, y=np.maximum(gs[n], 1e-16).astype(np.float32), mode="lines",
                                 line=dict(color=c, width=2), name=title, legendgroup=n,
                                 hovertemplate=title + " step %{x}: f − f* = %{y:.3g}<extra></extra>"), 1, 2)
    colours = [COLOURS[n] for n in names]
    trail, head, dot = len(fig.data), len(fig.data) + 1, len(fig.data) + 2
    fig.add_trace(go.Scatter(mode="markers", marker=dict(size=5, color=[c for c in colours for _ in range(TAIL)]),
                             showlegend=False, hoverinfo="skip"), 1, 1)
    fig.add_trace(go.Scatter(mode="markers", marker=dict(size=13, color=colours, line=dict(width=1.5, color="white")),
                             showlegend=False, text=[OPTIMISERS[n] for n in names],
                             hovertemplate="%{text} (%{x:.3f}, %{y:.3f})<extra></extra>"), 1, 1)
    fig.add_trace(go.Scatter(mode="markers", marker=dict(size=9, color=colours), showlegend=False,
                             hoverinfo="skip"), 1, 2)
    frames = []
    for step in (int(v) for v in rec.steps):
        back = np.clip(np.arange(step - TAIL + 1, step + 1), 0, None)  # the last TAIL steps (repeats at the start)
        tails = np.concatenate([ps[n][back] for n in names]).astype(np.float32)
        now = np.array([ps[n][step] for n in names], dtype=np.float32)
        frames.append({trail: {"x": tails[:, 0], "y": tails[:, 1]}, head: {"x": now[:, 0], "y": now[:, 1]},
                       dot: {"x": np.full(len(names), step, dtype=np.int32),
                             "y": np.maximum([gs[n][step] for n in names], 1e-16).astype(np.float32)}})
    fig.update_xaxes(title=dict(text="step", standoff=2), row=1, col=2)
    fig.update_yaxes(type="log", exponentformat="power", title="f − f*  (log scale)", row=1, col=2)
    fig.update_yaxes(domain=[0.14, 1.0])  # room for tick labels above the replay slider
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=30, b=10), hovermode="closest",
                      legend=dict(orientation="h", y=1.02, yanchor="bottom", x=0, xanchor="left"))
    return animate(fig, frames, [str(int(v)) for v in rec.steps])


def sweep_figure(sweeps: dict[str, dict[str, np.ndarray]], steps: int, height: int = 360) -> go.Figure:
    """Steps to tolerance vs learning rate per optimiser; runs that never got there sit on a 'never'
    line at the top (hollow), diverged ones are crosses."""
    fig = go.Figure()
    for n, sw in sweeps.items():
        lr = 10 ** sw["log_lr"]
        reached = np.where(np.isnan(sw["steps_to_tol"]), steps * 1.15, sw["steps_to_tol"])
        symbols = ["x" if not np.isfinite(g) else "circle-open" if np.isnan(t) else "circle"
                   for t, g in zip(sw["steps_to_tol"], sw["final_gap"])]
        fig.add_trace(go.Scatter(x=lr, y=reached, mode="lines+markers", name=OPTIMISERS[n],
                                 line=dict(color=COLOURS[n], width=2), marker=dict(symbol=symbols, size=8),
                                 hovertemplate=OPTIMISERS[n] + ": lr %{x:.3g} → %{y:.0f} steps<extra></extra>"))
    fig.add_hline(y=steps * 1.15, line_dash="dot", line_color="gray", annotation_text="never (within the race)",
                  annotation_position="top left")
    fig.update_xaxes(type="log", title="learning rate", exponentformat="power")
    fig.update_yaxes(title="steps to reach the tolerance", rangemode="tozero")
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=30, b=10), legend=dict(orientation="h", y=-0.22))
    return fig


# ------------------------------------------------------------------ theory on the quadratic
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


def theory_figure(rec: Recording, rates: dict[str, float], height: int = 360) -> go.Figure:
    """Distance to the minimum per step (log axis): measured (solid) and the predicted d₀ρᵗ (dashed)."""
    fig = go.Figure()
    for n, path in paths(rec).items():
        if n not in rates:
            continue
        d = np.hypot(path[:, 0], path[:, 1])
        t = np.arange(len(d))
        fig.add_trace(go.Scatter(x=t, y=np.maximum(d, 1e-18), mode="lines", name=f"{OPTIMISERS[n]} measured",
                                 line=dict(color=COLOURS[n], width=2.5)))
        with np.errstate(over="ignore"):
            pred = d[0] * rates[n] ** t
        fig.add_trace(go.Scatter(x=t, y=np.where(pred < 1e30, np.maximum(pred, 1e-18), np.nan), mode="lines",
                                 name=f"{OPTIMISERS[n]} predicted ρᵗ",
                                 line=dict(color=COLOURS[n], width=2, dash="dash")))
    fig.update_yaxes(type="log", exponentformat="power", title="distance to the minimum ‖w − w*‖")
    fig.update_xaxes(title="step")
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=30, b=10), legend=dict(orientation="h", y=-0.25))
    return fig


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


# ------------------------------------------------------------------ sentences and small figures for the tabs
def theory_facts(kappa: float) -> str:
    """The quadratic's numbers in one Markdown line: curvatures, stability limit, best settings and rates."""
    (lmax, lmin), best = eigenvalues(kappa), optimal(kappa)
    return (f"λ_max = **{lmax:g}**, λ_min = **{lmin:.3g}**, κ = **{kappa:g}** · largest stable SGD step "
            f"2/λ_max = **{2 / lmax:.3g}** · best SGD: η = 2/(λ_max + λ_min) = **{best['gd_lr']:.3g}**, "
            f"rate (κ − 1)/(κ + 1) = **{best['gd_rate']:.3f}** · best momentum: η = **{best['hb_lr']:.3g}**, "
            f"μ = **{best['hb_mu']:.3f}**, rate (√κ − 1)/(√κ + 1) = **{best['hb_rate']:.3f}**")


def theory_table(rec: Recording, hps: dict[str, tuple], kappa: float, names: list[str]) -> list[dict[str, Any]]:
    """Per linear optimiser in the race: settings, stability limit, predicted and measured rates."""
    rows, ps = [], paths(rec)
    for n in names:
        hp = dict(hps[n])
        lr, mu = hp["lr"], hp.get("momentum", 0.0)
        pred, meas = predicted_rate(n, lr, mu, kappa), measured_rate(np.hypot(ps[n][:, 0], ps[n][:, 1]))
        rows.append({"name": n, "optimiser": OPTIMISERS[n], "η": lr, "μ": mu,
                     "largest stable η": stable_lr(n, mu, kappa), "predicted ρ": pred, "measured ρ": meas,
                     "difference": meas / pred - 1 if pred > 0 and math.isfinite(meas) else math.nan})
    return rows


def theory_rows_table(rows: list[dict[str, Any]]) -> "pd.DataFrame":
    """The theory rows as a display table (rates to 4 decimals, the gap in %)."""
    import pandas as pd

    return pd.DataFrame([{"optimiser": r["optimiser"], "η": f"{r['η']:.4g}", "μ": f"{r['μ']:g}",
                          "largest stable η": f"{r['largest stable η']:.4g}",
                          "predicted ρ": f"{r['predicted ρ']:.4f}", "measured ρ": f"{r['measured ρ']:.4f}",
                          "difference": f"{r['difference']:+.2%}" if math.isfinite(r["difference"]) else "—"}
                         for r in rows])


def theory_sentence(rows: list[dict[str, Any]]) -> str:
    text = "; ".join(f"{r['optimiser']}: predicted ρ = {r['predicted ρ']:.4f} per step, " +
                     (f"measured {r['measured ρ']:.4f} ({abs(r['difference']):.1%} apart)"
                      if math.isfinite(r["difference"]) else "at the minimum too fast to measure a rate")
                     for r in rows)
    unstable = [r["optimiser"] for r in rows if r["predicted ρ"] > 1]
    return text + (f". ρ > 1 for {', '.join(unstable)}: the distance grows by that factor every step." if unstable
                   else ". Dashed: the distance at the start times ρᵗ.")


def sensitivity_sentence(sweeps: dict[str, dict[str, np.ndarray]], tol: float) -> str:
    parts = []
    for n, sw in sweeps.items():
        span = working_decades(sw)
        parts.append(f"{OPTIMISERS[n]} none" if span is None else
                     f"{OPTIMISERS[n]} {10 ** span[1]:.2g} to {10 ** span[2]:.2g} ({span[0]:.2f} decades)")
    return (f"Learning rates that reached f − f* ≤ {pow10(tol)} within the race (grid step 0.25 decade): "
            + "; ".join(parts) + ".")


def bias_sentence(sizes: dict[str, np.ndarray], lr: float, betas: tuple[float, float]) -> str:
    first = {g: adam_step_sizes(lr, betas, 1, g)["adam"][0] / lr for g in (1e-3, 1.0, 1e3)}
    u = sizes["uncorrected"] / lr
    peak = int(sizes["step"][u.argmax()])
    return (f"torch.optim.Adam's first step is {first[1e-3]:.4f} η, {first[1.0]:.4f} η and {first[1e3]:.4f} η for "
            f"gradients of size 10⁻³, 1 and 10³: bias correction makes it ≈ η whatever the gradient's scale. "
            f"Without it the first step is (1 − β₁)/√(1 − β₂) = {u[0]:.2f} η and the largest "
            f"{u.max():.2f} η (step {peak}).")


def pow10(x: float) -> str:
    """10 to an integer power, typeset: 1e-6 -> '10⁻⁶'."""
    return "10" + str(round(math.log10(x))).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))
