"""ImageNet features of digits and photos: EfficientNet-Lite0's pooled penultimate features (what its
ImageNet head reads), the frozen feature extractor of the "ImageNet probe", the few-shot "imagenet"
encoder and "Teach it yourself". Digits become photos first: upscaled, grey copied to RGB.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from demos.transfer_learning.task import Progress, new_task

DIGIT_SIDE = 64  # digits are upscaled to this side for EfficientNet (chosen on validation digits)


def digits_as_photos(images: torch.Tensor, side: int = DIGIT_SIDE) -> torch.Tensor:
    """(B, 1, 28, 28) grey digits -> (B, 3, side, side) RGB in [0, 1], as a photo model expects."""
    return F.interpolate(images, size=(side, side), mode="bilinear", align_corners=False).expand(-1, 3, -1, -1)


@torch.no_grad()
def imagenet_features(model: nn.Module, images: torch.Tensor, batch: int = 100,
                      on_progress: Progress = None) -> torch.Tensor:
    """EfficientNet-Lite0's penultimate features (what its ImageNet head reads): (B, 1280).
    images: (B, 3, H, W) in [0, 1]; the model applies its own input scaling."""
    out = []
    last = len(model._blocks) - 1
    for i, chunk in enumerate(images.split(batch)):
        x = model.block_outputs(chunk, (last,))[last]  # (b, 320, H/32, W/32)
        out.append(F.relu6(model._bn1(model._conv_head(x))).mean(dim=(2, 3)))  # (b, 1280)
        if on_progress:
            on_progress(min(1.0, (i + 1) * batch / len(images)))
    return torch.cat(out)


def digit_imagenet_features(model: nn.Module, part: str = "test", on_progress: Progress = None) -> torch.Tensor:
    """EfficientNet features (500, 1280) of the new task's `part`: "pool" (the 500 labelled training
    digits) or "test" (the 500 held-out digits 5-9), upscaled to DIGIT_SIDE px. Computed once, then
    every probe and episode on them costs milliseconds."""
    return imagenet_features(model, digits_as_photos(new_task()[f"{part}_x"]), on_progress=on_progress)
