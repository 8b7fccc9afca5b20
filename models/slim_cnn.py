"""The digit CNN with a width of its own for every conv layer: what structured pruning of `MnistCnn`
rebuilds (whole channels removed, so every layer is a smaller dense nn.Conv2d / nn.Linear)."""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from models.mnist_cnn import conv_bn_relu, normalise


@dataclass(frozen=True)
class SlimCnnConfig:
    widths: tuple[int, int, int, int] = (32, 32, 64, 64)  # output channels of the 4 conv layers (MnistCnn's)
    num_classes: int = 10

    def __post_init__(self):  # a JSON card stores the widths as a list
        object.__setattr__(self, "widths", tuple(int(w) for w in self.widths))


class SlimCnn(nn.Module):
    """Same layers and state-dict names as `MnistCnn` (dropout is identity at inference), so a pruned
    teacher's kept channels load straight into it."""

    def __init__(self, config: SlimCnnConfig = SlimCnnConfig()):
        super().__init__()
        self.config = config
        a, b, c, d = config.widths
        self.features = nn.Sequential(
            conv_bn_relu(1, a), conv_bn_relu(a, b), nn.MaxPool2d(2),  # (B, b, 14, 14)
            conv_bn_relu(b, c), conv_bn_relu(c, d), nn.MaxPool2d(2),  # (B, d, 7, 7)
        )
        self.classifier = nn.Sequential(nn.Flatten(), nn.Dropout(0.0), nn.Linear(d * 7 * 7, config.num_classes))

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        """images: (B, 1, 28, 28) in [0, 1] -> logits (B, 10)."""
        return self.classifier(self.features(normalise(images)))
