"""The loss zoo: one small MLP (14 × 14 pooled digits → 64 → 10) trained on a deliberately imbalanced subset of the
training digits (digit c keeps about 350·ρ^(−c/9) examples, ρ = IMBALANCE) with each of the five losses
of `objectives`, from the same seeds, then judged on the 1,000 balanced held-out digits: accuracy per
class, confidence, logit margins, ECE. Recorded epoch by epoch (`on_progress` streams each run)."""
from __future__ import annotations

import time
from typing import Callable

import numpy as np
import torch
from torch import nn

from demos.losses import calibration
from demos.losses.objectives import LOSSES, loss_function

IMBALANCE = 50  # most common / rarest class count
INPUTS = 14 * 14  # the net sees digits average-pooled to 14 × 14
SEEDS = (0, 1, 2)  # committed runs
EPOCHS = 15
BATCH = 128
LR = 3e-3  # Adam
CONF_BINS = np.linspace(0.0, 1.0, 21)  # histogram of the top probability on the held-out digits
MARGIN_BINS = np.linspace(-10.0, 20.0, 31)  # histogram of z_true − max other z
DEFAULT_GAMMA, DEFAULT_EPS = 2.0, 0.1
RESULTS = "models/results/losses_zoo.json"  # the committed runs (train/losses_results.py)


def imbalanced_counts(per_class: int = 300, ratio: float = IMBALANCE) -> list[int]:
    """How many training digits class c keeps: round(per_class · ratio^(−c/9)), from per_class down to
    per_class/ratio (geometric, "long-tailed")."""
    return [max(1, round(per_class * ratio ** (-c / 9))) for c in range(10)]


def imbalanced_subset() -> tuple[torch.Tensor, torch.Tensor]:
    """The first `imbalanced_counts()[c]` fit digits of every class c (the fit split, in its fixed order)."""
    from models.data import validation_split

    x, y, _, _ = validation_split()
    keep = torch.cat([(y == c).nonzero().flatten()[:n] for c, n in enumerate(imbalanced_counts())])
    return x[keep], y[keep]


def small_net(seed: int) -> nn.Module:
    """The zoo's classifier, initialised from `seed`."""
    torch.manual_seed(seed)
    return nn.Sequential(nn.Flatten(), nn.Linear(INPUTS, 64), nn.ReLU(), nn.Linear(64, 10))


def _normalise(images: torch.Tensor) -> torch.Tensor:
    """Normalised digits average-pooled to 14 × 14: a quarter of the arithmetic of 28 × 28, so the 15 runs
    train live in seconds."""
    from models.mnist_cnn import normalise
    return torch.nn.functional.avg_pool2d(normalise(images), 2)


def evaluate(net: nn.Module, images: torch.Tensor, labels: torch.Tensor) -> dict:
    """Accuracy per class, the histograms of confidence and margin, ECE and NLL on these digits."""
    with torch.no_grad():
        return judge(net(_normalise(images)), labels)


def judge(z: torch.Tensor, labels: torch.Tensor) -> dict:
    """`evaluate` on logits z (N, 10)."""
    p = torch.softmax(z, 1)
    conf, pred = p.max(1)
    correct = (pred == labels).numpy()
    true = z.gather(1, labels[:, None]).squeeze(1)
    other = z.scatter(1, labels[:, None], float("-inf")).max(1).values
    margins = np.clip((true - other).numpy(), MARGIN_BINS[0], MARGIN_BINS[-1])
    per_class = [float(correct[(labels == c).numpy()].mean()) for c in range(10)]
    return {"per_class": per_class, "accuracy": float(correct.mean()), "balanced": float(np.mean(per_class)),
            "confidence": np.histogram(conf.numpy(), CONF_BINS)[0].tolist(),
            "margins": np.histogram(margins, MARGIN_BINS)[0].tolist(),
            "mean_confidence": float(conf.mean()), "ece": calibration.ece(conf.numpy(), correct),
            "nll": float(torch.nn.functional.cross_entropy(z, labels))}


def train_one(loss: str, seed: int, gamma: float, eps: float, epochs: int,
              each_epoch: Callable[[list[float]], None] = lambda curve: None) -> dict:
    """One run: the net trained with `loss` for `epochs` epochs (Adam, batches of BATCH, seeded order);
    curve = balanced validation accuracy after each epoch; the held-out numbers at the end."""
    from models.data import mnist_split, validation_split

    x, y = imbalanced_subset()
    _, _, val_x, val_y = validation_split()
    net = small_net(seed)
    fn = loss_function(loss, gamma, eps, torch.bincount(y, minlength=10))
    opt = torch.optim.Adam(net.parameters(), lr=LR)
    order = torch.Generator().manual_seed(seed)
    inputs, curve = _normalise(x), []
    for _ in range(epochs):
        net.train()
        for idx in torch.randperm(len(y), generator=order).split(BATCH):
            opt.zero_grad()
            fn(net(inputs[idx]), y[idx]).backward()
            opt.step()
        net.eval()
        curve.append(evaluate(net, val_x, val_y)["balanced"])
        each_epoch(curve)
    data = mnist_split()
    return {"curve": curve, **evaluate(net, data.test_images, data.test_labels)}


def train_zoo(gamma: float = DEFAULT_GAMMA, eps: float = DEFAULT_EPS, seeds: tuple[int, ...] = SEEDS,
              epochs: int = EPOCHS, on_progress: Callable[[float, dict], None] | None = None) -> dict:
    """Every loss × every seed, all runs at once: the M = 5·len(seeds) networks are stacked into batched
    weights (M, 196, 64) and (M, 64, 10) and trained together by one Adam (elementwise, so each network
    gets exactly the update it would get alone: `train_one` is the one-at-a-time reference, and a test
    compares them). Each keeps its own seeded init and batch order. Returns {"settings", "counts",
    "runs": {loss: [run per seed]}, "seconds"}; `on_progress(fraction, partial)` after every epoch, the
    partial's "live" holding every run's validation curve so far ({loss: [curve per seed]})."""
    from models.data import mnist_split, validation_split

    start = time.perf_counter()
    settings = {"gamma": gamma, "eps": eps, "seeds": list(seeds), "epochs": epochs, "imbalance": IMBALANCE}
    x, y = imbalanced_subset()
    _, _, val_x, val_y = validation_split()
    runs = [(name, seed) for name in LOSSES for seed in seeds]
    nets = [small_net(seed) for _, seed in runs]
    w1 = torch.stack([n[1].weight.detach().T for n in nets]).requires_grad_()  # (M, 196, 64)
    b1 = torch.stack([n[1].bias.detach()[None] for n in nets]).requires_grad_()  # (M, 1, 64)
    w2 = torch.stack([n[3].weight.detach().T for n in nets]).requires_grad_()  # (M, 64, 10)
    b2 = torch.stack([n[3].bias.detach()[None] for n in nets]).requires_grad_()  # (M, 1, 10)
    forward = lambda inputs: torch.relu(inputs @ w1 + b1) @ w2 + b2  # noqa: E731  (M, B, 196) -> (M, B, 10)
    counts = torch.bincount(y, minlength=10)
    fns = [loss_function(name, gamma, eps, counts) for name, _ in runs]
    opt = torch.optim.Adam([w1, b1, w2, b2], lr=LR)
    orders = [torch.Generator().manual_seed(seed) for _, seed in runs]
    inputs, val_inputs = _normalise(x).flatten(1), _normalise(val_x).flatten(1)
    curves: list[list[float]] = [[] for _ in runs]
    for epoch in range(epochs):
        batches = torch.stack([torch.randperm(len(y), generator=g) for g in orders]).split(BATCH, dim=1)
        for idx in batches:  # (M, B): each network's own batch
            opt.zero_grad()
            z = forward(inputs[idx])
            sum(fn(z[m], y[idx[m]]) for m, fn in enumerate(fns)).backward()
            opt.step()
        with torch.no_grad():
            zv = forward(val_inputs)
        for m in range(len(runs)):
            curves[m].append(judge(zv[m], val_y)["balanced"])
        if on_progress is not None:
            live = {name: [list(curves[m]) for m, (n, _) in enumerate(runs) if n == name] for name in LOSSES}
            on_progress((epoch + 1) / epochs, {"settings": settings, "counts": imbalanced_counts(),
                                               "runs": {name: [] for name in LOSSES}, "live": live})
    data = mnist_split()
    with torch.no_grad():
        zt = forward(_normalise(data.test_images).flatten(1))
    result: dict[str, list[dict]] = {name: [] for name in LOSSES}
    for m, (name, _) in enumerate(runs):
        result[name].append({"curve": curves[m], **judge(zt[m], data.test_labels)})
    return {"settings": settings, "counts": imbalanced_counts(), "runs": result,
            "seconds": time.perf_counter() - start}


def committed(gamma: float, eps: float) -> dict | None:
    """The committed recording when it was made with these settings (None otherwise)."""
    import json
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / RESULTS
    if not path.exists():
        return None
    data = json.loads(path.read_text())
    s = data["settings"]
    return data if (s["gamma"], s["eps"]) == (gamma, eps) else None
