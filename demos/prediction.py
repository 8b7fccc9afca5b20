"""What a classifier says about one image (kit: used by every page that shows a prediction)."""
from __future__ import annotations

import torch
from torch import nn


@torch.no_grad()
def predict_topk(model: nn.Module, images: torch.Tensor, names: tuple[str, ...],
                 k: int = 5) -> list[tuple[str, float]]:
    """Top-k (class name, softmax probability) for ONE image. images: (1, C, H, W) in [0, 1]."""
    probs = model(images).softmax(dim=-1)[0]
    values, indices = probs.topk(min(k, probs.numel()))
    return [(names[i], float(v)) for v, i in zip(values, indices)]
