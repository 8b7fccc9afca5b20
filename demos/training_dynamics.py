"""Gradient descent in practice, on real digits and small problems: batch size (iterations per epoch,
equal epochs vs equal updates, gradient noise falling as 1/B), learning-rate schedules
(torch.optim.lr_scheduler) and the LR range test (Smith 2017), why saddles outnumber minima in high
dimensions (Dauphin et al. 2014), and feature scaling. The optimisers raced on 2-D surfaces are
`demos.optimisers`.
"""
from __future__ import annotations

import math
import time
from typing import Any, Callable

import numpy as np
import plotly.graph_objects as go
import torch

from demos.optimisers import pow10
from demos.plots import OKABE_ITO


# ------------------------------------------------------------------ batch size on real digits
FULL = 0  # stands for "the whole training set" in batch-size tuples
EVALS = 20  # validation points per batch-size run


def tiny_mlp(seed: int) -> torch.nn.Module:
    """The project's MLP architecture cut down to 784 → 32 → 10 (25,450 weights), seeded init."""
    from models.mnist_mlp import MnistMlp, MnistMlpConfig

    torch.manual_seed(seed)
    return MnistMlp(MnistMlpConfig(hidden=32, depth=1, dropout=0.0))


def iterations_per_epoch(n: int, batch: int, drop_last: bool = False) -> int:
    """⌈N/B⌉ updates per pass over N examples (⌊N/B⌋ when the short last batch is dropped)."""
    return n // batch if drop_last else -(-n // batch)


def _evaluate(model: torch.nn.Module, images: torch.Tensor, labels: torch.Tensor) -> tuple[float, float]:
    with torch.no_grad():
        logits = model(images)
    return float(torch.nn.functional.cross_entropy(logits, labels)), float((logits.argmax(1) == labels).float().mean())


def _train(batch: int, lr: float, seed: int, data: tuple, until: Callable[[int, float], bool],
           every: Callable[[int, float], bool], on_tick: Callable[[int, float], None]) -> dict[str, Any]:
    """Plain SGD on the fit digits with batch size `batch` (FULL: all), shuffled each epoch (seeded),
    until `until(updates, train seconds)`; validation loss/accuracy logged whenever `every(...)` says,
    with evaluation time left out of the clock."""
    fit_x, fit_y, val_x, val_y = data
    n, b = len(fit_y), batch or len(fit_y)
    model = tiny_mlp(seed)
    sgd = torch.optim.SGD(model.parameters(), lr=lr)
    gen = torch.Generator().manual_seed(seed)
    log = {k: [] for k in ("updates", "epochs", "seconds", "val_loss", "val_acc")}
    updates, seconds, seen = 0, 0.0, 0

    def write(updates: int, seconds: float) -> None:
        loss, acc = _evaluate(model, val_x, val_y)
        for k, v in zip(log, (updates, seen / n, seconds, loss, acc)):
            log[k].append(v)

    write(0, 0.0)
    while not until(updates, seconds):
        order = torch.randperm(n, generator=gen)
        for lo in range(0, n, b):
            rows = order[lo:lo + b]
            t0 = time.perf_counter()
            sgd.zero_grad(set_to_none=True)
            torch.nn.functional.cross_entropy(model(fit_x[rows]), fit_y[rows]).backward()
            sgd.step()
            seconds += time.perf_counter() - t0
            updates, seen = updates + 1, seen + len(rows)
            on_tick(updates, seconds)
            if every(updates, seconds):
                write(updates, seconds)
            if until(updates, seconds):
                break
    if log["updates"][-1] != updates:
        write(updates, seconds)
    return {k: np.array(v) for k, v in log.items()} | {"batch": b, "per_epoch": iterations_per_epoch(n, b)}


def batch_size_experiment(epochs: int, lr: float, seed: int, batch_sizes: tuple[int, ...] = (1, 32, FULL),
                          max_seconds: float = 1.5, on_progress: Callable[[float], None] | None = None) -> dict:
    """The same MLP (same init, same shuffles) trained with plain SGD at each batch size, first for
    `epochs` passes over the 3,500 fit digits (equal epochs), then each for the wall-clock time the
    first batch size needed (capped at `max_seconds`: equal wall-clock; uncapped, the first one's run is
    reused). Validation on the 500 validation digits (models.data.validation_split), never the held-out
    test digits."""
    from models.data import validation_split

    data = validation_split()
    n = len(data[1])
    runs = len(batch_sizes) * 2
    out: dict[str, Any] = {"n": n, "epochs": epochs, "lr": lr, "equal_epochs": [], "equal_time": []}
    tick = (lambda r, f: on_progress(min((r + f) / runs, 1.0))) if on_progress else (lambda r, f: None)
    for r, b in enumerate(batch_sizes):
        total = epochs * iterations_per_epoch(n, b or n)
        out["equal_epochs"].append(_train(b, lr, seed, data, lambda u, s: u >= total,
                                          lambda u, s, k=max(1, total // EVALS): u % k == 0,
                                          lambda u, s, r=r, total=total: tick(r, u / total) if u % 50 == 0 else None))
    needed = out["equal_epochs"][0]["seconds"][-1]
    budget = out["budget"] = min(needed, max_seconds)
    out["capped"] = needed > max_seconds
    for r, b in enumerate(batch_sizes, start=len(batch_sizes)):
        if r == len(batch_sizes) and not out["capped"]:  # the first batch size's run set the budget: reuse it
            out["equal_time"].append(out["equal_epochs"][0])
            continue
        marks = iter(np.linspace(0, budget, EVALS + 1)[1:])
        nxt = [next(marks)]

        def every(u: float, s: float, nxt=nxt, marks=marks) -> bool:
            if s >= nxt[0]:
                nxt[0] = next(marks, math.inf)
                return True
            return False
        out["equal_time"].append(_train(b, lr, seed, data, lambda u, s: s >= budget, every,
                                        lambda u, s, r=r: tick(r, s / budget) if u % 50 == 0 else None))
    return out


def per_example_sq_norms(model: torch.nn.Module, images: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """‖∇ℓᵢ‖² of every example's loss for the one-hidden-layer `tiny_mlp`, exactly and without forming
    per-example gradients: a linear layer's gradient for one example is δᵢaᵢᵀ (plus δᵢ for its bias),
    whose squared norm is ‖δᵢ‖²(‖aᵢ‖² + 1), δᵢ = ∂ℓᵢ/∂(layer output), aᵢ its input
    (Goodfellow 2015)."""
    from models.mnist_cnn import MNIST_MEAN, MNIST_STD

    hidden, out = model.net[1], model.net[4]
    a0 = ((images - MNIST_MEAN) / MNIST_STD).flatten(1)  # (N, 784), what the first layer sees
    z1 = hidden(a0)  # (N, h)
    a1 = torch.relu(z1)
    z2 = out(a1)  # (N, 10)
    d1, d2 = torch.autograd.grad(torch.nn.functional.cross_entropy(z2, labels, reduction="sum"), (z1, z2))
    return (d1.pow(2).sum(1) * (a0.pow(2).sum(1) + 1) + d2.pow(2).sum(1) * (a1.pow(2).sum(1) + 1)).detach()


def gradient_noise(seed: int, batch_sizes: tuple[int, ...] = (1, 4, 16, 64, 256, 1024), draws: int = 48,
                   on_progress: Callable[[float], None] | None = None) -> dict[str, Any]:
    """How far a mini-batch gradient g_B strays from the full gradient g at the MLP's seeded start, on
    the 3,500 fit digits: measured E‖g_B − g‖² over `draws` random batches (without replacement) per
    size, beside the theory σ²/B · (N − B)/(N − 1), σ² = mean ‖gᵢ‖² − ‖g‖² from exact per-example
    norms."""
    from models.data import validation_split

    x, y = validation_split()[:2]
    n, model = len(y), tiny_mlp(seed)
    params = list(model.parameters())

    def gradient(rows: torch.Tensor | slice) -> torch.Tensor:
        loss = torch.nn.functional.cross_entropy(model(x[rows]), y[rows])
        return torch.cat([g.flatten() for g in torch.autograd.grad(loss, params)])

    full = gradient(slice(None))
    sigma2 = float(per_example_sq_norms(model, x, y).mean()) - float(full.pow(2).sum())
    gen = torch.Generator().manual_seed(seed)
    measured = []
    for i, b in enumerate(batch_sizes):
        measured.append(float(np.mean([float((gradient(torch.randperm(n, generator=gen)[:b]) - full).pow(2).sum())
                                       for _ in range(draws)])))
        if on_progress:
            on_progress((i + 1) / len(batch_sizes))
    sizes = np.array(batch_sizes, dtype=float)
    return {"batch": sizes, "measured": np.array(measured), "theory": sigma2 / sizes * (n - sizes) / (n - 1),
            "sigma2": sigma2, "n": n}


# ------------------------------------------------------------------ learning-rate schedules
SCHEDULES = {"constant": "Constant", "step": "Step (÷10 at ⅓ and ⅔)", "exponential": "Exponential (to 1 %)",
             "cosine": "Cosine", "warmup_cosine": "Warm-up 10 % + cosine", "onecycle": "One-cycle"}


def scheduler(name: str, optimiser: torch.optim.Optimizer, total: int) -> torch.optim.lr_scheduler.LRScheduler:
    """The torch.optim.lr_scheduler behind `name`, for a run of `total` steps (stepped once per step)."""
    L = torch.optim.lr_scheduler
    if name == "constant":
        return L.LambdaLR(optimiser, lambda t: 1.0)
    if name == "step":
        return L.StepLR(optimiser, step_size=-(-total // 3), gamma=0.1)
    if name == "exponential":
        return L.ExponentialLR(optimiser, gamma=0.01 ** (1 / total))
    if name == "cosine":
        return L.CosineAnnealingLR(optimiser, T_max=total)
    if name == "warmup_cosine":
        warm = max(1, total // 10)
        return L.SequentialLR(optimiser, [L.LinearLR(optimiser, start_factor=0.01, total_iters=warm),
                                          L.CosineAnnealingLR(optimiser, T_max=total - warm)], milestones=[warm])
    if name == "onecycle":
        return L.OneCycleLR(optimiser, max_lr=optimiser.param_groups[0]["lr"], total_steps=total)
    raise ValueError(f"unknown schedule {name!r}")


def schedule_lrs(name: str, lr: float, total: int) -> np.ndarray:
    """The learning rate torch uses at steps 0..total − 1 (read from the scheduler, SGD momentum 0.9)."""
    sgd = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=lr, momentum=0.9)
    sched = scheduler(name, sgd, total)
    lrs = []
    for _ in range(total):
        lrs.append(sgd.param_groups[0]["lr"])
        sgd.step()
        sched.step()
    return np.array(lrs)


def schedule_formula(name: str, lr: float, t: int, total: int) -> float:
    """The same schedules written out (t = 0..total − 1, T = total):
    step  η·0.1^⌊t/⌈T/3⌉⌋      exponential  η·0.01^(t/T)      cosine  η(1 + cos(πt/T))/2
    warm-up (W = T/10)  η(0.01 + 0.99 t/W) for t < W, then cosine over the remaining T − W steps
    one-cycle  cosine from η/25 up to η over the first 30 %, then down to η/25/10⁴ (Smith & Topin 2019)"""
    cos = lambda a, b, p: b + (a - b) * (1 + math.cos(math.pi * p)) / 2  # a → b as p goes 0 → 1
    if name == "constant":
        return lr
    if name == "step":
        return lr * 0.1 ** (t // -(-total // 3))
    if name == "exponential":
        return lr * 0.01 ** (t / total)
    if name == "cosine":
        return cos(lr, 0.0, t / total)
    if name == "warmup_cosine":
        warm = max(1, total // 10)
        return lr * (0.01 + 0.99 * t / warm) if t < warm else cos(lr, 0.0, (t - warm) / (total - warm))
    if name == "onecycle":
        peak = 0.3 * total - 1
        if t <= peak:
            return cos(lr / 25, lr, t / peak)
        return cos(lr, lr / 25 / 1e4, (t - peak) / (total - 1 - peak))
    raise ValueError(f"unknown schedule {name!r}")


def schedules_for_run(lr: float, epochs: int, n: int = 3500, batch: int = 32) -> dict[str, np.ndarray]:
    """Every schedule's learning rate per step (torch's values) over `epochs` epochs of ⌈n/batch⌉ steps."""
    total = epochs * iterations_per_epoch(n, batch)
    return {SCHEDULES[k]: schedule_lrs(k, lr, total) for k in SCHEDULES}


def schedules_sentence(lrs: dict[str, np.ndarray], epochs: int, lr: float) -> str:
    total = len(next(iter(lrs.values())))
    return (f"Six schedules over the same {total} steps ({_count(epochs, 'epoch')} of {total // epochs} batches), "
            f"each starting from or peaking at η = {lr:.3g}; the last step's rates: "
            + ", ".join(f"{k} {v[-1]:.2g}" for k, v in lrs.items()) + ".")


def schedule_experiment(lr: float, epochs: int, seed: int, batch: int = 32,
                        on_progress: Callable[[float], None] | None = None) -> dict[str, dict[str, np.ndarray]]:
    """The same run (tiny MLP, same init and shuffles, SGD momentum 0.9, batch 32) under every schedule:
    lr and training loss per step, validation loss/accuracy after every epoch."""
    from models.data import validation_split

    fit_x, fit_y, val_x, val_y = validation_split()
    n = len(fit_y)
    total = epochs * iterations_per_epoch(n, batch)
    out = {}
    for k, name in enumerate(SCHEDULES):
        model = tiny_mlp(seed)
        sgd = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
        sched = scheduler(name, sgd, total)
        gen = torch.Generator().manual_seed(seed)
        lrs, losses, val = [], [], []
        for epoch in range(epochs):
            order = torch.randperm(n, generator=gen)
            for lo in range(0, n, batch):
                rows = order[lo:lo + batch]
                lrs.append(sgd.param_groups[0]["lr"])
                sgd.zero_grad(set_to_none=True)
                loss = torch.nn.functional.cross_entropy(model(fit_x[rows]), fit_y[rows])
                loss.backward()
                sgd.step()
                sched.step()
                losses.append(loss.item())
            val.append(_evaluate(model, val_x, val_y))
            if on_progress:
                on_progress((k + (epoch + 1) / epochs) / len(SCHEDULES))
        out[name] = {"lr": np.array(lrs), "loss": np.array(losses), "val_loss": np.array([v[0] for v in val]),
                     "val_acc": np.array([v[1] for v in val])}
    return out


def lr_range_test(seed: int, lo: float = 1e-4, hi: float = 10.0, steps: int = 200, batch: int = 32,
                  on_progress: Callable[[float], None] | None = None) -> dict[str, Any]:
    """LR range test (Smith 2017): SGD (momentum 0.9) with the learning rate growing geometrically from
    `lo` to `hi`, one step each; the bias-corrected running mean of the loss (β = 0.98) is tracked
    until it exceeds 4× its best. Suggestion: the lr where the smoothed loss falls fastest per log lr."""
    from models.data import validation_split

    fit_x, fit_y = validation_split()[:2]
    model = tiny_mlp(seed)
    sgd = torch.optim.SGD(model.parameters(), lr=lo, momentum=0.9)
    gen = torch.Generator().manual_seed(seed)
    factor = (hi / lo) ** (1 / (steps - 1))
    lrs, raw, smooth, avg, best = [], [], [], 0.0, math.inf
    order = torch.randperm(len(fit_y), generator=gen)
    for i in range(steps):
        rows = order[(i * batch) % len(order):][:batch]
        lr = lo * factor ** i
        for g in sgd.param_groups:
            g["lr"] = lr
        sgd.zero_grad(set_to_none=True)
        loss = torch.nn.functional.cross_entropy(model(fit_x[rows]), fit_y[rows])
        loss.backward()
        sgd.step()
        avg = 0.98 * avg + 0.02 * loss.item()
        s = avg / (1 - 0.98 ** (i + 1))
        lrs.append(lr), raw.append(loss.item()), smooth.append(s)
        best = min(best, s)
        if on_progress:
            on_progress((i + 1) / steps)
        if s > 4 * best or not math.isfinite(s):
            break
    lrs, smooth = np.array(lrs), np.array(smooth)
    slope = np.gradient(smooth, np.log10(lrs))
    end = int(np.argmin(smooth))
    pick = int(np.argmin(slope[:end])) if end > 2 else 0
    return {"lr": lrs, "loss": np.array(raw), "smooth": smooth, "suggested": float(lrs[pick]),
            "min_loss_lr": float(lrs[end])}


# ------------------------------------------------------------------ saddles in high dimensions
def minima_fraction(dims: tuple[int, ...] = tuple(range(1, 9)), samples: int = 20000,
                    seed: int = 0) -> dict[str, np.ndarray]:
    """At a random critical point, is the Hessian positive definite? Hessians drawn from the Gaussian
    orthogonal ensemble (H = (A + Aᵀ)/√2, A ~ N(0, 1)): the share with every eigenvalue > 0 (a minimum)
    and the mean share of negative eigenvalues (the index). Dauphin et al. 2014's argument in numbers."""
    gen = torch.Generator().manual_seed(seed)
    share, index = [], []
    for n in dims:
        a = torch.randn(samples, n, n, generator=gen, dtype=torch.float64)
        lam = torch.linalg.eigvalsh((a + a.transpose(1, 2)) / math.sqrt(2))
        share.append(float((lam > 0).all(1).double().mean()))
        index.append(float((lam < 0).double().mean()))
    return {"dims": np.array(dims), "minima": np.array(share), "index": np.array(index), "samples": samples}


# ------------------------------------------------------------------ feature scaling
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

def _count(k: int, noun: str) -> str:
    return f"{k:,} {noun}{'s' * (k != 1)}"


def iterations_text(run: dict[str, Any]) -> str:
    n, e = run["n"], run["epochs"]
    lines = [f"**Iterations per epoch = ⌈N/B⌉** with N = {n:,} fit digits:"]
    for r in run["equal_epochs"]:
        b, k = r["batch"], r["per_epoch"]
        tail = n - (k - 1) * b
        extra = (f" ({k - 1} full batches and a last one of {tail}; with `drop_last=True` "
                 f"{iterations_per_epoch(n, b, True)})" if tail != b else "")
        lines.append(f"- B = {b:,}: ⌈{n:,}/{b:,}⌉ = **{k:,}** update{'s' * (k != 1)} per epoch{extra}, so "
                     f"{k * e:,} in {_count(e, 'epoch')}")
    return "\n".join(lines)


def batch_figure(run: dict[str, Any], kind: str, height: int = 340) -> go.Figure:
    """Validation loss against epochs (equal epochs) or training seconds (equal wall-clock)."""
    fig = go.Figure()
    x_key = "epochs" if kind == "equal_epochs" else "seconds"
    for i, r in enumerate(run[kind]):
        fig.add_trace(go.Scatter(x=r[x_key], y=r["val_loss"], mode="lines+markers", name=f"B = {r['batch']:,}",
                                 line=dict(color=OKABE_ITO[i], width=2.5), marker=dict(size=5, symbol=i)))
    title = (f"Equal epochs: {run['epochs']} pass{'es' * (run['epochs'] > 1)} each" if kind == "equal_epochs" else
             f"Equal wall-clock: {run['budget']:.2f} s of training each")
    fig.update_xaxes(title="epochs (passes over the data)" if kind == "equal_epochs" else "training seconds")
    fig.update_yaxes(title="validation loss")
    fig.update_layout(title=title, height=height, margin=dict(l=10, r=10, t=40, b=10),
                      legend=dict(orientation="h", y=-0.25))
    return fig


def batch_sentence(run: dict[str, Any], kind: str) -> str:
    parts = [f"B = {r['batch']:,}: {_count(int(r['updates'][-1]), 'update')}"
             + (f" in {r['seconds'][-1]:.2f} s" if kind == "equal_epochs" else f" ({r['epochs'][-1]:.2f} epochs)")
             + f", {r['val_acc'][-1]:.1%} validation accuracy" for r in run[kind]]
    best = max(run[kind], key=lambda r: r["val_acc"][-1])
    first = run["equal_epochs"][0]
    why = (f"B = {first['batch']:,} needed {first['seconds'][-1]:.2f} s; capped" if run["capped"] else
           f"what B = {first['batch']:,} needed")
    lead = (f"After {_count(run['epochs'], 'epoch')}" if kind == "equal_epochs" else
            f"In {run['budget']:.2f} s of training each ({why}, timed on this server)")
    return f"{lead}: " + "; ".join(parts) + f". Best: B = {best['batch']:,}."


def noise_figure(noise: dict[str, Any], height: int = 340) -> go.Figure:
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=noise["batch"], y=noise["theory"], mode="lines", name="σ²/B · (N − B)/(N − 1)",
                             line=dict(color=OKABE_ITO[0], width=2, dash="dash")))
    fig.add_trace(go.Scatter(x=noise["batch"], y=noise["measured"], mode="markers", name="measured E‖g_B − g‖²",
                             marker=dict(color=OKABE_ITO[3], size=11, symbol="diamond")))
    fig.update_xaxes(type="log", title="batch size B")
    fig.update_yaxes(type="log", exponentformat="power", title="mean squared error of the gradient")
    fig.update_layout(title="Gradient noise vs batch size (MLP at its start, 3,500 digits)", height=height,
                      margin=dict(l=10, r=10, t=40, b=10), legend=dict(orientation="h", y=-0.25))
    return fig


def noise_sentence(noise: dict[str, Any]) -> str:
    m, t, b = noise["measured"], noise["theory"], noise["batch"]
    worst = float(np.max(np.abs(m / t - 1)))
    return (f"From B = {b[0]:.0f} to B = {b[-1]:,.0f} the mean squared gradient error fell {m[0] / m[-1]:,.0f}× "
            f"({m[0]:.3g} → {m[-1]:.3g}); 1/B alone predicts {b[-1] / b[0]:,.0f}×, the finite-population factor "
            f"(N − B)/(N − 1) the rest. Every measured point is within {worst:.0%} of the formula.")


def scaling_sentence(run: dict[str, Any], case: str, tol: float) -> str:
    lmax, lmin = run["lambda"]
    done = (f"reached f − f* ≤ {pow10(tol)} in {_count(run['steps'], 'step')}" if run["steps"] else
            f"had not reached f − f* ≤ {pow10(tol)} after {len(run['path']) - 1:,} steps")
    return (f"{case.capitalize()}: Hessian eigenvalues {lmax:.3g} and {lmin:.3g} (κ = {run['kappa']:,.1f}); with "
            f"the step η = 1/λ_max = {run['lr']:.3g} gradient descent {done} (theory: ≈ {run['predicted']:,}).")


def schedule_figure(runs: dict[str, dict[str, np.ndarray]], height: int = 360) -> go.Figure:
    """Training loss per step (running mean over 20 steps) under each schedule."""
    fig = go.Figure()
    for i, (k, r) in enumerate(runs.items()):
        smooth = np.convolve(r["loss"], np.ones(20) / 20, mode="valid")
        fig.add_trace(go.Scatter(x=np.arange(19, len(r["loss"])), y=smooth, mode="lines", name=SCHEDULES[k],
                                 line=dict(color=OKABE_ITO[i % 8], width=2)))
    fig.update_xaxes(title="step")
    fig.update_yaxes(title="training loss (mean of 20 steps)", type="log")
    fig.update_layout(title="The same run under each schedule", height=height, margin=dict(l=10, r=10, t=40, b=10),
                      legend=dict(orientation="h", y=-0.25))
    return fig


def schedule_sentence(runs: dict[str, dict[str, np.ndarray]]) -> str:
    ranked = sorted(runs, key=lambda k: -runs[k]["val_acc"][-1])
    return (f"Validation accuracy after {len(runs[ranked[0]]['val_acc'])} epochs (500 validation digits): "
            + ", ".join(f"{SCHEDULES[k]} {runs[k]['val_acc'][-1]:.1%}" for k in ranked) + ".")


def range_figure(test: dict[str, Any], height: int = 340) -> go.Figure:
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=test["lr"], y=test["loss"], mode="lines", name="loss per batch",
                             line=dict(color="gray", width=1), opacity=0.5))
    fig.add_trace(go.Scatter(x=test["lr"], y=test["smooth"], mode="lines", name="smoothed",
                             line=dict(color=OKABE_ITO[0], width=3)))
    fig.add_vline(x=test["suggested"], line_dash="dash", line_color=OKABE_ITO[3],
                  annotation_text=f"steepest fall {test['suggested']:.2g}")
    fig.update_xaxes(type="log", title="learning rate (grows every step)", exponentformat="power")
    fig.update_yaxes(title="training loss", range=[0, 1.5 * float(test["smooth"][0])])  # the blow-up runs off the top
    fig.update_layout(title="LR range test (Smith 2017)", height=height, margin=dict(l=10, r=10, t=40, b=10),
                      legend=dict(orientation="h", y=-0.25))
    return fig


def range_sentence(test: dict[str, Any]) -> str:
    return (f"Over {len(test['lr'])} steps with a growing learning rate the smoothed loss fell fastest at "
            f"η ≈ {test['suggested']:.2g} and was lowest at η ≈ {test['min_loss_lr']:.2g} before it blew up; a "
            f"good fixed rate sits near the steepest fall, a good one-cycle peak a little below the lowest point.")


def minima_figure(fr: dict[str, np.ndarray], height: int = 330) -> go.Figure:
    seen = fr["minima"] > 0
    fig = go.Figure(go.Scatter(x=fr["dims"][seen], y=fr["minima"][seen], mode="lines+markers", name="minima",
                               line=dict(color=OKABE_ITO[0], width=3), marker=dict(size=9)))
    if (~seen).any():
        fig.add_trace(go.Scatter(x=fr["dims"][~seen], y=np.full((~seen).sum(), 1 / fr["samples"]), mode="markers",
                                 name=f"none in {fr['samples']:,}", marker=dict(symbol="triangle-down", size=11,
                                                                                 color=OKABE_ITO[3])))
    fig.update_xaxes(title="dimensions n", dtick=1)
    fig.update_yaxes(type="log", exponentformat="power", title="share of critical points that are minima")
    fig.update_layout(title="Random critical points: minima or saddles?", height=height,
                      margin=dict(l=10, r=10, t=40, b=10), legend=dict(orientation="h", y=-0.25))
    return fig


def minima_sentence(fr: dict[str, np.ndarray]) -> str:
    shares = ", ".join(f"{v:.2%} in {d}-D" for d, v in zip(fr["dims"], fr["minima"]) if v > 0)
    none = [int(d) for d, v in zip(fr["dims"], fr["minima"]) if v == 0]
    return (f"Of {fr['samples']:,} random symmetric Hessians per size, the positive-definite ones (minima) were "
            f"{shares}" + (f", and none from {none[0]}-D on" if none else "") + f"; on average "
            f"{fr['index'].mean():.0%} of the eigenvalues were negative: almost every critical point is a saddle.")
