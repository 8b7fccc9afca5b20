"""One trial of the search: a small MLP trained on three noisy interleaved spirals, reporting its
validation accuracy after every epoch. The search space (log learning rate × width × weight decay), the
committed table of learning curves (`train/tuning.py`) and a live source that trains on demand."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import plotly.graph_objects as go
import torch
from torch import nn

from demos.plots import OKABE_ITO, layout

# -- the data: three spirals, 400 train / 400 validation / 400 test points ---------------------------------
DATA_SEED = 20261207  # fixed forever: the split every table row and every live trial uses
N_PER_SPLIT = 400
CLASSES = 3
TURNS = 6.0  # radians each arm turns from centre to rim
NOISE = 0.11  # std of the Gaussian jitter added to each point (the classes overlap: no config reaches 100 %)

# -- the search space: every value the committed table holds ------------------------------------------------
LOG_LRS = tuple(round(-4 + k / 6, 4) for k in range(25))  # log10 Adam learning rate, -4 … 0 in sixths
WIDTHS = (8, 16, 32, 64, 128)  # units in each of the two hidden layers
DECAYS = (1e-5, 1e-4, 1e-3)  # L2 weight decay: the hyperparameter that hardly matters here
REPLICATES = 2  # training seeds per configuration in the table
EPOCHS = 27  # the most any trial trains (η = 3: rungs at 1, 3, 9, 27)
BATCH = 50
TABLE = Path(__file__).resolve().parents[2] / "models" / "results" / "tuning_curves.npz"


def spirals(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """`n` points (n, 2) of CLASSES interleaved spiral arms with Gaussian noise, and their labels (n,)."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, CLASSES, n)
    t = rng.uniform(0.25, 1.0, n)
    angle = y * 2 * np.pi / CLASSES + t * TURNS
    x = np.stack([t * np.cos(angle), t * np.sin(angle)], 1) + rng.normal(0, NOISE, (n, 2))
    return x.astype(np.float32), y.astype(np.int64)


def split() -> dict[str, tuple[torch.Tensor, torch.Tensor]]:
    """{"train", "val", "test"}: (points, labels) tensors, N_PER_SPLIT each, from DATA_SEED."""
    x, y = spirals(3 * N_PER_SPLIT, DATA_SEED)
    parts = {}
    for i, name in enumerate(("train", "val", "test")):
        s = slice(i * N_PER_SPLIT, (i + 1) * N_PER_SPLIT)
        parts[name] = (torch.from_numpy(x[s]), torch.from_numpy(y[s]))
    return parts


@dataclass(frozen=True)
class Config:
    log_lr: float  # log10 of Adam's learning rate
    width: int  # hidden units per layer
    decay: float  # L2 weight decay

    def label(self) -> str:
        return f"lr 10^{self.log_lr:.2f}, width {self.width}, decay {self.decay:g}"


def all_configs() -> list[Config]:
    """The table's configurations in its order: log lr slowest, then width, then decay."""
    return [Config(a, w, d) for a in LOG_LRS for w in WIDTHS for d in DECAYS]


def table_index(i_lr: int, i_width: int, i_decay: int) -> int:
    return (i_lr * len(WIDTHS) + i_width) * len(DECAYS) + i_decay


def mlp(width: int, depth: int = 2, activation: str = "relu") -> nn.Sequential:
    """2 → width (×depth, activation) → CLASSES."""
    act = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid}[activation]
    layers, fan_in = [], 2
    for _ in range(depth):
        layers += [nn.Linear(fan_in, width), act()]
        fan_in = width
    return nn.Sequential(*layers, nn.Linear(fan_in, CLASSES))


class Run:
    """A trial that can be advanced epoch by epoch (so successive halving resumes it, never restarts)."""

    def __init__(self, config: Config, seed: int, depth: int = 2, activation: str = "relu"):
        torch.manual_seed(seed)
        self.model = mlp(config.width, depth, activation)
        self.opt = torch.optim.Adam(self.model.parameters(), lr=10 ** config.log_lr, weight_decay=config.decay)
        self.gen = torch.Generator().manual_seed(seed)
        self.data = split()
        self.val: list[float] = []
        self.test: list[float] = []

    def epoch(self) -> float:
        """One epoch of mini-batch Adam on the training split; returns the validation accuracy after it."""
        x, y = self.data["train"]
        self.model.train()
        for idx in torch.randperm(len(x), generator=self.gen).split(BATCH):
            loss = nn.functional.cross_entropy(self.model(x[idx]), y[idx])
            self.opt.zero_grad()
            loss.backward()
            self.opt.step()
        self.model.eval()
        with torch.no_grad():
            for name, out in (("val", self.val), ("test", self.test)):
                xs, ys = self.data[name]
                logits = self.model(xs)
                ok = torch.isfinite(logits).all(1) & (logits.argmax(1) == ys)
                out.append(float(ok.float().mean()))
        return self.val[-1]


def train_trial(config: Config, seed: int, epochs: int = EPOCHS) -> tuple[np.ndarray, np.ndarray]:
    """(validation accuracy, test accuracy) after each of `epochs` epochs, from seed `seed`."""
    run = Run(config, seed)
    for _ in range(epochs):
        run.epoch()
    return np.array(run.val), np.array(run.test)


def trial_seed(index: int, replicate: int) -> int:
    """The training seed of table row `index`, replicate `replicate`."""
    return 1000 * replicate + index


# -- where curves come from: the committed table, or live training ------------------------------------------
@dataclass(frozen=True)
class Table:
    val: np.ndarray  # (configs, REPLICATES, EPOCHS) validation accuracy after each epoch
    test: np.ndarray  # (configs, REPLICATES, EPOCHS) test accuracy (read once, for the winner only)
    seconds: float  # wall time the table took to train

    def curve(self, index: int, replicate: int, epochs: int) -> np.ndarray:
        return self.val[index, replicate, :epochs]


def committed_table() -> Table:
    z = np.load(TABLE)
    return Table(z["val"].astype(np.float64), z["test"].astype(np.float64), float(z["seconds"]))


class LiveSource:
    """Curves trained on demand with the table's code and seeds, each trial resumed where it stopped.
    `on_epoch()` is called after every epoch trained (progress, Stop)."""

    def __init__(self, on_epoch: Callable[[], None] | None = None):
        self.runs: dict[tuple[int, int], Run] = {}
        self.on_epoch = on_epoch
        self.epochs_trained = 0
        self.trained: list[float] = []  # every validation accuracy in the order trained
        self.configs = all_configs()

    def curve(self, index: int, replicate: int, epochs: int) -> np.ndarray:
        run = self.runs.setdefault((index, replicate), Run(self.configs[index], trial_seed(index, replicate)))
        while len(run.val) < epochs:
            self.trained.append(run.epoch())
            self.epochs_trained += 1
            if self.on_epoch is not None:
                self.on_epoch()
        return np.array(run.val[:epochs])


# -- figure: the data set --------------------------------------------------------------------------------------
def data_figure(height: int = 300) -> go.Figure:
    """The training split's points coloured by class."""
    x, y = split()["train"]
    fig = go.Figure([go.Scatter(x=x[y == c, 0].numpy(), y=x[y == c, 1].numpy(), mode="markers", name=f"class {c}",
                                marker=dict(size=5, color=OKABE_ITO[c])) for c in range(CLASSES)])
    fig.update_yaxes(scaleanchor="x")
    return layout(fig, "The data: three noisy spirals (training split)", height)


def data_caption() -> str:
    return (f"{N_PER_SPLIT} training, {N_PER_SPLIT} validation and {N_PER_SPLIT} test points of {CLASSES} spiral "
            f"arms with noise σ = {NOISE}; every trial is an MLP with two hidden layers trained with Adam, batch "
            f"{BATCH}, for up to {EPOCHS} epochs.")
