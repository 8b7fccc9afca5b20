"""Pool-based active learning on the digits: start from a few random labels, train, score every
unlabelled digit, ask the oracle for the labels of the top-scoring batch, retrain, repeat; against
random sampling with the same start. Scores (Settles 2009, "Active Learning Literature Survey"):
least confidence 1 − max p, margin −(p₁ − p₂), entropy −Σ p log p, and query-by-committee vote entropy
(Seung et al. 1992) over models trained on bootstrap resamples of the labels."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

import numpy as np
import plotly.graph_objects as go
import torch

from demos.distributed_learning import common
from demos.plots import OKABE_ITO, layout

STRATEGIES = ("Random", "Least confidence", "Margin", "Entropy", "Committee")
STARTS = ("10", "40")  # labelled digits before the first query (random)
BATCHES = ("10", "40")  # labels bought per query round
BUDGET = 200  # labels at the end
SEEDS = (0, 1, 2, 3)
COMMITTEE = 4  # members, each trained on a bootstrap resample of the labelled digits
MEMBER_ITERATIONS = 10  # L-BFGS iterations of a committee member (cheaper than the main model's 40)
L2 = 1e-2  # weight decay of the softmax regression
RESULTS = Path(__file__).resolve().parents[2] / "models" / "results" / "distributed_learning_active.json"


def fit_softmax(x: torch.Tensor, y: torch.Tensor, iterations: int = 40) -> tuple[torch.Tensor, torch.Tensor]:
    """Softmax regression (784 → 10) fitted by L-BFGS from zero: deterministic for given data."""
    w = torch.zeros(x.shape[1], 10, requires_grad=True)
    b = torch.zeros(10, requires_grad=True)
    opt = torch.optim.LBFGS([w, b], lr=1, max_iter=iterations, history_size=10, tolerance_grad=1e-5, line_search_fn="strong_wolfe")

    def closure() -> torch.Tensor:
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(x @ w + b, y) + L2 * (w * w).sum()
        loss.backward()
        return loss

    opt.step(closure)
    return w.detach(), b.detach()


def probabilities(model: tuple[torch.Tensor, torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    return torch.softmax(x @ model[0] + model[1], dim=1)  # (N, 10)


def scores(strategy: str, p: torch.Tensor | None = None, votes: torch.Tensor | None = None,
           g: torch.Generator | None = None, n: int = 0) -> torch.Tensor:
    """Higher = ask for this label first. p: (N, 10) probabilities; votes: (M, N) committee labels."""
    if strategy == "Random":
        return torch.rand(n, generator=g)
    if strategy == "Least confidence":
        return 1 - p.max(1).values
    if strategy == "Margin":
        top = p.topk(2, dim=1).values
        return -(top[:, 0] - top[:, 1])
    if strategy == "Entropy":
        return -(p * p.clamp_min(1e-12).log()).sum(1)
    if strategy == "Committee":
        share = torch.stack([(votes == c).float().mean(0) for c in range(10)], 1)  # (N, 10) vote shares
        return -(share * share.clamp_min(1e-12).log()).sum(1)
    raise ValueError(f"unknown strategy {strategy!r}")


def select(score: torch.Tensor, k: int) -> torch.Tensor:
    """Positions of the k highest scores (ties: the lower position first)."""
    order = np.argsort(-score.numpy(), kind="stable")
    return torch.from_numpy(order[:k].copy())


def run(strategy: str, start: int, batch: int, seed: int, budget: int = BUDGET,
        on_progress: Callable[..., None] | None = None) -> dict:
    """{"labels": labelled count after each round, "acc": validation accuracy, "queries": pool indices
    bought each round, "test": held-out accuracy at the end}. The start set depends only on the seed."""
    data = common.digits()
    x, y = data["x_fit"], data["y_fit"]
    g = torch.Generator().manual_seed(seed)
    labelled = torch.randperm(len(y), generator=g)[:start]
    out: dict = {"labels": [], "acc": [], "queries": []}
    while True:
        model = fit_softmax(x[labelled], y[labelled])
        out["labels"].append(len(labelled))
        out["acc"].append(common.accuracy_of(probabilities(model, data["x_val"]), data["y_val"]))
        if on_progress:
            on_progress(min(len(labelled) / budget, 1.0), out)
        if len(labelled) >= budget:
            break
        mask = torch.ones(len(y), dtype=torch.bool)
        mask[labelled] = False
        pool = mask.nonzero().flatten()
        p = votes = None
        if strategy == "Committee":
            members = [fit_softmax(x[labelled][r], y[labelled][r], MEMBER_ITERATIONS) for r in
                       (torch.randint(len(labelled), (len(labelled),), generator=g) for _ in range(COMMITTEE))]
            votes = torch.stack([probabilities(m, x[pool]).argmax(1) for m in members])
        elif strategy != "Random":
            p = probabilities(model, x[pool])
        picked = pool[select(scores(strategy, p, votes, g, len(pool)), min(batch, budget - len(labelled)))]
        out["queries"].append(picked.tolist())
        labelled = torch.cat([labelled, picked])
    out["test"] = common.accuracy_of(probabilities(model, data["x_test"]), data["y_test"])
    return out


def compare_seeds(start: int, batch: int, on_progress: Callable[..., None] | None = None) -> dict:
    """{strategy: [run per recorded seed]}: the recorded experiment, recomputed live."""
    out: dict = {st: [] for st in STRATEGIES}
    jobs = [(st, s) for s in SEEDS for st in STRATEGIES]
    for i, (st, s) in enumerate(jobs):
        r = run(st, start, batch, s)
        out[st].append({**r, "queries": r["queries"][:2] if s == SEEDS[0] else []})
        if on_progress:
            on_progress((i + 1) / len(jobs))
    return out


def recorded(start: int, batch: int) -> dict | None:
    """{strategy: [run per recorded seed]} from train/distributed_learning.py --only active, or None."""
    if not RESULTS.exists():
        return None
    return json.loads(RESULTS.read_text())["runs"].get(f"{start}|{batch}")


def band(runs: list[dict]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(labels, mean, min, max) of validation accuracy over seeds."""
    a = np.array([r["acc"] for r in runs])
    return np.array(runs[0]["labels"]), a.mean(0), a.min(0), a.max(0)


def curves_figure(runs: dict, strategy: str, height: int = 360) -> go.Figure:
    """Random and the chosen strategy: mean over seeds with a min–max band; other strategies thin."""
    fig = go.Figure()
    for i, st in enumerate(STRATEGIES):
        x, mean, lo, hi = band(runs[st])
        colour = OKABE_ITO[i]
        main = st in ("Random", strategy)
        if main and len(runs[st]) > 1:
            fig.add_trace(go.Scatter(x=np.r_[x, x[::-1]], y=np.r_[hi, lo[::-1]], fill="toself", line=dict(width=0),
                                     fillcolor=colour, opacity=0.2, showlegend=False, hoverinfo="skip"))
        fig.add_trace(go.Scatter(x=x, y=mean, name=st, line=dict(color=colour, width=3 if main else 1),
                                 opacity=1 if main else 0.5))
    fig.update_xaxes(title="labelled digits")
    fig.update_yaxes(title="validation accuracy", tickformat=".0%")
    fig.update_layout(legend=dict(orientation="h", y=-0.3))
    return layout(fig, None, height)


def curves_caption(runs: dict, strategy: str) -> str:
    x, mean_r, lo_r, hi_r = band(runs["Random"])
    _, mean_s, lo_s, hi_s = band(runs[strategy])
    n = len(runs["Random"])
    wins = int(sum(a["acc"][-1] > b["acc"][-1] for a, b in zip(runs[strategy], runs["Random"])))
    diff = float(np.mean(mean_s - mean_r))  # area between the mean curves, per point
    early = float(mean_s[1] - mean_r[1]) if len(x) > 1 else 0.0
    if strategy == "Random":
        return f"Random sampling over {n} seeds reaches {mean_r[-1]:.1%} at {x[-1]} labels (seeds span {lo_r[-1]:.1%}–{hi_r[-1]:.1%})."
    verdict = ("better than random" if lo_s[-1] > hi_r[-1] else "worse than random" if hi_s[-1] < lo_r[-1]
               else "inside random's seed band")
    return (f"At {x[-1]} labels, {strategy} reaches {mean_s[-1]:.1%} (seeds {lo_s[-1]:.1%}–{hi_s[-1]:.1%}) against random's "
            f"{mean_r[-1]:.1%} ({lo_r[-1]:.1%}–{hi_r[-1]:.1%}): {verdict}, ahead on {wins} of {n} seeds. Averaged over the "
            f"whole curve it is {diff:+.1%} vs random; after the first query round {early:+.1%}.").replace("+-", "−").replace(" -", " −")


def query_images(runs: dict, strategy: str) -> tuple[np.ndarray, np.ndarray]:
    """The digits the recorded seed bought in its first query round: (k, 28, 28) uint8 and their labels."""
    rows = runs[strategy][0]["queries"][0]
    data = common.digits()
    images = (data["x_fit"][rows].view(-1, 28, 28) * 255).round().to(torch.uint8).numpy()
    return images, data["y_fit"][rows].numpy()


def query_figure(images: np.ndarray, labels: np.ndarray, height: int = 170) -> go.Figure:
    """The queried digits in a row (at most 20), each titled with its true label."""
    k = min(len(images), 20)
    strip = np.concatenate([np.pad(255 - images[i], 2, constant_values=255) for i in range(k)], axis=1)
    fig = go.Figure(go.Heatmap(z=strip[::-1], colorscale="gray", showscale=False, hoverinfo="skip"))
    for i in range(k):
        fig.add_annotation(x=i * 32 + 16, y=34, text=str(labels[i]), showarrow=False, yanchor="bottom")
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor="x", range=[-1, 42])
    return layout(fig, None, height)


def query_caption(labels: np.ndarray, strategy: str) -> str:
    counts = np.bincount(labels, minlength=10)
    top = int(counts.argmax())
    return (f"{strategy}'s first {len(labels)} queries (seed {SEEDS[0]}) cover {int((counts > 0).sum())} of 10 digits; "
            f"the most asked-for digit is {top} ({counts[top]} times).")
