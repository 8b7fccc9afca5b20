"""Domain shift and adaptation: a small MLP learns digits from labelled source digits (the MNIST-5k fit
digits) and sees UNLABELLED target digits (the other half of the fit digits, rotated, inverted or noisy).
Source-only training (cross-entropy on the source) against feature alignment by MMD: the same loss plus
λ·MMD² between the penultimate-layer features of a source batch and a target batch. The target's 1,000
held-out digits (the shifted test split) are labelled only to evaluate; a joint PCA of both domains'
features shows the gap before (source-only) and after (aligned)."""
from __future__ import annotations

import json
import math
import time
from pathlib import Path
from typing import Callable

import numpy as np
import plotly.graph_objects as go
import torch
import torch.nn.functional as F
from plotly.subplots import make_subplots

from demos.plots import OKABE_ITO
from demos.replay import _is_stop

SHIFTS = {"rotated": "Rotated 45°", "inverted": "Inverted (1 − pixel)", "noisy": "Gaussian noise σ = 0.5"}
ANGLE, NOISE = 45.0, 0.5
WEIGHTS = (0.0, 0.3, 1.0, 3.0, 10.0)  # λ choices; 0 is source-only
WEIGHT, RECORDED, SEEDS, EPOCHS, BATCH, LR, HIDDEN, FEATURES = 1.0, (1.0, 3.0), (0, 1, 2), 8, 64, 2e-3, 128, 32
BANDWIDTHS = (0.5, 1.0, 2.0)  # kernel widths, as multiples of the batch's median pairwise distance
N_SHOWN = 200  # held-out digits per domain in the PCA view
RESULTS = "models/results/transfer_learning_domain.json"
COMMAND = "python -m train.transfer_domain"


# ---------------------------------------------------------------- the shifts
def rotate(x: torch.Tensor, degrees: float) -> torch.Tensor:
    """Images (n, 1, h, w) rotated counter-clockwise (as displayed, row 0 on top) by `degrees` about
    their centre, bilinear, zeros outside."""
    c, s = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    theta = torch.tensor([[c, -s, 0.0], [s, c, 0.0]], dtype=x.dtype)
    grid = F.affine_grid(theta.expand(len(x), 2, 3), list(x.shape), align_corners=False)
    return F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=False)


def shift(x: torch.Tensor, kind: str, seed: int = 0) -> torch.Tensor:
    """The target domain's version of digits in [0, 1]: rotated by ANGLE, inverted (1 − x), or with
    Gaussian noise of standard deviation NOISE added and clipped to [0, 1] (seeded)."""
    if kind not in SHIFTS:
        raise ValueError(f"unknown shift {kind!r}")
    if kind == "noisy":
        return (x + NOISE * torch.randn(x.shape, generator=torch.Generator().manual_seed(seed))).clamp(0.0, 1.0)
    return rotate(x, ANGLE) if kind == "rotated" else 1.0 - x


# ---------------------------------------------------------------- MMD
def mmd2(a: torch.Tensor, b: torch.Tensor, sigmas: tuple[float, ...]) -> torch.Tensor:
    """Biased (V-statistic) estimate of the squared MMD with the kernel k(u, v) = Σ_σ exp(−‖u − v‖² / 2σ²):
    mean k(a, a') + mean k(b, b') − 2 mean k(a, b), every pair including i = j. ≥ 0, and 0 for identical samples."""
    def k(u: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
        return sum(torch.exp(-torch.cdist(u, v).pow(2) / (2 * s * s)) for s in sigmas)
    return k(a, a).mean() + k(b, b).mean() - 2 * k(a, b).mean()


def bandwidths(a: torch.Tensor, b: torch.Tensor) -> tuple[float, ...]:
    """BANDWIDTHS times the median pairwise distance of the pooled features (no gradient through it)."""
    both = torch.cat([a, b]).detach()
    return tuple(max(torch.cdist(both, both).median().item(), 1e-3) * m for m in BANDWIDTHS)


# ---------------------------------------------------------------- training
class Net(torch.nn.Module):
    """784 → HIDDEN → FEATURES (the aligned features) → 10."""

    def __init__(self) -> None:
        super().__init__()
        self.body = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(784, HIDDEN), torch.nn.ReLU(),
                                        torch.nn.Linear(HIDDEN, FEATURES), torch.nn.ReLU())
        self.head = torch.nn.Linear(FEATURES, 10)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        f = self.body(x)
        return f, self.head(f)


def domains(kind: str, n_fit: int | None = None) -> dict[str, torch.Tensor]:
    """Source: even-numbered fit digits with labels; target: the odd-numbered fit digits, shifted, no labels;
    held-out: the 1,000 test digits, as they are and shifted (labels for evaluation only)."""
    from models.data import mnist_split, validation_split

    x_fit, y_fit, _, _ = validation_split()
    test = mnist_split()
    xs, ys, xt = x_fit[0::2][:n_fit], y_fit[0::2][:n_fit], shift(x_fit[1::2][:n_fit], kind, seed=1)
    return {"xs": xs, "ys": ys, "xt": xt, "test_s": test.test_images, "test_t": shift(test.test_images, kind, 2),
            "test_y": test.test_labels}


def _accuracy(net: Net, x: torch.Tensor, y: torch.Tensor) -> float:
    with torch.no_grad():  # (rounded: the recording stays small)
        return round((net(x)[1].argmax(1) == y).float().mean().item(), 4)


def train_one(data: dict, weight: float, seed: int, epochs: int = EPOCHS,
              on_epoch: Callable[[list[float]], None] | None = None) -> tuple[Net, dict]:
    """Adam, batch BATCH: CE on a source batch + weight·MMD² between its features and a target batch's.
    Returns the net and {"seed", "weight", "curve" (target held-out accuracy after each epoch), "target_acc",
    "source_acc", "mmd" (MMD² between the held-out domains' features)}."""
    gen = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)  # the initial weights
    net = Net()
    opt = torch.optim.Adam(net.parameters(), lr=LR)
    n = min(len(data["xs"]), len(data["xt"]))
    curve = []
    for epoch in range(epochs):
        src, tgt = torch.randperm(len(data["xs"]), generator=gen)[:n], torch.randperm(len(data["xt"]), generator=gen)[:n]
        for i in range(0, n - BATCH + 1, BATCH):
            fs, logits = net(data["xs"][src[i:i + BATCH]])
            loss = F.cross_entropy(logits, data["ys"][src[i:i + BATCH]])
            if weight > 0:
                ft = net(data["xt"][tgt[i:i + BATCH]])[0]
                loss = loss + weight * mmd2(fs, ft, bandwidths(fs, ft))
            opt.zero_grad()
            loss.backward()
            opt.step()
        curve.append(_accuracy(net, data["test_t"], data["test_y"]))
        if on_epoch is not None:
            on_epoch(list(curve))
    with torch.no_grad():  # the gap between the held-out domains' features
        fs, ft = net(data["test_s"])[0], net(data["test_t"])[0]
    return net, {"seed": seed, "weight": weight, "curve": curve, "target_acc": curve[-1],
                 "source_acc": _accuracy(net, data["test_s"], data["test_y"]), "mmd": round(mmd2(fs, ft, bandwidths(fs, ft)).item(), 5)}


def _pca_view(net: Net, data: dict) -> dict:
    """Both domains' held-out features (N_SHOWN each, every fifth digit) projected on their joint top-2 PCs."""
    with torch.no_grad():
        f = torch.cat([net(data["test_s"][::5][:N_SHOWN])[0], net(data["test_t"][::5][:N_SHOWN])[0]])
    f = f - f.mean(0)
    _, _, vt = torch.linalg.svd(f, full_matrices=False)
    xy = (f @ vt[:2].T).numpy().round(2)
    return {"x": xy[:, 0].tolist(), "y": xy[:, 1].tolist(), "label": data["test_y"][::5][:N_SHOWN].tolist() * 2}


def compare(kind: str, weight: float, seeds: tuple[int, ...] = SEEDS, epochs: int = EPOCHS,
            n_fit: int | None = None, on_progress: Callable[[float, dict], None] | None = None) -> dict:
    """Source-only (λ = 0) and MMD-aligned (λ = weight) runs for every seed, same seed = same init and batches;
    the PCA views of seed 0's two nets. A stop (from on_progress) returns the runs finished so far."""
    res: dict = {"shift": kind, "weight": weight, "epochs": epochs, "runs": [], "pca": {}, "stopped": False}
    plan = [(s, w) for s in seeds for w in dict.fromkeys((0.0, weight))]  # λ = 0: source-only runs only
    start = time.perf_counter()

    def report(done: float, live: dict | None = None) -> None:  # a new snapshot (and picture) every epoch
        if on_progress is not None:
            on_progress(done / len(plan), dict(res, runs=list(res["runs"]) + ([live] if live else [])))
    try:
        report(0)  # the empty axes at once, then the digits are shifted
        data = domains(kind, n_fit)
        for j, (s, w) in enumerate(plan):
            net, run = train_one(data, w, s, epochs, on_epoch=lambda c: report(j + len(c) / epochs, {
                "seed": s, "weight": w, "curve": c, "live": True}))
            res["runs"].append(run)
            if s == seeds[0]:
                res["pca"]["after" if j else "before"] = _pca_view(net, data)
    except Exception as err:  # the kit's Stop arrives as an exception from on_progress
        if not _is_stop(err):
            raise
        res["stopped"] = True
    res["seconds"] = round(time.perf_counter() - start, 1)
    return res


def committed(kind: str, weight: float) -> dict | None:
    """The recorded comparison for this shift and weight (made by COMMAND), or None."""
    path = Path(__file__).resolve().parents[2] / RESULTS
    found = json.loads(path.read_text())["results"].get(f"{kind}@{WEIGHT if weight == 0 else weight:g}") if path.exists() else None
    if found is None or weight != 0:
        return found  # λ = 0: the source-only half of the default recording (the same runs)
    return dict(found, weight=0.0, runs=[r for r in found["runs"] if r["weight"] == 0], pca={"before": found["pca"]["before"]})


# ---------------------------------------------------------------- figures and captions
def _split(res: dict) -> tuple[list[dict], list[dict]]:
    done = [r for r in res["runs"] if not r.get("live")]  # (a live snapshot's run in training is only drawn)
    return [r for r in done if r["weight"] == 0], [r for r in done if r["weight"] == res["weight"]]


def curve_figure(res: dict, height: int = 300) -> go.Figure:
    """Target held-out accuracy after each epoch, one line per run."""
    fig = go.Figure()
    for r in res["runs"]:
        aligned = r["weight"] > 0
        fig.add_scatter(x=list(range(1, len(r["curve"]) + 1)), y=r["curve"], mode="lines+markers",
                        name=f"{'MMD λ=' + format(r['weight'], 'g') if aligned else 'source only'} (seed {r['seed']}"
                        + (", training…)" if r.get("live") else ")"),
                        line=dict(color=OKABE_ITO[2 if aligned else 0]))
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=30, b=10), xaxis=dict(title="epoch", range=[0.5, res["epochs"] + 0.5]),
                      yaxis=dict(title="target held-out accuracy", range=[0, 1]), title="Accuracy on the shifted held-out digits")
    return fig


def accuracy_caption(res: dict) -> str:
    base, aligned = _split(res)
    if not base:
        return "Stopped before the first run finished: nothing to compare yet."
    b = np.array([r["target_acc"] for r in base])
    text = (f"{SHIFTS[res['shift']]} digits, no target labels used in training: source-only training scores "
            f"{b.mean():.1%} on the 1,000 shifted held-out digits (mean of {len(b)} seed{'s' * (len(b) > 1)}; "
            f"{np.mean([r['source_acc'] for r in base]):.1%} on the unshifted ones).")
    if res["weight"] == 0:
        return text + " λ = 0 is source-only training: pick a weight above 0 to align the features."
    pairs = [(x["target_acc"], y["target_acc"]) for x, y in zip(base, aligned)]
    if not pairs:
        return text + " Stopped before an aligned run finished."
    gain = np.array([y - x for x, y in pairs])
    wins = int((gain > 0).sum())
    verdict = ("helps here" if wins == len(pairs) else "does not help here" if wins == 0 else
               "helps on average, not in every seed" if gain.mean() > 0 else "hurts on average, though it wins in some seeds")
    text += (f" MMD alignment with λ = {res['weight']:g} scores {np.mean([y for _, y in pairs]):.1%} "
             f"({100 * gain.mean():+.1f} points on average, better in {wins} of {len(pairs)} seeds): it {verdict}.")
    closer = np.mean([r["mmd"] for r in aligned]) < np.mean([r["mmd"] for r in base[:len(aligned)]])
    if wins < len(pairs) and closer:
        text += (" The two domains' features are closer after alignment (lower MMD², below), yet accuracy did not rise"
                 " in every seed: matching the feature distributions does not make each digit land on its own class.")
    return text


def features_figure(res: dict, height: int = 380) -> go.Figure:
    """Seed 0's held-out features of both domains on their joint top-2 principal components, before and after."""
    views = [v for v in ("before", "after") if v in res["pca"]]
    titles = {"before": "source only", "after": f"MMD-aligned, λ = {res['weight']:g}"}
    fig = make_subplots(1, max(len(views), 1), subplot_titles=[titles[v] for v in views])
    for c, v in enumerate(views, start=1):
        p, n = res["pca"][v], len(res["pca"][v]["x"]) // 2
        for d, (name, sl) in enumerate((("source (held-out digits)", slice(0, n)), ("target (shifted)", slice(n, None)))):
            fig.add_scatter(x=p["x"][sl], y=p["y"][sl], mode="markers", name=name, showlegend=c == 1,
                            text=[f"digit {k}" for k in p["label"][sl]], marker=dict(size=5, opacity=0.6, color=OKABE_ITO[1 + 4 * d]),
                            row=1, col=c)
    fig.update_xaxes(title="PC 1").update_yaxes(title="PC 2")
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=30, b=10), legend=dict(orientation="h", y=-0.2))
    return fig


def features_caption(res: dict) -> str:
    base, aligned = _split(res)
    if not base:
        return "No features yet."
    text = (f"Penultimate-layer ({FEATURES} features) of {N_SHOWN} held-out digits per domain, PCA fitted on both. "
            f"MMD² between the two domains' held-out features (Gaussian kernels, biased estimate): "
            f"{np.mean([r['mmd'] for r in base]):.3f} after source-only training")
    if res["weight"] > 0 and aligned:
        text += f", {np.mean([r['mmd'] for r in aligned]):.3f} after alignment (mean over seeds)"
    return text + "."
