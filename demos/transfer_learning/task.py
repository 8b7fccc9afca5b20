"""The new task: a digit CNN taught digits 0-4 (`mnist_cnn_04`) learns digits 5-9 from k labelled
examples per class. The task's data, its nested seeded shots, a seeded PyTorch-default init, and the
small helpers every experiment shares (channels-last, chunked forward passes, accuracy).

Everything is a pure function of plain values and a seed; random draws use private generators.
"""
from __future__ import annotations

import math
from typing import Callable

import torch
from torch import nn

Progress = Callable[..., None] | None  # on_progress(fraction[, partial result]): a job reports how far it is
OLD_DIGITS = (0, 1, 2, 3, 4)  # what the backbone was taught
NEW_DIGITS = (5, 6, 7, 8, 9)  # the new task (labels 0-4 stand for digits 5-9)
POOL_PER_CLASS = 100  # labelled training digits of each new class the shots are drawn from
POOL_SEED = 1234  # which 100 training digits per class form the pool (fixed)


# ---------------------------------------------------------------- the new task and its shots
def new_task() -> dict[str, torch.Tensor]:
    """Digits 5-9 relabelled 0-4: `pool` (100 training digits per class), `val` (the 250 validation
    digits 5-9), `test` (the 500 held-out digits 5-9); and `old_test` (500 held-out digits 0-4)."""
    from models.data import mnist_split, validation_split

    fit_x, fit_y, val_x, val_y = validation_split()
    data = mnist_split()
    gen = torch.Generator().manual_seed(POOL_SEED)
    rows = torch.cat([(fit_y == d).nonzero().flatten()[torch.randperm(int((fit_y == d).sum()), generator=gen)]
                      [:POOL_PER_CLASS] for d in NEW_DIGITS])
    new_val, new_test = val_y >= 5, data.test_labels >= 5
    old = data.test_labels < 5
    return {"pool_x": fit_x[rows], "pool_y": fit_y[rows] - 5, "val_x": val_x[new_val], "val_y": val_y[new_val] - 5,
            "test_x": data.test_images[new_test], "test_y": data.test_labels[new_test] - 5,
            "old_x": data.test_images[old], "old_y": data.test_labels[old]}


def shots(labels: torch.Tensor, k: int, seed: int) -> torch.Tensor:
    """k indices per class, in a seeded order per class: the k shots of a seed contain its k' < k shots."""
    gen = torch.Generator().manual_seed(seed)
    out = []
    for c in labels.unique().tolist():
        rows = (labels == c).nonzero().flatten()
        out.append(rows[torch.randperm(len(rows), generator=gen)[:k]])
    return torch.cat(out)


# ---------------------------------------------------------------- a seeded start, and what every experiment shares
def seeded_init(module: nn.Module, seed: int) -> nn.Module:
    """PyTorch's default init (uniform ±1/sqrt(fan_in) for conv and linear weights and biases; BN
    γ=1, β=0) drawn from a private generator, so concurrent jobs cannot change each other's draws."""
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for m in module.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                bound = 1 / math.sqrt(m.weight[0].numel())
                m.weight.uniform_(-bound, bound, generator=gen)
                if m.bias is not None:
                    m.bias.uniform_(-bound, bound, generator=gen)
            elif isinstance(m, nn.BatchNorm2d):
                m.reset_parameters()
                m.reset_running_stats()
    return module


def fast(images: torch.Tensor) -> torch.Tensor:
    """Channels-last layout for 4-D activations: the same numbers, ~2x faster small convolutions on CPU."""
    return images.contiguous(memory_format=torch.channels_last) if images.ndim == 4 else images


@torch.no_grad()
def logits_of(fn: Callable[[torch.Tensor], torch.Tensor], inputs: torch.Tensor, chunk: int = 100) -> torch.Tensor:
    """fn over `inputs` in chunks (cache-sized activations), concatenated."""
    return torch.cat([fn(fast(part)) for part in inputs.split(chunk)])


@torch.no_grad()
def accuracy(logits: torch.Tensor, labels: torch.Tensor) -> float:
    return (logits.argmax(1) == labels).double().mean().item()
