"""Neural-network playground: 2-D data sets (or MNIST digits, or your CSV), an MLP trained live with
real torch.optim, recorded once and replayed in the browser (decision boundary, every hidden neuron,
train/validation loss, weight histogram). Beside it: demos/playground_figures.py draws the run,
demos/perceptron.py is the perceptron mode, demos/network_export.py exports what was trained.

A neuron computes z = w·x + b, a = f(z). Training minimises
    L = data loss + λ₁ Σ|w| + (λ₂/2) Σ w²     (weight matrices only, not biases)
with SGD, SGD + momentum, Adam (penalty in the loss) or AdamW (λ₂ as decoupled weight decay,
Loshchilov & Hutter 2019). Dropout is inverted (survivors × 1/(1−p) while training, identity at
evaluation; Srivastava et al. 2014); batch norm (Ioffe & Szegedy 2015) uses batch statistics while
training and running averages at evaluation; early stopping restores the best validation epoch.
Everything random takes the seed: one torch.Generator per run, so a run is identical on every rerun.
"""
from __future__ import annotations

import contextlib
import csv
import math
import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Callable

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from demos.replay import Recording, record

if TYPE_CHECKING:  # plotly is imported by the figure functions themselves, when drawn
    import plotly.graph_objects as go

DATASETS = {"circle": "Circle", "xor": "XOR", "gauss": "Two gaussians", "moons": "Two moons",
            "spiral": "Spiral", "sine": "Sine boundary", "upload": "Your CSV", "digits": "MNIST digits"}
POINT_SETS = ("circle", "xor", "gauss", "moons", "spiral", "sine")  # generated, in [-3, 3]²
FEATURES = {"x1": "x₁", "x2": "x₂", "x1sq": "x₁²", "x2sq": "x₂²", "x1x2": "x₁x₂", "sin1": "sin x₁",
            "sin2": "sin x₂"}
ACTIVATIONS = {"none": "none (linear)", "relu": "ReLU", "tanh": "tanh", "sigmoid": "sigmoid", "gelu": "GELU"}
OPTIMISERS = {"sgd": "SGD", "momentum": "SGD + momentum 0.9", "adam": "Adam", "adamw": "AdamW"}
LEARNING_RATES = ("0.0001", "0.001", "0.003", "0.01", "0.03", "0.1", "0.3", "1", "3")
STRENGTHS = ("0", "0.0001", "0.001", "0.003", "0.01", "0.03", "0.1", "0.3")  # λ₁, λ₂
BATCH_SIZES = ("1", "4", "10", "16", "32", "64", "128", "all")
DOMAIN = 3.0  # generated 2-D data and the model's view of any 2-D data live in [-3, 3]²
GRID = 60  # the decision boundary is drawn on a 60 × 60 grid
TILE_STEP = 3  # each hidden neuron's map samples every 3rd grid point: 20 × 20 tiles
WEIGHT_SAMPLE = 5000  # the histogram follows at most this many weights (a fixed random sample)
MAX_CSV_ROWS = 20_000  # an uploaded CSV may hold at most this many points
MAX_CSV_BYTES = 2_000_000
GAP = 255  # mosaic value drawn transparent: the gaps between neuron tiles
ORANGE, BLUE, GREY = "#E69F00", "#0072B2", "#F2F2F2"  # class 0, class 1 (Okabe-Ito), the middle
MAX_STEPS = 30_000  # optimiser steps one recording may take (10× the default run): keeps a shared server responsive


# ---------------------------------------------------------------- data
@dataclass(frozen=True)
class Data:
    x_train: torch.Tensor  # (N, 2) points in data units, or (N, 784) pixels in [0, 1]
    y_train: torch.Tensor  # (N,) 0/1 floats (2-D) or 0-9 ints (digits)
    x_val: torch.Tensor
    y_val: torch.Tensor
    lo: tuple[float, float] = (-DOMAIN, -DOMAIN)  # the plotted box (data units), 2-D only
    hi: tuple[float, float] = (DOMAIN, DOMAIN)
    classes: tuple[str, ...] = ("0", "1")  # names of the classes (orange, blue for 2-D)
    x_test: torch.Tensor | None = None  # digits only: the held-out digits, used once after training
    y_test: torch.Tensor | None = None

    @property
    def digits(self) -> bool:
        return self.x_train.shape[1] != 2


def make_points(name: str, n: int, noise: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """`n` labelled points of a named 2-D set in [-3, 3]²: (n, 2) float32, (n,) 0/1.
    `noise` in [0, 1] jitters every point by a Gaussian of standard deviation 0.6 · noise."""
    rng = np.random.default_rng(seed)
    half = n // 2
    y = np.r_[np.zeros(n - half), np.ones(half)]
    t = rng.uniform(0, 1, n)
    if name == "circle":  # blue inside radius 1.25, orange in the ring 1.75-2.5
        r = np.where(y == 1, 1.25 * np.sqrt(t), 1.75 + 0.75 * t)
        a = rng.uniform(0, 2 * np.pi, n)
        x = np.c_[r * np.cos(a), r * np.sin(a)]
    elif name == "gauss":
        x = rng.normal(0, 0.7, (n, 2)) + np.where(y[:, None] == 1, 1.3, -1.3)
    elif name == "moons":
        a = np.pi * t
        x = np.where(y[:, None] == 0, np.c_[np.cos(a), np.sin(a)], np.c_[1 - np.cos(a), 0.5 - np.sin(a)])
        x = (x - [0.5, 0.25]) * 2.2
    elif name == "spiral":  # two interleaved arms, 1.75 turns
        r = 2.8 * t
        a = 1.75 * 2 * np.pi * t + np.pi * y
        x = np.c_[r * np.sin(a), r * np.cos(a)]
    elif name in ("xor", "sine"):
        x = rng.uniform(-DOMAIN, DOMAIN, (n, 2))
        if name == "xor":
            x += np.sign(x) * 0.3 * (1 - np.abs(x) / DOMAIN)  # a margin around the axes
            y = (x[:, 0] * x[:, 1] > 0).astype(float)
        else:
            y = (x[:, 1] > 1.5 * np.sin(1.3 * x[:, 0])).astype(float)
    else:
        raise ValueError(f"unknown data set {name!r}")
    x = x + rng.normal(0, 0.6 * noise, x.shape)
    return np.clip(x, -DOMAIN, DOMAIN).astype(np.float32), y.astype(np.float32)


def split(x: np.ndarray, y: np.ndarray, train_share: float, seed: int, **extra) -> Data:
    """A seeded, stratified train/validation split: `train_share` of each class to train on (at
    least one point of every class on each side)."""
    rng = np.random.default_rng(seed + 1)
    tr, va = [], []
    for c in np.unique(y):
        rows = rng.permutation(np.flatnonzero(y == c))
        k = min(max(int(round(train_share * len(rows))), 1), len(rows) - 1)
        tr.append(rows[:k])
        va.append(rows[k:])
    tr, va = np.sort(np.concatenate(tr)), np.sort(np.concatenate(va))
    t = lambda v: torch.from_numpy(np.ascontiguousarray(v))
    return Data(t(x[tr]), t(y[tr]), t(x[va]), t(y[va]), **extra)


def point_data(name: str, n: int, noise: float, train_share: float, seed: int) -> Data:
    return split(*make_points(name, n, noise, seed), train_share, seed)


def digits_data(n_train: int, seed: int) -> Data:
    """`n_train` of the 3,500 fit digits (stratified, seeded) to learn from, the 500 validation
    digits to watch, and the 1,000 held-out digits for one final number (`models.data`)."""
    from models.data import mnist_split, validation_split

    fit_x, fit_y, val_x, val_y = validation_split()
    g = torch.Generator().manual_seed(seed)
    per_class = [torch.nonzero(fit_y == c).flatten() for c in range(10)]
    take = [rows[torch.randperm(len(rows), generator=g)] for rows in per_class]
    chosen = _round_robin(take)[:n_train].sort().values
    test = mnist_split()
    flat = lambda x: x.flatten(1)
    return Data(flat(fit_x[chosen]), fit_y[chosen], flat(val_x), val_y, classes=tuple("0123456789"),
                x_test=flat(test.test_images), y_test=test.test_labels)


def _round_robin(lists: list[torch.Tensor]) -> torch.Tensor:
    """Interleave: first of each class, then second of each... so any prefix is balanced."""
    out, k = [], 0
    while any(k < len(t) for t in lists):
        out += [t[k] for t in lists if k < len(t)]
        k += 1
    return torch.stack(out)


class CsvError(ValueError):
    """An uploaded CSV that cannot be used; the message says why, for a person."""


def parse_csv(raw: bytes) -> tuple[np.ndarray, np.ndarray, tuple[str, str]]:
    """Your own 2-D data: rows `x1, x2, label` (comma, semicolon or tab; an optional header row).
    Returns points (N, 2) float32, labels (N,) 0/1 and the two label names (sorted). Raises
    CsvError, with a message naming the problem and the row, for anything else."""
    if not raw.strip():
        raise CsvError("the file is empty.")
    if len(raw) > MAX_CSV_BYTES:
        raise CsvError(f"the file is {len(raw) / 1e6:.1f} MB; the limit is {MAX_CSV_BYTES / 1e6:.0f} MB.")
    if raw.count(b"\n") > MAX_CSV_ROWS + 1:
        raise CsvError(f"the file has more than {MAX_CSV_ROWS:,} rows; the playground trains live, so keep it smaller.")
    if b"\x00" in raw:
        raise CsvError("this is not a text file (it contains NUL bytes).")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CsvError("the file is not UTF-8 text.") from None
    lines = [line for line in text.splitlines() if line.strip()]
    delimiter = max((",", ";", "\t"), key=lines[0].count)
    rows = list(csv.reader(lines, delimiter=delimiter))
    if len(rows[0]) == 1 and len(lines[0].split()) == 3:  # space-separated
        rows = [line.split() for line in lines]
    if not _is_number(rows[0][0]) or not _is_number(rows[0][1 if len(rows[0]) > 1 else 0]):
        rows = rows[1:]  # a header row
    if len(rows) < 4:
        raise CsvError(f"only {len(rows)} data row(s); at least 4 points are needed (2 of each class).")
    points, labels = [], []
    for i, row in enumerate(rows, start=1):
        cells = [c.strip() for c in row]
        if len(cells) != 3:
            raise CsvError(f"data row {i} has {len(cells)} column(s); expected 3: x1, x2, label.")
        try:
            p = (float(cells[0]), float(cells[1]))
        except ValueError:
            raise CsvError(f"data row {i}: “{_short(cells[0])}, {_short(cells[1])}” are not two numbers.") from None
        if not all(math.isfinite(v) and abs(v) < 1e12 for v in p):
            raise CsvError(f"data row {i}: x1, x2 must be finite numbers (found {_short(cells[0])}, {_short(cells[1])}).")
        if not cells[2] or cells[2].lower() in ("nan", "na", "null", "none"):
            raise CsvError(f"data row {i} has no label.")
        points.append(p)
        labels.append(_label(cells[2]))
    names = sorted(set(labels), key=lambda v: (isinstance(v, str), v))
    if len(names) != 2:
        found = ", ".join(_short(str(v)) for v in names[:5]) + (", …" if len(names) > 5 else "")
        raise CsvError(f"the label column needs exactly 2 classes; it has {len(names)} ({found}).")
    y = np.array([names.index(v) for v in labels], dtype=np.float32)
    if min((y == 0).sum(), (y == 1).sum()) < 2:
        raise CsvError("each class needs at least 2 points (one to train on, one to validate with).")
    x = np.array(points, dtype=np.float64)
    if np.ptp(x, axis=0).min() == 0:
        raise CsvError("all points have the same x1 or the same x2; the data needs two varying coordinates.")
    return x.astype(np.float32), y, (_short(str(names[0])), _short(str(names[1])))


def csv_data(x: np.ndarray, y: np.ndarray, names: tuple[str, str], train_share: float, seed: int) -> Data:
    """Uploaded points: plotted in their own units over their bounding box (+8 %)."""
    lo, hi = x.min(0), x.max(0)
    pad = 0.08 * (hi - lo)
    return split(x, y, train_share, seed, lo=tuple(map(float, lo - pad)), hi=tuple(map(float, hi + pad)),
                 classes=names)


def _is_number(cell: str) -> bool:
    try:
        float(cell)
        return True
    except ValueError:
        return False


def _label(cell: str) -> float | str:
    try:
        v = float(cell)
        return v if math.isfinite(v) else cell
    except ValueError:
        return cell


def _short(text: str, n: int = 24) -> str:
    text = text.encode("unicode_escape").decode("ascii") if not text.isprintable() else text
    return text if len(text) <= n else text[:n] + "…"


def features(x: torch.Tensor, names: tuple[str, ...], lo: tuple[float, float],
             hi: tuple[float, float]) -> torch.Tensor:
    """The network's inputs: the chosen features of the points rescaled to [-3, 3]² (identity for
    the generated sets): x₁, x₂, x₁², x₂², x₁x₂, sin x₁, sin x₂ -> (N, len(names))."""
    lo_t, hi_t = torch.tensor(lo), torch.tensor(hi)
    u = (x - (lo_t + hi_t) / 2) / ((hi_t - lo_t) / 2) * DOMAIN
    u1, u2 = u[:, 0], u[:, 1]
    table = {"x1": u1, "x2": u2, "x1sq": u1 * u1, "x2sq": u2 * u2, "x1x2": u1 * u2,
             "sin1": torch.sin(u1), "sin2": torch.sin(u2)}
    return torch.stack([table[k] for k in names], 1)


def grid(lo: tuple[float, float], hi: tuple[float, float], n: int = GRID) -> tuple[np.ndarray, np.ndarray, torch.Tensor]:
    """The plotting grid: x coordinates (n,), y coordinates (n,), points (n·n, 2) row by row."""
    gx, gy = np.linspace(lo[0], hi[0], n), np.linspace(lo[1], hi[1], n)
    xx, yy = np.meshgrid(gx, gy)
    return gx, gy, torch.from_numpy(np.c_[xx.ravel(), yy.ravel()].astype(np.float32))


# ---------------------------------------------------------------- the network
class InvertedDropout(nn.Module):
    """Dropout as frameworks do it: while training each unit is zeroed with probability p and the
    survivors are multiplied by 1/(1 − p), so the expected activation is unchanged; at evaluation
    it is the identity (no rescaling at test time). Masks come from `generator` (seeded runs)."""

    def __init__(self, p: float):
        super().__init__()
        self.p = p
        self.generator: torch.Generator | None = None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training or self.p == 0:
            return x
        keep = torch.rand(x.shape, generator=self.generator) >= self.p
        return x * keep / (1 - self.p)


ACTIVATION_FN = {"none": lambda z: z, "relu": F.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid, "gelu": F.gelu}


class Block(nn.Module):
    """One hidden layer's parameters: Linear -> (BatchNorm) -> activation -> (dropout), plus its
    input when `residual` (a skip connection, He et al. 2016; only where the widths match)."""

    def __init__(self, n_in: int, width: int, act: str, dropout: float, batch_norm: bool, residual: bool):
        super().__init__()
        self.linear = nn.Linear(n_in, width)
        self.norm = nn.BatchNorm1d(width) if batch_norm else None
        self.act = act
        self.drop = InvertedDropout(dropout)
        self.residual = residual and n_in == width


class MLP(nn.Module):
    """`layers` hidden layers of `width` neurons, then one output neuron (a logit for class 1) or
    ten (digit logits). forward returns the logits and every hidden layer's output."""

    def __init__(self, n_in: int, n_out: int, layers: int, width: int, act: str = "tanh", dropout: float = 0.0,
                 batch_norm: bool = False, residual: bool = False):
        super().__init__()
        sizes = [n_in] + [width] * layers
        self.hidden = nn.ModuleList(Block(a, b, act, dropout, batch_norm, residual) for a, b in zip(sizes, sizes[1:]))
        self.out = nn.Linear(sizes[-1], n_out)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, list[torch.Tensor]]:
        # functional calls, not sub-module calls: on a 3 x 8 network the module machinery costs
        # more than the arithmetic, and this loop runs thousands of times per recording
        hiddens, h = [], x  # (N, n_in)
        for block in self.hidden:
            z = F.linear(h, block.linear.weight, block.linear.bias)  # (N, width): z = W h + b
            if block.norm is not None:
                z = block.norm(z)  # batch statistics in training, running averages in evaluation
            a = ACTIVATION_FN[block.act](z)  # a = f(z)
            if block.drop.p and self.training:
                a = block.drop(a)
            h = h + a if block.residual else a
            hiddens.append(h)
        return F.linear(h, self.out.weight, self.out.bias), hiddens  # (N, n_out), [(N, width)] * layers


def init_parameters(model: nn.Module, generator: torch.Generator) -> None:
    """PyTorch's own nn.Linear initialisation (Kaiming-uniform, a = √5), drawn from `generator`."""
    for m in model.modules():
        if isinstance(m, nn.Linear):
            nn.init.kaiming_uniform_(m.weight, a=math.sqrt(5), generator=generator)
            bound = 1 / math.sqrt(m.in_features)
            nn.init.uniform_(m.bias, -bound, bound, generator=generator)


def flat_parameters(model: nn.Module) -> tuple[nn.Parameter, nn.Parameter]:
    """The weight matrices and the other parameters (biases, batch-norm γ and β) each become views
    into ONE tensor, gradients too, so torch.optim updates two tensors per step instead of ~15:
    on a tiny network the per-tensor overhead is most of the step. The maths is elementwise, so
    the result is the same as optimising the tensors one by one (tested)."""
    groups = ([p for n, p in model.named_parameters() if p.ndim == 2],
              [p for n, p in model.named_parameters() if p.ndim != 2])
    flats = []
    for params in groups:
        data = torch.cat([p.detach().flatten() for p in params]) if params else torch.zeros(0)
        grad, start = torch.zeros_like(data), 0
        for p in params:
            p.data, p.grad = data[start:start + p.numel()].view_as(p), grad[start:start + p.numel()].view_as(p)
            start += p.numel()
        flat = nn.Parameter(data)
        flat.grad = grad
        flats.append(flat)
    return flats[0], flats[1]


def make_optimiser(name: str, weights: nn.Parameter, others: nn.Parameter, lr: float, l2: float) -> torch.optim.Optimizer:
    """AdamW takes λ₂ as decoupled weight decay (w ← w − lr·λ₂·w, then the Adam step); the others
    get λ₂ through the loss (for SGD that is the same as weight decay; for Adam it is not)."""
    groups = [{"params": [weights], "weight_decay": l2 if name == "adamw" else 0.0}, {"params": [others], "weight_decay": 0.0}]
    if name == "sgd":
        return torch.optim.SGD(groups, lr)
    if name == "momentum":
        return torch.optim.SGD(groups, lr, momentum=0.9)
    if name == "adam":
        return torch.optim.Adam(groups, lr, fused=True)  # one kernel per tensor: the fastest on CPU
    if name == "adamw":
        return torch.optim.AdamW(groups, lr, fused=True)
    raise ValueError(f"unknown optimiser {name!r}")


def penalty(weights: torch.Tensor, l1: float, l2: float) -> torch.Tensor | float:
    """λ₁ Σ|w| + (λ₂/2) Σ w² over the weight matrices."""
    out = 0.0
    if l1:
        out = out + l1 * weights.abs().sum()
    if l2:
        out = out + 0.5 * l2 * (weights * weights).sum()
    return out


# ---------------------------------------------------------------- training, recorded
@contextlib.contextmanager
def one_thread():
    """Run this thread's torch ops on one thread, then restore the setting. A tiny network's ops
    are too small to split, and OpenMP's spinning helper threads made a recording 10-30× slower on
    a busy 2-core host (measured). Torch keeps this setting per thread, so other sessions'
    computations are not affected."""
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


@dataclass(frozen=True)
class Config:
    dataset: str = "circle"  # a key of DATASETS
    n_points: int = 500  # 2-D: points generated (train + validation); digits: training digits
    noise: float = 0.2  # 2-D: jitter, 0-1
    train_share: float = 0.6  # 2-D: share of the points to train on (the rest validate)
    features: tuple[str, ...] = ("x1", "x2")  # 2-D: keys of FEATURES
    layers: int = 3  # hidden layers, 0-6
    width: int = 8  # neurons per hidden layer
    activation: str = "tanh"  # a key of ACTIVATIONS
    optimiser: str = "adam"  # a key of OPTIMISERS
    lr: float = 0.03
    batch_size: int = 0  # examples per step; 0 = the whole training set (one step per epoch)
    epochs: int = 300
    l1: float = 0.0
    l2: float = 0.0  # a loss penalty, or AdamW's decoupled decay
    dropout: float = 0.0  # p, the probability of dropping a hidden unit
    batch_norm: bool = False
    residual: bool = False
    patience: int = 0  # early stopping: stop after this many epochs without a better validation loss; 0 = off
    seed: int = 0
    n_frames: int = 60

    def without_regularisers(self) -> Config:
        return replace(self, l1=0.0, l2=0.0, dropout=0.0, patience=0)


def within_budget(config: Config, n_train: int) -> Config:
    """`config` with its epochs cut so that the run takes at most MAX_STEPS optimiser steps."""
    batch = n_train if config.batch_size <= 0 else min(max(config.batch_size, 2 if config.batch_norm else 1), n_train)
    per_epoch = math.ceil(n_train / batch)
    return replace(config, epochs=max(1, min(config.epochs, MAX_STEPS // per_epoch)))


def build(config: Config, data: Data) -> MLP:
    n_in = data.x_train.shape[1] if data.digits else len(config.features)
    model = MLP(n_in, 10 if data.digits else 1, config.layers, config.width, config.activation,
                config.dropout, config.batch_norm, config.residual)
    init_parameters(model, torch.Generator().manual_seed(config.seed))
    return model


def data_loss(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Binary cross-entropy on the one logit (2-D), cross-entropy over ten (digits)."""
    if logits.shape[1] == 1:
        return F.binary_cross_entropy_with_logits(logits[:, 0], y)
    return F.cross_entropy(logits, y)


def accuracy(logits: torch.Tensor, y: torch.Tensor) -> float:
    guess = (logits[:, 0] > 0).float() if logits.shape[1] == 1 else logits.argmax(1)
    return (guess == y).float().mean().item()


def load_data(config: Config) -> Data:
    """The data a configuration names (generated or the digits; an upload is passed in instead)."""
    if config.dataset == "digits":
        return digits_data(config.n_points, config.seed)
    if config.dataset in POINT_SETS:
        return point_data(config.dataset, config.n_points, config.noise, config.train_share, config.seed)
    raise ValueError(f"{config.dataset!r} needs its data passed in")


def train(config: Config, data: Data | None = None,
          on_progress: Callable[[float], None] | None = None) -> Recording:
    """Train the configured network and record it: per epoch the train and validation loss and
    accuracy (both measured in evaluation mode), and `n_frames` snapshots of the decision
    boundary on a 60 × 60 grid, every hidden neuron on 20 × 20 tiles (or, for digits, the first
    layer's weights as 28 × 28 images) and the weights. With early stopping the best validation
    epoch's weights are restored and shown as one more frame. Deterministic under `config.seed`."""
    with one_thread():
        return _train(config, data, on_progress)


def _train(config: Config, data: Data | None, on_progress: Callable[[float], None] | None) -> Recording:
    start = time.perf_counter()
    data = load_data(config) if data is None else data
    g = torch.Generator().manual_seed(config.seed)
    model = build(config, data)
    for m in model.modules():
        if isinstance(m, InvertedDropout):
            m.generator = g
    weights, others = flat_parameters(model)
    opt = make_optimiser(config.optimiser, weights, others, config.lr, config.l2)
    l2_in_loss = 0.0 if config.optimiser == "adamw" else config.l2
    prep = (lambda x: x) if data.digits else (lambda x: features(x, config.features, data.lo, data.hi))
    xt, yt, xv, yv = prep(data.x_train), data.y_train, prep(data.x_val), data.y_val
    n = len(yt)
    batch = n if config.batch_size <= 0 else min(config.batch_size, n)
    if config.batch_norm:
        batch = max(batch, 2)  # batch statistics need two examples
    snapshot = _snapshot_digits(model) if data.digits else _snapshot_points(model, config, data)
    sample = _weight_sample(weights.numel(), config.seed)
    best = {"epoch": 0, "loss": math.inf, "state": None}

    def step(epoch: int) -> dict[str, float]:
        model.train()
        for idx in torch.randperm(n, generator=g).split(batch):
            if len(idx) == 1 and config.batch_norm:
                continue  # a last batch of one cannot be normalised
            logits, _ = model(xt[idx])
            objective = data_loss(logits, yt[idx]) + penalty(weights, config.l1, l2_in_loss)
            weights.grad.zero_()
            others.grad.zero_()
            objective.backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            lt, lv = model(xt)[0], model(xv)[0]
            m = {"train_loss": data_loss(lt, yt).item(), "val_loss": data_loss(lv, yv).item(),
                 "train_acc": accuracy(lt, yt), "val_acc": accuracy(lv, yv)}
        if not (math.isfinite(m["train_loss"]) and math.isfinite(m["val_loss"])):
            best["diverged"] = best.get("diverged") or epoch
        elif m["val_loss"] < best["loss"] - 1e-7:
            best.update(epoch=epoch, loss=m["val_loss"],
                        state={k: v.clone() for k, v in model.state_dict().items()} if config.patience else None)
        return m

    def early_stop(epoch: int, m: dict[str, float]) -> bool:
        return bool(best.get("diverged")) or (config.patience > 0 and epoch - best["epoch"] >= config.patience)

    def shot() -> dict[str, np.ndarray]:
        return snapshot() | {"weights": weights.detach().numpy()[sample].copy()}

    rec = record(step, shot, config.epochs, config.n_frames, on_progress, early_stop)
    diverged = best.get("diverged")  # the loss became inf/NaN (learning rate too high): the run ends there
    meta = {"best_epoch": best["epoch"], "best_val_loss": best["loss"], "restored": False,
            "early_stopped": bool(config.patience) and not diverged and not rec.stopped and int(rec.steps[-1]) < config.epochs,
            "diverged": diverged, "batch": batch, "n_train": n, "n_val": len(yv),
            "n_weights": weights.numel(), "n_params": weights.numel() + others.numel(),
            "weights_sampled": len(sample) < weights.numel()}
    if config.patience and best["state"] is not None and best["epoch"] != int(rec.steps[-1]):
        model.load_state_dict(best["state"])  # early stopping restores the best validation epoch
        extra = shot()
        frames = {k: np.concatenate([v, extra[k][None]]) for k, v in rec.frames.items()}
        rec = replace(rec, steps=np.r_[rec.steps, best["epoch"]], frames=frames)
        meta["restored"] = True
    model.eval()
    with torch.no_grad():
        lt, lv = model(xt)[0], model(xv)[0]
        meta |= {"final": {"train_loss": data_loss(lt, yt).item(), "val_loss": data_loss(lv, yv).item(),
                           "train_acc": accuracy(lt, yt), "val_acc": accuracy(lv, yv)}}
        if data.x_test is not None:  # the held-out digits: looked at once, after all choices were made
            meta["test_acc"] = accuracy(model(data.x_test)[0], data.y_test)
    meta["state"] = {k: v.detach().clone() for k, v in model.state_dict().items()}
    if not data.digits:  # how far from affine the trained network is (for the page's caption)
        meta["linear_residual"] = linear_residual(config, meta["state"], data)
    return replace(rec, seconds=time.perf_counter() - start, meta=meta)


def _weight_sample(total: int, seed: int) -> np.ndarray:
    if total <= WEIGHT_SAMPLE:
        return np.arange(total)
    return np.sort(np.random.default_rng(seed).choice(total, WEIGHT_SAMPLE, replace=False))


def _quantise(tiles: torch.Tensor) -> np.ndarray:
    """Tiles (..., h, w) scaled by their own largest |value| to [-1, 1], as bytes 0-253 (127 = 0)."""
    scale = tiles.abs().flatten(-2).amax(-1).clamp_min(1e-6)[..., None, None]
    return ((tiles / scale + 1) * 126.5).round().to(torch.uint8).numpy()


def mosaic(tiles: np.ndarray) -> np.ndarray:
    """(columns, rows, h, w) bytes -> one (rows·(h+1), columns·(w+1)) image with GAP between tiles."""
    cols, rows, h, w = tiles.shape
    out = np.full((rows * (h + 1), cols * (w + 1)), GAP, dtype=np.uint8)
    for c in range(cols):
        for r in range(rows):
            out[r * (h + 1):r * (h + 1) + h, c * (w + 1):c * (w + 1) + w] = tiles[c, r]
    return out


def _snapshot_points(model: MLP, config: Config, data: Data) -> Callable[[], dict[str, np.ndarray]]:
    """Boundary P(class 1) in % on the grid (uint8) and every hidden neuron's output on 20 × 20 tiles."""
    _, _, points = grid(data.lo, data.hi)
    inputs = features(points, config.features, data.lo, data.hi)
    sub = GRID // TILE_STEP

    def snap() -> dict[str, np.ndarray]:
        was = model.training
        model.eval()
        with torch.no_grad():
            logits, hiddens = model(inputs)
        model.train(was)
        p = (torch.sigmoid(logits[:, 0]) * 100).round().to(torch.uint8).view(GRID, GRID).numpy()
        if not hiddens:
            return {"p": p, "neurons": np.zeros((0, 0), np.uint8)}
        maps = torch.stack(hiddens).view(len(hiddens), GRID, GRID, -1)[:, ::TILE_STEP, ::TILE_STEP]  # (L, 20, 20, W)
        return {"p": p, "neurons": mosaic(_quantise(maps.permute(0, 3, 1, 2).reshape(len(hiddens), -1, sub, sub)))}
    return snap


def _snapshot_digits(model: MLP, shown: int = 16) -> Callable[[], dict[str, np.ndarray]]:
    """The first layer's weights of up to 16 neurons as 28 × 28 images (4 per row)."""
    first = model.hidden[0].linear if len(model.hidden) else model.out

    def snap() -> dict[str, np.ndarray]:
        w = first.weight.detach()[:shown].view(-1, 28, 28)
        k = len(w)
        cols = 4 if k > 4 else k
        rows = math.ceil(k / cols)
        tiles = np.full((rows * cols, 28, 28), 127, np.uint8)
        tiles[:k] = _quantise(w)
        return {"templates": mosaic(tiles.reshape(rows, cols, 28, 28).transpose(1, 0, 2, 3))}
    return snap


def linear_residual(config: Config, state: dict[str, torch.Tensor], data: Data) -> float:
    """How far the trained network's logit over the plotting grid is from an affine function of
    its input features: the largest residual of a least-squares fit z ≈ a·features + c, as a share
    of the logit's range (≈ 1e-7 when every layer is linear: the layers multiply out to one)."""
    model = build(config, data)
    model.load_state_dict(state)
    model.eval()
    inputs = features(grid(data.lo, data.hi)[2], config.features, data.lo, data.hi).double()
    with torch.no_grad(), one_thread():
        z = model.double()(inputs)[0][:, 0]
    design = torch.cat([inputs, torch.ones(len(inputs), 1, dtype=torch.double)], 1)
    coef = torch.linalg.lstsq(design, z[:, None]).solution
    spread = float(z.max() - z.min()) or 1.0
    return float((design @ coef - z[:, None]).abs().max()) / spread


REGULARISERS = {"l2": "L2", "l1": "L1", "dropout": "Dropout", "early": "Early stopping"}


def with_regulariser(config: Config, name: str, strength: float) -> Config:
    """`config` with one regulariser switched on: λ₂, λ₁, dropout p, or early-stopping patience."""
    field = {"l2": "l2", "l1": "l1", "dropout": "dropout", "early": "patience"}[name]
    return replace(config, **{field: int(strength) if name == "early" else strength})


def regulariser_name(name: str, strength: float) -> str:
    return {"l2": f"L2 (λ₂ = {strength:g})", "l1": f"L1 (λ₁ = {strength:g})", "dropout": f"dropout (p = {strength:g})",
            "early": f"early stopping (patience {int(strength)})"}[name]


def summary(rec: Recording, config: Config) -> str:
    """The hero's caption, from the recording."""
    m, meta = rec.meta["final"], rec.meta
    ran = len(rec.curves.get("train_loss", []))
    text = (f"After {ran} epoch{'s' * (ran != 1)} ({rec.seconds:.2f} s to train and record {rec.n_frames} frames): "
            f"train loss {m['train_loss']:.3f}, validation loss {m['val_loss']:.3f}; accuracy {m['train_acc']:.0%} "
            f"on the {meta['n_train']:,} training and {m['val_acc']:.0%} on the {meta['n_val']:,} validation examples.")
    if meta["best_epoch"]:
        text += f" Validation loss was lowest at epoch {meta['best_epoch']} ({meta['best_val_loss']:.3f}, green dashed line)"
        text += (f"; early stopping (patience {config.patience}) ended the run at epoch {ran} (red dotted line) and restored those weights, "
                 "which the numbers above describe." if meta["restored"] else ".")
    if rec.stopped:
        text += f" You stopped the run at epoch {ran}: the frames end there."
    if "test_acc" in meta:
        text += (f" The 1,000 held-out test digits, looked at once after training and never used to choose "
                 f"anything: {meta['test_acc']:.1%} accuracy.")
    return text


def linearity_sentence(config: Config, rec: Recording) -> str:
    """Whether the trained network is affine in its input features, measured on the grid."""
    residual = rec.meta["linear_residual"]
    curved = any(f not in ("x1", "x2") for f in config.features)
    if not math.isfinite(residual):
        return "The network's output is not finite, so its shape cannot be measured."
    if config.activation == "none" or config.layers == 0:
        why = (f"No activation: the {config.layers} hidden layer{'s' * (config.layers != 1)} and the output multiply "
               "out to one affine map." if config.layers else "No hidden layer: the output neuron alone is an affine map.")
        return (f"{why} An affine fit of the output over the grid misses by {residual:.0e} of its range, so the boundary "
                "is a straight line in the input features"
                + (" (it looks curved here only because x₁², sin x₁ … are among the features)." if curved else "."))
    return (f"With {ACTIVATIONS[config.activation]} between the layers the output is not an affine function of the "
            f"inputs: the best affine fit misses by {residual:.0%} of its range. That is what lets the boundary bend.")


def compare_summary(plain: Recording, regular: Recording, name: str) -> str:
    a, b = plain.meta["final"], regular.meta["final"]
    verdict = ("lower" if b["val_loss"] < a["val_loss"] - 0.005 else
               "higher" if b["val_loss"] > a["val_loss"] + 0.005 else "about the same")
    return (f"Validation loss {a['val_loss']:.3f} without and {b['val_loss']:.3f} with {name}: {verdict} on this "
            f"data and seed. Validation accuracy {a['val_acc']:.0%} vs {b['val_acc']:.0%}; the gap between "
            f"validation and training loss {a['val_loss'] - a['train_loss']:.3f} vs {b['val_loss'] - b['train_loss']:.3f}.")


# ---------------------------------------------------------------- dropout and batch norm, up close
def dropout_demo(p: float, seed: int, passes: int = 1000) -> dict[str, np.ndarray]:
    """Eight activations through InvertedDropout: one training pass, the mean of `passes` training
    passes, and the evaluation pass (the identity)."""
    h = torch.linspace(0.2, 1.6, 8)
    layer = InvertedDropout(p)
    layer.generator = torch.Generator().manual_seed(seed)
    many = torch.stack([layer(h) for _ in range(passes)])  # (passes, 8)
    layer.eval()
    return {"input": h.numpy(), "one": many[0].numpy(), "mean": many.mean(0).numpy(), "eval": layer(h).numpy()}


def batchnorm_demo(batch_size: int, seed: int, warmup: int = 200) -> dict[str, np.ndarray | float]:
    """One BatchNorm1d neuron fed batches of N(3, 2²): after `warmup` batches, a new batch of
    `batch_size` through training mode (its own mean and variance) and evaluation mode (the running
    averages). γ = 1, β = 0 here, so both are plain standardisations."""
    g = torch.Generator().manual_seed(seed)
    norm = nn.BatchNorm1d(1)
    with torch.no_grad():
        for _ in range(warmup):
            norm(3 + 2 * torch.randn(max(batch_size, 2), 1, generator=g))
        x = 3 + 2 * torch.randn(batch_size, 1, generator=g)
        running = (float(norm.running_mean), float(norm.running_var))
        norm.train()
        train_out = norm(x) if batch_size > 1 else torch.zeros_like(x)
        norm.eval()
        eval_out = norm(x)
    return {"x": x[:, 0].numpy(), "train": train_out[:, 0].numpy(), "eval": eval_out[:, 0].numpy(),
            "batch_mean": float(x.mean()), "batch_std": float(x.std(unbiased=False)),
            "running_mean": running[0], "running_std": math.sqrt(running[1])}


def mechanics_figures(drop: dict, bn: dict, height: int = 300) -> tuple["go.Figure", "go.Figure"]:
    import plotly.graph_objects as go

    units = [f"unit {i + 1}" for i in range(len(drop["input"]))]
    a = go.Figure([go.Bar(x=units, y=drop[k], name=n, marker_color=c) for k, n, c in
                   (("one", "one training pass", "#999999"), ("mean", "mean of 1,000 training passes", BLUE),
                    ("eval", "evaluation (identity)", ORANGE))])
    a.update_layout(barmode="group", height=height, margin=dict(l=10, r=10, t=30, b=10),
                    legend=dict(orientation="h", y=1.15), title="Inverted dropout")
    order = np.argsort(bn["x"])
    b = go.Figure([go.Scatter(x=bn["x"][order], y=bn[k][order], mode="lines+markers", name=n, line=dict(color=c, width=3))
                   for k, n, c in (("train", "training mode: this batch's statistics", BLUE),
                                   ("eval", "evaluation mode: running averages", ORANGE))])
    b.update_xaxes(title="input x")
    b.update_yaxes(title="normalised output")
    b.update_layout(height=height, margin=dict(l=10, r=10, t=30, b=10), legend=dict(orientation="h", y=1.15),
                    title="Batch norm, one neuron")
    return a, b


def mechanics_sentences(drop: dict, bn: dict, p: float) -> tuple[str, str]:
    kept = int((drop["one"] != 0).sum())
    gap = float(np.abs(drop["mean"] - drop["eval"]).max())
    first = (f"One training pass kept {kept} of {len(drop['one'])} units, each multiplied by 1/(1 − p) = {1 / (1 - p):.2f}; "
             f"averaged over 1,000 passes every unit is within {gap:.3f} of its evaluation value, which is the input unchanged."
             if p > 0 else "With p = 0 dropout does nothing: training and evaluation passes are the input itself.")
    diff = float(np.abs(bn["train"] - bn["eval"]).max())
    second = (f"This batch of {len(bn['x'])} has mean {bn['batch_mean']:.2f} and standard deviation {bn['batch_std']:.2f}; "
              f"the running averages are {bn['running_mean']:.2f} and {bn['running_std']:.2f}. The two modes map the same "
              f"inputs differently, by up to {diff:.2f}: forgetting model.eval() changes predictions."
              if len(bn["x"]) > 1 else "A batch of one has no spread: training mode cannot normalise it (PyTorch refuses), "
                                       "evaluation mode uses the running averages.")
    return first, second
