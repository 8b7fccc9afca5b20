"""The playground's network: a neuron computes z = w·x + b, a = f(z); an MLP stacks layers of them
(Linear -> batch norm (Ioffe & Szegedy 2015) -> activation -> inverted dropout (Srivastava et al. 2014),
optional skip connections (He et al. 2016)). Trained with real torch.optim: SGD, SGD + momentum, Adam
(λ₂ in the loss) or AdamW (λ₂ as decoupled weight decay, Loshchilov & Hutter 2019), minimising
    L = data loss + λ₁ Σ|w| + (λ₂/2) Σ w²     (weight matrices only, not biases).
The run's whole configuration (data, network, optimiser, regularisers, seed) is one frozen `Config`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace

import torch
import torch.nn.functional as F
from torch import nn

from demos.playground.datasets import Data

ACTIVATIONS = {"none": "none (linear)", "relu": "ReLU", "tanh": "tanh", "sigmoid": "sigmoid", "gelu": "GELU"}
OPTIMISERS = {"sgd": "SGD", "momentum": "SGD + momentum 0.9", "adam": "Adam", "adamw": "AdamW"}
LEARNING_RATES = ("0.0001", "0.001", "0.003", "0.01", "0.03", "0.1", "0.3", "1", "3")
STRENGTHS = ("0", "0.0001", "0.001", "0.003", "0.01", "0.03", "0.1", "0.3")  # λ₁, λ₂
BATCH_SIZES = ("1", "4", "10", "16", "32", "64", "128", "all")


@dataclass(frozen=True)
class Config:
    """One run: its data, network, optimiser, regularisers, seed and how many frames to record."""
    dataset: str = "circle"  # a key of datasets.DATASETS
    n_points: int = 500  # 2-D: points generated (train + validation); digits: training digits
    noise: float = 0.2  # 2-D: jitter, 0-1
    train_share: float = 0.6  # 2-D: share of the points to train on (the rest validate)
    features: tuple[str, ...] = ("x1", "x2")  # 2-D: keys of datasets.FEATURES
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
    n_frames: int = 30  # snapshots replayed: one every 10 epochs of the default run, ~15 KB each in the browser

    def without_regularisers(self) -> Config:
        return replace(self, l1=0.0, l2=0.0, dropout=0.0, patience=0)


def batch_size(choice: str) -> int:
    """A batch-size option ("1" … "128", "all") as `Config.batch_size` (0 = the whole training set)."""
    return 0 if choice == "all" else int(choice)


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


def io_sizes(config: Config, data: Data) -> tuple[int, int]:
    """(inputs, outputs) of the network for this data: the chosen features and one logit (2-D), or
    784 pixels and ten digit logits."""
    return (data.x_train.shape[1], 10) if data.digits else (len(config.features), 1)


def build(config: Config, data: Data) -> MLP:
    n_in, n_out = io_sizes(config, data)
    model = MLP(n_in, n_out, config.layers, config.width, config.activation,
                config.dropout, config.batch_norm, config.residual)
    init_parameters(model, torch.Generator().manual_seed(config.seed))
    return model


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
