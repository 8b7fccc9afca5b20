"""The loss zoo: one small MLP (784 → 64 → 10) trained on a deliberately imbalanced subset of the
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
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 64), nn.ReLU(), nn.Linear(64, 10))


def _normalise(images: torch.Tensor) -> torch.Tensor:
    from models.mnist_cnn import normalise
    return normalise(images)


def evaluate(net: nn.Module, images: torch.Tensor, labels: torch.Tensor) -> dict:
    """Accuracy per class, the histograms of confidence and margin, ECE and NLL on these digits."""
    with torch.no_grad():
        z = net(_normalise(images))
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
    """Every loss × every seed. Returns {"settings", "counts", "runs": {loss: [run per seed]}, "seconds"};
    `on_progress(fraction, partial)` after every epoch, the partial holding the finished runs and the
    running one's curve (under "live": (loss, seed, curve))."""
    start, runs = time.perf_counter(), {name: [] for name in LOSSES}
    settings = {"gamma": gamma, "eps": eps, "seeds": list(seeds), "epochs": epochs, "imbalance": IMBALANCE}
    total, done = len(LOSSES) * len(seeds) * epochs, 0
    for name in LOSSES:
        for seed in seeds:
            def tick(curve: list[float], name: str = name, seed: int = seed) -> None:
                if on_progress is not None:
                    on_progress((done + len(curve)) / total, {"settings": settings, "counts": imbalanced_counts(),
                                "runs": {k: list(v) for k, v in runs.items()}, "live": (name, seed, list(curve))})
            runs[name].append(train_one(name, seed, gamma, eps, epochs, tick))
            done += epochs
    return {"settings": settings, "counts": imbalanced_counts(), "runs": runs,
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
