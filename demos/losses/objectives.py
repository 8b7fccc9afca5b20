"""The classification losses of the loss zoo, written out on logits (N, K) and integer labels (N,):
cross-entropy, MSE on the softmax, focal loss (Lin et al. 2017, "Focal Loss for Dense Object
Detection", without its α), label smoothing (Szegedy et al. 2016, "Rethinking the Inception
Architecture") and class-weighted cross-entropy. Each is a mean over the batch; tests check every one
and its gradient against torch.nn.functional and autograd."""
from __future__ import annotations

from typing import Callable

import torch

LOSSES = ("cross-entropy", "MSE", "focal", "label smoothing", "class weights")
GAMMA_RANGE = (0.0, 5.0)  # focal loss's focusing exponent γ (0 = cross-entropy)
EPS_RANGE = (0.0, 0.5)  # label smoothing's ε (0 = cross-entropy)


def log_softmax(logits: torch.Tensor) -> torch.Tensor:
    """z − logsumexp(z) per row, with the max subtracted first so no exponent is positive."""
    m = logits.max(dim=1, keepdim=True).values.detach()
    return logits - m - (logits - m).exp().sum(dim=1, keepdim=True).log()


def cross_entropy(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """mean −log p_y: sparse labels pick one log-probability, which is what one-hot targets give too."""
    return -log_softmax(logits).gather(1, labels[:, None]).mean()


def mse(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """mean over examples of Σ_k (p_k − y_k)² (the Brier score): squared error on the probabilities."""
    p = log_softmax(logits).exp()
    return ((p - torch.nn.functional.one_hot(labels, p.shape[1]).to(p.dtype)) ** 2).sum(1).mean()


def focal(logits: torch.Tensor, labels: torch.Tensor, gamma: float) -> torch.Tensor:
    """mean −(1 − p_y)^γ log p_y: well-classified examples (p_y near 1) are down-weighted."""
    logp = log_softmax(logits).gather(1, labels[:, None]).squeeze(1)
    return (-(1 - logp.exp()) ** gamma * logp).mean()


def label_smoothing(logits: torch.Tensor, labels: torch.Tensor, eps: float) -> torch.Tensor:
    """Cross-entropy against the target (1 − ε)·onehot + ε/K: never asks for p_y = 1."""
    logp = log_softmax(logits)
    k = logp.shape[1]
    target = torch.nn.functional.one_hot(labels, k).to(logp.dtype) * (1 - eps) + eps / k
    return -(target * logp).sum(1).mean()


def weighted_cross_entropy(logits: torch.Tensor, labels: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
    """Σ_i w_{y_i}·(−log p_{y_i}) / Σ_i w_{y_i}: a rare class's examples count more."""
    w = weights[labels]
    return -(w * log_softmax(logits).gather(1, labels[:, None]).squeeze(1)).sum() / w.sum()


def balanced_weights(counts: torch.Tensor) -> torch.Tensor:
    """w_c = N / (K·n_c): every class contributes the same total weight (scikit-learn's "balanced")."""
    counts = counts.to(torch.float32)
    return counts.sum() / (len(counts) * counts)


def ce_logit_gradient(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """∂/∂z of the mean cross-entropy, in closed form: (softmax(z) − onehot) / N."""
    p = log_softmax(logits).exp()
    return (p - torch.nn.functional.one_hot(labels, p.shape[1]).to(p.dtype)) / len(p)


def smoothing_logit_gradient(logits: torch.Tensor, labels: torch.Tensor, eps: float) -> torch.Tensor:
    """∂/∂z of the mean label-smoothed loss: (softmax(z) − target) / N, target = (1 − ε)·onehot + ε/K."""
    p = log_softmax(logits).exp()
    k = p.shape[1]
    return (p - torch.nn.functional.one_hot(labels, k).to(p.dtype) * (1 - eps) - eps / k) / len(p)


def loss_function(name: str, gamma: float, eps: float,
                  counts: torch.Tensor) -> Callable[[torch.Tensor, torch.Tensor], torch.Tensor]:
    """The zoo's loss called `name` with its setting bound (γ for focal, ε for smoothing, the class counts
    for class weights)."""
    if name == "cross-entropy":
        return cross_entropy
    if name == "MSE":
        return mse
    if name == "focal":
        return lambda z, y: focal(z, y, gamma)
    if name == "label smoothing":
        return lambda z, y: label_smoothing(z, y, eps)
    if name == "class weights":
        weights = balanced_weights(counts)
        return lambda z, y: weighted_cross_entropy(z, y, weights)
    raise ValueError(f"unknown loss {name!r}; one of {', '.join(LOSSES)}")
