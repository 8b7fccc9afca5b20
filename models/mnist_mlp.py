"""A plain multilayer perceptron on flattened 28x28 digits: a differently shaped second model,
used as the source or target of transferred adversarial examples."""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from models.mnist_cnn import normalise


@dataclass(frozen=True)
class MnistMlpConfig:
    hidden: int = 512  # units in each hidden layer
    depth: int = 2  # number of hidden layers
    dropout: float = 0.2  # after each hidden layer
    num_classes: int = 10


class MnistMlp(nn.Module):
    def __init__(self, config: MnistMlpConfig = MnistMlpConfig()):
        super().__init__()
        self.config = config
        layers: list[nn.Module] = [nn.Flatten()]
        width = 28 * 28
        for _ in range(config.depth):
            layers += [nn.Linear(width, config.hidden), nn.ReLU(inplace=True), nn.Dropout(config.dropout)]
            width = config.hidden
        layers.append(nn.Linear(width, config.num_classes))
        self.net = nn.Sequential(*layers)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        """images: (B, 1, 28, 28) in [0, 1] -> logits (B, 10)."""
        return self.net(normalise(images))  # (B, 784) after Flatten
