"""The linear probe: freeze a network, read its features, train only a new softmax layer on them
(multinomial logistic regression). Convex, so it is solved to its optimum, with no seed involved.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

PROBE_L2 = 1e-3  # weight penalty of every linear probe (on features scaled to mean norm 1)


@dataclass(frozen=True)
class LinearProbe:
    weight: torch.Tensor  # (C, D), on features divided by `scale`
    bias: torch.Tensor  # (C,)
    scale: float  # mean L2 norm of the training features

    def logits(self, features: torch.Tensor) -> torch.Tensor:
        return (features.double() / self.scale) @ self.weight.T + self.bias


def linear_probe(features: torch.Tensor, labels: torch.Tensor, n_classes: int, l2: float = PROBE_L2,
                 max_iter: int = 500) -> LinearProbe:
    """Multinomial logistic regression on frozen features, solved to its optimum with L-BFGS:
    minimise mean_i CE(W f_i / s + b, y_i) + l2/2 ||W||^2, s = mean ||f_i|| (bias not penalised).
    Convex, so the answer does not depend on the start or the seed."""
    scale = float(features.norm(dim=1).mean().clamp_min(1e-12))
    x = features.double() / scale
    w = torch.zeros(n_classes, x.shape[1], dtype=torch.float64, requires_grad=True)
    b = torch.zeros(n_classes, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([w, b], lr=1, max_iter=max_iter, history_size=20, tolerance_grad=1e-7,
                            tolerance_change=1e-12, line_search_fn="strong_wolfe")

    def closure() -> torch.Tensor:
        opt.zero_grad()
        loss = F.cross_entropy(x @ w.T + b, labels) + 0.5 * l2 * (w * w).sum()
        loss.backward()
        return loss

    opt.step(closure)
    return LinearProbe(w.detach(), b.detach(), scale)
