"""A tiny convolutional encoder for 28x28 digits, pre-trained without labels (SimCLR, Chen et al.
2020): two conv stages and a global average pool give the feature h; a two-layer projection head
maps h to z, where the contrastive loss is computed. Downstream tasks use h, never z."""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from models.mnist_cnn import normalise


@dataclass(frozen=True)
class SslEncoderConfig:
    width: int = 16  # channels of the first stage; the second stage has 2x, and h has 2x too
    projection_dim: int = 32  # size of z, the projection head's output (the loss's space)


class SslEncoder(nn.Module):
    def __init__(self, config: SslEncoderConfig = SslEncoderConfig()):
        super().__init__()
        self.config = config
        w = config.width
        self.features = nn.Sequential(
            nn.Conv2d(1, w, 3, padding=1), nn.BatchNorm2d(w), nn.ReLU(inplace=True), nn.MaxPool2d(2),  # (B, w, 14, 14)
            nn.Conv2d(w, 2 * w, 3, padding=1), nn.BatchNorm2d(2 * w), nn.ReLU(inplace=True), nn.MaxPool2d(2),  # (B, 2w, 7, 7)
            nn.Conv2d(2 * w, 2 * w, 3, padding=1), nn.BatchNorm2d(2 * w), nn.ReLU(inplace=True),
            nn.AdaptiveAvgPool2d(1), nn.Flatten(),  # (B, 2w): the feature h
        )
        self.projection = nn.Sequential(nn.Linear(2 * w, 2 * w), nn.ReLU(inplace=True),
                                        nn.Linear(2 * w, config.projection_dim))

    @property
    def feature_dim(self) -> int:
        return 2 * self.config.width

    def encode(self, images: torch.Tensor) -> torch.Tensor:
        """images: (B, 1, 28, 28) in [0, 1] -> features h (B, 2w)."""
        return self.features(normalise(images))

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        """images: (B, 1, 28, 28) in [0, 1] -> projections z (B, projection_dim)."""
        return self.projection(self.encode(images))
