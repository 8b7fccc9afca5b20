"""The update rules: SGD, heavy-ball momentum (Polyak 1964), Nesterov (1983; Sutskever et al. 2013),
Adagrad (Duchi et al. 2011), RMSprop (Hinton 2012), Adam (Kingma & Ba 2015) and AdamW (Loshchilov &
Hutter 2019), written out by hand (`update`, held equal to torch.optim step by step in the tests) and
stepped as the real torch.optim classes on a 2-D surface (`make_stepper`).
"""
from __future__ import annotations

from typing import Any, Callable, Mapping

import numpy as np
import torch

from demos.optimisers.surfaces import gradients, noisy_data, surface

OPTIMISERS = {"sgd": "SGD", "momentum": "Momentum", "nesterov": "Nesterov", "adagrad": "Adagrad",
              "rmsprop": "RMSprop", "adam": "Adam", "adamw": "AdamW"}  # name -> title
RACING_BY_DEFAULT = ("sgd", "momentum", "adam")  # three paths read on a contour; the others are a toggle away
COLOURS = dict(zip(OPTIMISERS, ("#000000", "#E69F00", "#D55E00", "#009E73", "#CC79A7", "#0072B2", "#56B4E9")))
LR_LOG_RANGE = (-5.0, 1.0)  # learning-rate sliders move log10(lr)
BLOW_UP = 1e6  # |w| beyond this (or a non-finite loss) counts as diverged; that runner stops

Runners = tuple[tuple[str, tuple[tuple[str, Any], ...]], ...]  # ((optimiser name, torch kwargs as pairs), ...)


def settings(name: str, values: Mapping[str, float]) -> dict[str, Any]:
    """torch.optim keyword arguments of optimiser `name` from the page's control values."""
    lr = 10 ** values[{"sgd": "lr_sgd", "momentum": "lr_mom", "nesterov": "lr_nag", "adagrad": "lr_ada",
                       "rmsprop": "lr_rms", "adam": "lr_adam", "adamw": "lr_adamw"}[name]]
    betas = (values["b1_adam"], values["b2_adam"])
    return {"sgd": {"lr": lr}, "momentum": {"lr": lr, "momentum": values["mu_mom"]},
            "nesterov": {"lr": lr, "momentum": values["mu_nag"], "nesterov": True}, "adagrad": {"lr": lr},
            "rmsprop": {"lr": lr, "alpha": values["alpha_rms"]}, "adam": {"lr": lr, "betas": betas},
            "adamw": {"lr": lr, "betas": betas, "weight_decay": values["wd_adamw"]}}[name]


def runners(on: Mapping[str, bool], values: Mapping[str, float]) -> Runners:
    """The race's entrants in OPTIMISERS order: each switched-on optimiser with its torch.optim settings
    (from the control `values`), as hashable pairs. With every optimiser off, SGD races alone."""
    names = [n for n in OPTIMISERS if on.get(n)] or ["sgd"]
    return tuple((n, tuple(sorted(settings(n, values).items()))) for n in names)


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


# ------------------------------------------------------------------ the real torch.optim, stepped
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
            into[:] = gradients(s, data, at, rows)
        else:
            into[:] = np.where(alive[:, None], gradients(s, data, np.where(alive[:, None], at, 0.0), rows), 0.0)
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
