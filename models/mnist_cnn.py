"""A small VGG-style CNN for 28x28 digits: two conv-conv-pool stages, then a linear classifier."""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

MNIST_MEAN, MNIST_STD = 0.1307, 0.3081  # the usual MNIST pixel statistics


def normalise(images: torch.Tensor) -> torch.Tensor:
    """Digits in [0, 1] -> what every digit model's first layer sees: (x − mean) / std with the MNIST
    pixel statistics. The one place this is written: models call it in `forward`, demos that walk a
    model's layers call it before the first one."""
    return (images - MNIST_MEAN) / MNIST_STD


@dataclass(frozen=True)
class MnistCnnConfig:
    width: int = 32  # channels of the first stage; the second stage has 2x
    dropout: float = 0.25  # before the classifier
    num_classes: int = 10


def conv_bn_relu(c_in: int, c_out: int) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(c_in, c_out, 3, padding=1, bias=False), nn.BatchNorm2d(c_out),
                         nn.ReLU(inplace=True))


class MnistCnn(nn.Module):
    def __init__(self, config: MnistCnnConfig = MnistCnnConfig()):
        super().__init__()
        self.config = config
        w = config.width
        self.features = nn.Sequential(
            conv_bn_relu(1, w), conv_bn_relu(w, w), nn.MaxPool2d(2),  # (B, w, 14, 14)
            conv_bn_relu(w, 2 * w), conv_bn_relu(2 * w, 2 * w), nn.MaxPool2d(2),  # (B, 2w, 7, 7)
        )
        self.classifier = nn.Sequential(nn.Flatten(), nn.Dropout(config.dropout),
                                        nn.Linear(2 * w * 7 * 7, config.num_classes))

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        """images: (B, 1, 28, 28) in [0, 1] -> logits (B, 10). Normalisation happens here."""
        return self.classifier(self.features(normalise(images)))
