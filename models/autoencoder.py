"""Autoencoders for anomaly detection: a small convolutional one per digit class (trained on that
class only) gathered in one module, and a dense one for windows of a 1-D signal."""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn


@dataclass(frozen=True)
class ConvAutoencoderConfig:
    latent: int = 16  # bottleneck size: small, so the AE cannot learn the identity
    width: int = 16  # channels of the first conv; the second has 2x
    classes: int = 10  # one autoencoder per digit class
    input_noise: float = 0.0  # std of the Gaussian noise added to inputs in training (denoising AE)


class ConvAutoencoder(nn.Module):
    def __init__(self, latent: int, width: int):
        super().__init__()
        w = width
        self.encoder = nn.Sequential(
            nn.Conv2d(1, w, 3, 2, 1), nn.ReLU(),  # (B, w, 14, 14)
            nn.Conv2d(w, 2 * w, 3, 2, 1), nn.ReLU(),  # (B, 2w, 7, 7)
            nn.Flatten(), nn.Linear(2 * w * 49, latent),  # (B, latent)
        )
        self.decoder = nn.Sequential(
            nn.Linear(latent, 2 * w * 49), nn.ReLU(), nn.Unflatten(1, (2 * w, 7, 7)),
            nn.ConvTranspose2d(2 * w, w, 4, 2, 1), nn.ReLU(),  # (B, w, 14, 14)
            nn.ConvTranspose2d(w, 1, 4, 2, 1),  # (B, 1, 28, 28) logits
        )

    def forward(self, images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        codes = self.encoder(images)
        return self.decoder(codes), codes  # logits (train with BCE-with-logits), latent codes


class OneClassAutoencoders(nn.Module):
    """Ten autoencoders; number c was trained only on digits of class c ("normal" = c)."""

    def __init__(self, config: ConvAutoencoderConfig = ConvAutoencoderConfig()):
        super().__init__()
        self.config = config
        self.experts = nn.ModuleList(ConvAutoencoder(config.latent, config.width)
                                     for _ in range(config.classes))

    def forward(self, images: torch.Tensor, normal_class: int) -> tuple[torch.Tensor, torch.Tensor]:
        """images: (B, 1, 28, 28) in [0, 1] -> (reconstruction logits (B, 1, 28, 28), codes (B, latent))."""
        return self.experts[normal_class](images)


@dataclass(frozen=True)
class DenseAutoencoderConfig:
    window: int = 128  # samples per window of the signal
    hidden: int = 64  # first and last hidden layer
    latent: int = 12  # bottleneck
    input_noise: float = 0.1  # denoising: std of the noise added to training inputs


class DenseAutoencoder(nn.Module):
    """window -> hidden -> latent -> hidden -> window. Standardises with the training signal's
    mean and std (buffers saved with the weights) and returns reconstructions in signal units."""

    def __init__(self, config: DenseAutoencoderConfig = DenseAutoencoderConfig()):
        super().__init__()
        self.config = config
        c = config
        self.encoder = nn.Sequential(nn.Linear(c.window, c.hidden), nn.ReLU(), nn.Linear(c.hidden, c.latent))
        self.decoder = nn.Sequential(nn.Linear(c.latent, c.hidden), nn.ReLU(), nn.Linear(c.hidden, c.window))
        self.register_buffer("mean", torch.zeros(()))
        self.register_buffer("std", torch.ones(()))

    def forward(self, windows: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """windows: (B, window) raw signal -> (reconstruction (B, window), codes (B, latent))."""
        codes = self.encoder((windows - self.mean) / self.std)
        return self.decoder(codes) * self.std + self.mean, codes
