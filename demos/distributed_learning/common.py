"""What every view of the distributed-learning page shares: the project's MNIST-5k digits as flat
vectors (models/data.py: fit 3,500 / validation 500 / held-out 1,000) and one small MLP written as
plain tensors (784 → hidden → 10), so that gradients, averages and copies are one line each."""
from __future__ import annotations

import functools

import torch

from models.data import mnist_split, validation_split

HIDDEN = 32  # hidden units of the MLP every view trains


@functools.lru_cache(maxsize=1)
def digits() -> dict[str, torch.Tensor]:
    """{"x_fit", "y_fit", "x_val", "y_val", "x_test", "y_test"}: images flattened to (N, 784) in [0, 1].
    Choices are made on validation; held-out digits give one final number."""
    xf, yf, xv, yv = validation_split()
    data = mnist_split()
    return {"x_fit": xf.flatten(1), "y_fit": yf, "x_val": xv.flatten(1), "y_val": yv,
            "x_test": data.test_images.flatten(1), "y_test": data.test_labels}


def init_mlp(seed: int, n_in: int = 784, hidden: int = HIDDEN, n_out: int = 10) -> list[torch.Tensor]:
    """[W1 (n_in, hidden), b1, W2 (hidden, n_out), b2], He-uniform like nn.Linear, seeded."""
    g = torch.Generator().manual_seed(seed)

    def uniform(shape: tuple[int, ...], fan_in: int) -> torch.Tensor:
        bound = 1.0 / fan_in ** 0.5
        return (torch.rand(shape, generator=g) * 2 - 1) * bound

    return [uniform((n_in, hidden), n_in), uniform((hidden,), n_in),
            uniform((hidden, n_out), hidden), uniform((n_out,), hidden)]


def forward(params: list[torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    """Logits (N, 10) of the MLP for inputs (N, 784)."""
    w1, b1, w2, b2 = params
    return torch.relu(x @ w1 + b1) @ w2 + b2  # (N, 10)


def loss_and_grads(params: list[torch.Tensor], x: torch.Tensor, y: torch.Tensor
                   ) -> tuple[float, list[torch.Tensor]]:
    """Mean cross-entropy over the batch and its gradient with respect to every parameter."""
    leaves = [p.detach().requires_grad_(True) for p in params]
    loss = torch.nn.functional.cross_entropy(forward(leaves, x), y)
    grads = list(torch.autograd.grad(loss, leaves))
    return float(loss.detach()), grads


@torch.no_grad()
def accuracy(params: list[torch.Tensor], x: torch.Tensor, y: torch.Tensor) -> float:
    return float((forward(params, x).argmax(1) == y).float().mean())


def flat(tensors: list[torch.Tensor]) -> torch.Tensor:
    """All tensors as one vector (the bucket an all-reduce sends)."""
    return torch.cat([t.reshape(-1) for t in tensors])


def accuracy_of(probs: torch.Tensor, y: torch.Tensor) -> float:
    """Share of rows whose largest probability (or logit) is at the true class."""
    return float((probs.argmax(1) == y).float().mean())
