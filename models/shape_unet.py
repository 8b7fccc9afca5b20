"""A tiny U-Net for the 64 × 64 shape scenes (Ronneberger et al. 2015): an encoder that halves the
resolution twice, a decoder that doubles it back with transposed convolutions, and skip connections that
hand each decoder stage the encoder's features at the same resolution. One logit per class per pixel."""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn


@dataclass(frozen=True)
class ShapeUnetConfig:
    width: int = 12  # channels at full resolution; 2x and 4x deeper down
    num_classes: int = 4  # background, circle, rectangle, triangle
    skips: bool = True  # False: the decoder never sees the encoder's features (an encoder-decoder)


def double_conv(c_in: int, c_out: int) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(c_in, c_out, 3, padding=1, bias=False), nn.BatchNorm2d(c_out), nn.ReLU(inplace=True),
                         nn.Conv2d(c_out, c_out, 3, padding=1, bias=False), nn.BatchNorm2d(c_out), nn.ReLU(inplace=True))


class ShapeUnet(nn.Module):
    def __init__(self, config: ShapeUnetConfig = ShapeUnetConfig()):
        super().__init__()
        self.config = config
        w, k = config.width, 2 if config.skips else 1  # with skips the decoder reads twice the channels
        self.enc1, self.enc2, self.bottom = double_conv(3, w), double_conv(w, 2 * w), double_conv(2 * w, 4 * w)
        self.up2, self.dec2 = nn.ConvTranspose2d(4 * w, 2 * w, 2, stride=2), double_conv(k * 2 * w, 2 * w)
        self.up1, self.dec1 = nn.ConvTranspose2d(2 * w, w, 2, stride=2), double_conv(k * w, w)
        self.out = nn.Conv2d(w, config.num_classes, 1)

    def forward(self, images: torch.Tensor, zero_skips: bool = False) -> torch.Tensor:
        """images (B, 3, H, W) in [0, 1] -> logits (B, K, H, W). `zero_skips` replaces what the skip
        connections carry with zeros (the network is unchanged, only its inputs are cut)."""
        e1 = self.enc1(images - 0.5)  # (B, w, H, W)
        e2 = self.enc2(nn.functional.max_pool2d(e1, 2))  # (B, 2w, H/2, W/2)
        x = self.bottom(nn.functional.max_pool2d(e2, 2))  # (B, 4w, H/4, W/4)
        x = self.up2(x)  # (B, 2w, H/2, W/2)
        if self.config.skips:
            x = torch.cat([x, torch.zeros_like(e2) if zero_skips else e2], 1)
        x = self.up1(self.dec2(x))  # (B, w, H, W)
        if self.config.skips:
            x = torch.cat([x, torch.zeros_like(e1) if zero_skips else e1], 1)
        return self.out(self.dec1(x))
