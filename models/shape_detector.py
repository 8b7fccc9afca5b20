"""A one-stage, YOLO-style grid detector for the 64 × 64 shape scenes (after Redmon et al. 2016, with
anchor boxes as in YOLOv2): a small CNN turns the image into an S × S grid of cells; each cell predicts,
for each of A anchors, an objectness logit, a box (offsets from the cell and the anchor) and class
logits. A second head reads the whole image and says which classes are present (the classifier)."""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn


@dataclass(frozen=True)
class ShapeDetectorConfig:
    image_size: int = 64  # px, square input
    grid: int = 8  # S: cells per side (each cell is image_size / grid px)
    width: int = 16  # channels of the first stage; later stages 2x and 4x
    num_classes: int = 3  # circle, rectangle, triangle
    anchors: tuple[tuple[float, float], ...] = ((14.0, 14.0), (22.0, 22.0))  # (w, h) px, k-means on training boxes

    def __post_init__(self) -> None:  # a card's JSON lists come back as tuples (hashable, comparable)
        object.__setattr__(self, "anchors", tuple(tuple(float(v) for v in a) for a in self.anchors))


def conv_bn_relu(c_in: int, c_out: int) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(c_in, c_out, 3, padding=1, bias=False), nn.BatchNorm2d(c_out),
                         nn.ReLU(inplace=True))


class ShapeDetector(nn.Module):
    def __init__(self, config: ShapeDetectorConfig = ShapeDetectorConfig()):
        super().__init__()
        self.config = config
        w, a, c = config.width, len(config.anchors), config.num_classes
        self.backbone = nn.Sequential(
            conv_bn_relu(3, w), conv_bn_relu(w, w), nn.MaxPool2d(2),  # (B, w, 32, 32)
            conv_bn_relu(w, 2 * w), conv_bn_relu(2 * w, 2 * w), nn.MaxPool2d(2),  # (B, 2w, 16, 16)
            conv_bn_relu(2 * w, 2 * w), conv_bn_relu(2 * w, 4 * w), nn.MaxPool2d(2),  # (B, 4w, 8, 8)
            conv_bn_relu(4 * w, 4 * w),
        )
        self.head = nn.Conv2d(4 * w, a * (5 + c), 1)  # per cell and anchor: objectness, 4 box numbers, classes
        self.presence = nn.Linear(4 * w, c)  # global max-pooled features -> is class c anywhere?

    def forward(self, images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """images (B, 3, H, W) in [0, 1] -> grid (B, A, 5 + C, S, S) raw outputs [objectness logit,
        tx, ty (logits of the centre's place in its cell), tw, th (log of the size over the anchor's),
        class logits], and presence logits (B, C)."""
        f = self.backbone(images - 0.5)  # (B, 4w, S, S)
        b, _, s, _ = f.shape
        grid = self.head(f).view(b, len(self.config.anchors), 5 + self.config.num_classes, s, s)
        return grid, self.presence(f.amax(dim=(2, 3)))
