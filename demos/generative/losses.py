"""The two players and what they optimise: small MLPs for the generator and the discriminator, and their
losses on D's raw outputs: minimax and non-saturating (Goodfellow et al. 2014), WGAN-GP (Gulrajani et
al. 2017), hinge (Lim & Ye 2017)."""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

LOSSES = {"minimax": "Minimax (saturating)", "nonsaturating": "Non-saturating", "wgan_gp": "WGAN-GP",
          "hinge": "Hinge"}  # name -> title


def mlp(sizes: list[int], generator: torch.Generator) -> nn.Sequential:
    """Linear layers with LeakyReLU(0.2) between them, initialised like torch's default
    (U(-1/sqrt(fan_in), 1/sqrt(fan_in))) but from `generator`."""
    layers: list[nn.Module] = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        lin = nn.Linear(a, b)
        bound = 1 / math.sqrt(a)
        with torch.no_grad():
            lin.weight.uniform_(-bound, bound, generator=generator)
            lin.bias.uniform_(-bound, bound, generator=generator)
        layers += [lin, nn.LeakyReLU(0.2)] if i < len(sizes) - 2 else [lin]
    return nn.Sequential(*layers)


def d_loss(loss: str, real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
    """The discriminator's loss on its raw outputs a (D(x) = sigmoid(a) for the first two):
    minimax / non-saturating: -log D(x) - log(1 - D(G(z))) (binary cross-entropy);
    hinge: relu(1 - a_real) + relu(1 + a_fake); WGAN: a_fake - a_real (plus the penalty)."""
    if loss in ("minimax", "nonsaturating"):
        return F.softplus(-real_logits).mean() + F.softplus(fake_logits).mean()
    if loss == "hinge":
        return F.relu(1 - real_logits).mean() + F.relu(1 + fake_logits).mean()
    if loss == "wgan_gp":
        return fake_logits.mean() - real_logits.mean()
    raise ValueError(f"unknown loss {loss!r}; one of {', '.join(LOSSES)}")


def g_loss_per_sample(loss: str, fake_logits: torch.Tensor) -> torch.Tensor:
    """The generator's loss for each fake: minimax log(1 - D(G(z))) (saturates when D(G(z)) -> 0),
    non-saturating -log D(G(z)), hinge and WGAN -a (the critic's score, negated)."""
    if loss == "minimax":
        return -F.softplus(fake_logits)  # log(1 - sigmoid(a)) = -softplus(a)
    if loss == "nonsaturating":
        return F.softplus(-fake_logits)  # -log sigmoid(a) = softplus(-a)
    if loss in ("hinge", "wgan_gp"):
        return -fake_logits
    raise ValueError(f"unknown loss {loss!r}; one of {', '.join(LOSSES)}")


def gradient_penalty(critic: nn.Module, real: torch.Tensor, fake: torch.Tensor,
                     generator: torch.Generator) -> torch.Tensor:
    """WGAN-GP: E[(||grad_x critic(x_hat)|| - 1)^2] on random points between real and fake."""
    eps = torch.rand(len(real), 1, generator=generator)
    x = (eps * real + (1 - eps) * fake).requires_grad_(True)
    (grad,) = torch.autograd.grad(critic(x).sum(), x, create_graph=True)
    return ((grad.norm(dim=1) - 1) ** 2).mean()
