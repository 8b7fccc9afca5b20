"""A small conditional DCGAN for 28x28 digits (Radford et al. 2016): the generator turns noise and a
class (concatenated one-hot, Mirza & Osindero 2014) into a digit; the discriminator says whether an
image is real and, as in AC-GAN (Odena et al. 2017), which digit it shows. Both are saved."""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn


@dataclass(frozen=True)
class DigitGanConfig:
    latent: int = 32  # size of the noise vector z ~ N(0, I)
    classes: int = 10  # the digit class, given to both networks as a one-hot vector
    width: int = 64  # generator channels at 7x7; 14x14 has half
    d_width: int = 32  # discriminator channels at 14x14; 7x7 has 2x


class Generator(nn.Module):
    def __init__(self, c: DigitGanConfig):
        super().__init__()
        w = c.width
        self.net = nn.Sequential(
            nn.Linear(c.latent + c.classes, w * 49), nn.BatchNorm1d(w * 49), nn.ReLU(),
            nn.Unflatten(1, (w, 7, 7)),  # (B, w, 7, 7)
            nn.ConvTranspose2d(w, w // 2, 4, 2, 1), nn.BatchNorm2d(w // 2), nn.ReLU(),  # (B, w/2, 14, 14)
            nn.ConvTranspose2d(w // 2, 1, 4, 2, 1), nn.Tanh(),  # (B, 1, 28, 28) in [-1, 1]
        )

    def forward(self, z: torch.Tensor, onehot: torch.Tensor) -> torch.Tensor:
        return self.net(torch.cat([z, onehot], 1))


class Discriminator(nn.Module):
    def __init__(self, c: DigitGanConfig):
        super().__init__()
        w = c.d_width
        self.features = nn.Sequential(
            nn.Conv2d(1, w, 4, 2, 1), nn.LeakyReLU(0.2),  # (B, w, 14, 14)
            nn.Conv2d(w, 2 * w, 4, 2, 1), nn.BatchNorm2d(2 * w), nn.LeakyReLU(0.2),  # (B, 2w, 7, 7)
            nn.Flatten(),  # (B, 2w * 49)
        )
        self.head = nn.Linear(2 * w * 49, 1 + c.classes)  # "is it real?" and "which digit?"

    def forward(self, images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """images (B, 1, 28, 28) in [0, 1] -> (real/fake logits (B,), class logits (B, classes))."""
        out = self.head(self.features(images * 2 - 1))
        return out[:, 0], out[:, 1:]


class DigitGan(nn.Module):
    def __init__(self, config: DigitGanConfig = DigitGanConfig()):
        super().__init__()
        self.config = config
        self.generator = Generator(config)
        self.discriminator = Discriminator(config)

    def onehot(self, labels: torch.Tensor) -> torch.Tensor:
        return F.one_hot(labels, self.config.classes).float()

    def forward(self, z: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        """z (B, latent), labels (B,) int64 -> digits (B, 1, 28, 28) in [0, 1]."""
        return (self.generator(z, self.onehot(labels)) + 1) / 2

    def score(self, images: torch.Tensor) -> torch.Tensor:
        """images (B, 1, 28, 28) in [0, 1] -> D's probability that each is real (B,)."""
        return self.discriminator(images)[0].sigmoid()
