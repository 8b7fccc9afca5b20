"""Autoencoders with a 2-D bottleneck, so their codes can be drawn as a map: a plain autoencoder and
variational autoencoders (Kingma & Welling 2014) of the same shape, one per KL weight beta
(Higgins et al. 2017). The bottleneck is linear: a ReLU there would clip codes to one quadrant."""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import torch
from torch import nn


@dataclass(frozen=True)
class LatentAutoencoderConfig:
    latent: int = 2  # bottleneck size: 2, so every code is a point on a map
    hidden: int = 128  # one dense ReLU layer on each side (784 -> hidden -> code -> hidden -> 784)
    variational: bool = False  # True: the encoder outputs (mu, log sigma^2) and z is sampled (VAE)
    betas: tuple[float, ...] = (0.0,)  # one model per KL weight (VAE); a plain AE has no KL: (0.0,)

    def __post_init__(self):  # JSON gives a list back; keep the config hashable
        object.__setattr__(self, "betas", tuple(float(b) for b in self.betas))


class Coded(NamedTuple):
    logits: torch.Tensor  # (B, 1, 28, 28) reconstruction logits (pixels = sigmoid(logits))
    mu: torch.Tensor  # (B, latent) the code (the mean of q(z|x) for a VAE)
    logvar: torch.Tensor  # (B, latent) log sigma^2 of q(z|x); zeros for a plain AE
    z: torch.Tensor  # (B, latent) the code that was decoded: mu + sigma * eps (VAE), mu (AE)


class LatentAutoencoder(nn.Module):
    def __init__(self, c: LatentAutoencoderConfig):
        super().__init__()
        self.variational = c.variational
        self.encoder = nn.Sequential(
            nn.Flatten(), nn.Linear(784, c.hidden), nn.ReLU(),  # (B, hidden)
            nn.Linear(c.hidden, 2 * c.latent if c.variational else c.latent),  # linear code (no ReLU)
        )
        self.decoder = nn.Sequential(
            nn.Linear(c.latent, c.hidden), nn.ReLU(), nn.Linear(c.hidden, 784),  # (B, 784)
            nn.Unflatten(1, (1, 28, 28)),  # (B, 1, 28, 28) logits
        )

    def encode(self, images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """images (B, 1, 28, 28) in [0, 1] -> (mu, log sigma^2), each (B, latent)."""
        h = self.encoder(images)
        if self.variational:
            mu, logvar = h.chunk(2, dim=1)
            return mu, logvar
        return h, torch.zeros_like(h)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """codes (B, latent) -> reconstruction logits (B, 1, 28, 28)."""
        return self.decoder(z)

    def forward(self, images: torch.Tensor, generator: torch.Generator | None = None,
                sample: bool = True) -> Coded:
        mu, logvar = self.encode(images)
        z = mu
        if self.variational and sample:  # the reparameterisation trick: randomness enters as eps
            eps = torch.randn(mu.shape, generator=generator)
            z = mu + torch.exp(0.5 * logvar) * eps
        return Coded(self.decode(z), mu, logvar, z)


class LatentAutoencoders(nn.Module):
    """One autoencoder per entry of `config.betas` (all plain AEs or all VAEs)."""

    def __init__(self, config: LatentAutoencoderConfig = LatentAutoencoderConfig()):
        super().__init__()
        self.config = config
        self.members = nn.ModuleList(LatentAutoencoder(config) for _ in config.betas)

    def member(self, beta: float | None = None) -> LatentAutoencoder:
        """The model trained with KL weight `beta` (default: the first)."""
        if beta is None:
            return self.members[0]
        if float(beta) not in self.config.betas:
            raise KeyError(f"no model for beta={beta}; committed: {self.config.betas}")
        return self.members[self.config.betas.index(float(beta))]

    def forward(self, images: torch.Tensor, beta: float | None = None,
                generator: torch.Generator | None = None, sample: bool = True) -> Coded:
        """images (B, 1, 28, 28) in [0, 1] -> Coded(logits, mu, logvar, z) of the `beta` model."""
        return self.member(beta)(images, generator, sample)
