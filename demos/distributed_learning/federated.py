"""Federated averaging (McMahan et al. 2017) and FedProx (Li et al. 2020) on the digits: the fit
digits are dealt to clients by a Dirichlet(α) draw per class (small α: each client sees few classes);
every round each client starts from the global model, trains E local epochs on its own digits only,
and the server averages the models weighted by client size. Centralised SGD on the pooled digits with
the same number of passes is the reference."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

import numpy as np
import plotly.graph_objects as go
import torch

from demos.distributed_learning import common
from demos.plots import OKABE_ITO, layout

ALPHAS = ("0.1", "1", "100")  # Dirichlet concentrations offered (recorded for each)
CLIENTS = ("5", "10")
LOCAL_EPOCHS = ("1", "3")
ROUNDS = 20
SEEDS = (0, 1, 2)  # the recorded seeds
LR, BATCH, MU = 0.1, 64, 0.1  # local SGD; FedProx's proximal weight μ
METHODS = ("FedAvg", "FedProx", "Centralised")
RESULTS = Path(__file__).resolve().parents[2] / "models" / "results" / "distributed_learning_federated.json"


def dirichlet_split(labels: np.ndarray, clients: int, alpha: float, seed: int) -> list[np.ndarray]:
    """Indices of each client's digits: for every class c, q ~ Dirichlet(α·1) over clients and the
    class's (shuffled) digits are cut in those proportions. α → ∞: every client gets every class in
    equal shares (IID); α → 0: each class goes to one client."""
    rng = np.random.default_rng(seed)
    parts: list[list[int]] = [[] for _ in range(clients)]
    for c in np.unique(labels):
        rows = rng.permutation(np.flatnonzero(labels == c))
        q = rng.dirichlet(np.full(clients, alpha))
        cuts = (np.cumsum(q)[:-1] * len(rows)).round().astype(int)
        for k, chunk in enumerate(np.split(rows, cuts)):
            parts[k].extend(chunk.tolist())
    return [np.sort(np.array(p, dtype=np.int64)) for p in parts]


def local_sgd(params: list[torch.Tensor], x: torch.Tensor, y: torch.Tensor, epochs: int, lr: float,
              batch: int, mu: float, g: torch.Generator) -> list[torch.Tensor]:
    """E epochs of mini-batch SGD from `params`; with μ > 0 the FedProx term (μ/2)‖w − w_global‖²
    pulls the local model towards where it started."""
    start = [p.clone() for p in params]
    params = [p.clone() for p in params]
    for _ in range(epochs):
        order = torch.randperm(len(y), generator=g)
        for i in range(0, len(y), batch):
            rows = order[i:i + batch]
            _, grads = common.loss_and_grads(params, x[rows], y[rows])
            params = [p - lr * (gr + mu * (p - s)) for p, gr, s in zip(params, grads, start)]
    return params


def run(method: str, clients: int, alpha: float, local_epochs: int, seed: int, rounds: int = ROUNDS,
        on_progress: Callable[..., None] | None = None) -> dict:
    """{"acc": validation accuracy of the global model after each round (index 0 = before training),
    "drift": mean ‖w_client − w_new global‖ after each round, "test": held-out accuracy at the end}."""
    data = common.digits()
    x, y = data["x_fit"], data["y_fit"]
    g = torch.Generator().manual_seed(seed)
    params = common.init_mlp(seed)
    acc, drift = [common.accuracy(params, data["x_val"], data["y_val"])], [0.0]
    parts = ([np.arange(len(y))] if method == "Centralised"
             else dirichlet_split(y.numpy(), clients, alpha, seed))
    mu = MU if method == "FedProx" else 0.0
    for r in range(rounds):
        local = [local_sgd(params, x[p], y[p], local_epochs, LR, BATCH, mu, g) if len(p) else params for p in parts]
        sizes = torch.tensor([len(p) for p in parts], dtype=torch.float32)
        weights = sizes / sizes.sum()
        params = [sum(w * m[i] for w, m in zip(weights, local)) for i in range(len(params))]
        drift.append(float(np.mean([float((common.flat(m) - common.flat(params)).norm()) for m, n in zip(local, sizes)
                                    if n > 0])))
        acc.append(common.accuracy(params, data["x_val"], data["y_val"]))
        if on_progress:
            on_progress((r + 1) / rounds, {"acc": list(acc), "drift": list(drift)})
    return {"acc": acc, "drift": drift, "test": common.accuracy(params, data["x_test"], data["y_test"])}


def compare(clients: int, alpha: float, local_epochs: int, seed: int,
            on_progress: Callable[..., None] | None = None) -> dict:
    """One seed of all three methods: {method: run(...)} (a live rerun; recorded seeds load instantly)."""
    out: dict = {}
    for i, m in enumerate(METHODS):
        step = (lambda f, part, i=i, m=m: on_progress((i + f) / len(METHODS), {**out, m: part})) if on_progress else None
        out[m] = run(m, clients, alpha, local_epochs, seed, on_progress=step)
    return out


def compare_seeds(clients: int, alpha: str, local_epochs: int,
                  on_progress: Callable[..., None] | None = None) -> dict:
    """{method: [run per recorded seed]}: the recorded experiment, recomputed live (streams what it has)."""
    out: dict = {m: [] for m in METHODS}
    jobs = [(m, s) for s in SEEDS for m in METHODS]
    for i, (m, s) in enumerate(jobs):
        out[m].append(run(m, clients, float(alpha), local_epochs, s))
        if on_progress:
            on_progress((i + 1) / len(jobs), {k: list(v) for k, v in out.items()})
    return out


def recorded(clients: int, alpha: str, local_epochs: int) -> dict | None:
    """{method: [run per recorded seed]} from train/distributed_learning.py --federated, or None."""
    if not RESULTS.exists():
        return None
    return json.loads(RESULTS.read_text())["runs"].get(f"{clients}|{alpha}|{local_epochs}")


def client_histogram(clients: int, alpha: float, seed: int, height: int = 260) -> go.Figure:
    """Stacked bars: how many digits of each class every client holds."""
    y = common.digits()["y_fit"].numpy()
    parts = dirichlet_split(y, clients, alpha, seed)
    counts = np.array([[int((y[p] == c).sum()) for p in parts] for c in range(10)])  # (10, clients)
    fig = go.Figure([go.Bar(x=[f"client {k + 1}" for k in range(clients)], y=counts[c], name=str(c),
                            marker_color=_class_colour(c)) for c in range(10)])
    fig.update_layout(barmode="stack", legend=dict(title="digit", orientation="v"))
    fig.update_yaxes(title="digits held")
    return layout(fig, None, height)


def _class_colour(c: int) -> str:
    extra = ("#999999", "#882255")
    return (OKABE_ITO + extra)[c]


def histogram_caption(clients: int, alpha: float, seed: int) -> str:
    y = common.digits()["y_fit"].numpy()
    parts = dirichlet_split(y, clients, alpha, seed)
    share = [np.bincount(y[p], minlength=10).max() / max(len(p), 1) for p in parts]
    return (f"With α = {alpha:g}, {clients} clients hold {min(map(len, parts))}–{max(map(len, parts))} digits each; "
            f"on average a client's most common digit is {np.mean(share):.0%} of its data (10% would be IID).")


def curves_figure(runs: dict, height: int = 360) -> go.Figure:
    """Validation accuracy per round: mean over seeds (line) and min–max band, per method."""
    fig = go.Figure()
    for i, m in enumerate(METHODS):
        if not runs.get(m):  # (a live rerun still on its way)
            continue
        a = np.array([r["acc"] for r in runs[m]])  # (seeds, rounds + 1)
        x = np.arange(a.shape[1])
        colour = OKABE_ITO[i]
        if len(a) > 1:
            fig.add_trace(go.Scatter(x=np.r_[x, x[::-1]], y=np.r_[a.max(0), a.min(0)[::-1]], fill="toself",
                                     line=dict(width=0), fillcolor=colour, opacity=0.2, showlegend=False,
                                     hoverinfo="skip"))
        fig.add_trace(go.Scatter(x=x, y=a.mean(0), name=f"{m} ({len(a)} seed{'s' * (len(a) > 1)})",
                                 line=dict(color=colour, width=3)))
    fig.update_xaxes(title="round (centralised: the same passes over the pooled digits)")
    fig.update_yaxes(title="validation accuracy", tickformat=".0%", range=[0, 1])
    fig.update_layout(legend=dict(orientation="h", y=-0.3))
    return layout(fig, None, height)


def curves_caption(runs: dict, alpha: float, local_epochs: int) -> str:
    final = {m: float(np.mean([r["acc"][-1] for r in runs[m]])) for m in METHODS}
    test = {m: float(np.mean([r["test"] for r in runs[m]])) for m in METHODS}
    gap = final["Centralised"] - final["FedAvg"]
    prox = final["FedProx"] - final["FedAvg"]
    return (f"After {len(runs['FedAvg'][0]['acc']) - 1} rounds with α = {alpha:g} and E = {local_epochs}: centralised "
            f"{final['Centralised']:.1%}, FedAvg {final['FedAvg']:.1%} ({gap:+.1%} behind), FedProx {final['FedProx']:.1%} "
            f"({prox:+.1%} vs FedAvg) on validation; held-out accuracy {test['Centralised']:.1%} / {test['FedAvg']:.1%} / "
            f"{test['FedProx']:.1%}.").replace("+-", "−").replace("(-", "(−")


def drift_figure(runs: dict, height: int = 280) -> go.Figure:
    fig = go.Figure()
    for i, m in enumerate(METHODS[:2]):
        d = np.array([r["drift"] for r in runs[m]]).mean(0)
        fig.add_trace(go.Scatter(x=np.arange(1, len(d)), y=d[1:], name=m, line=dict(color=OKABE_ITO[i], width=3)))
    fig.update_xaxes(title="round")
    fig.update_yaxes(title="mean ‖w_client − w_global‖")
    fig.update_layout(legend=dict(orientation="h", y=-0.35))
    return layout(fig, None, height)


def drift_caption(runs: dict) -> str:
    d = {m: float(np.mean([np.mean(r["drift"][1:]) for r in runs[m]])) for m in METHODS[:2]}
    less = "less" if d["FedProx"] < d["FedAvg"] else "no less"
    return (f"Client drift: after their local epochs, clients' models sit on average {d['FedAvg']:.2f} (FedAvg) and "
            f"{d['FedProx']:.2f} (FedProx, μ = {MU}) away from the average they are merged into: the proximal term "
            f"gives {less} drift here.")
