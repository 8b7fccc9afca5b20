"""Model zoo: what every registered model is, how well it does, and what it predicts."""
from __future__ import annotations

from typing import Any

import torch
from torch import nn

from models import class_names, metadata, parameter_count


@torch.no_grad()
def predict_topk(model: nn.Module, images: torch.Tensor, names: tuple[str, ...],
                 k: int = 5) -> list[tuple[str, float]]:
    """Top-k (class name, softmax probability) for ONE image. images: (1, C, H, W) in [0, 1]."""
    probs = model(images).softmax(dim=-1)[0]
    values, indices = probs.topk(min(k, probs.numel()))
    return [(names[i], float(v)) for v, i in zip(values, indices)]


def model_card(name: str, model: nn.Module) -> dict[str, Any]:
    """The facts a model card shows, from the registry metadata and the loaded model."""
    meta = metadata(name)
    return {
        "name": name,
        "architecture": meta["architecture"],
        "task": meta["task"],
        "input": meta["input"],
        "parameters": parameter_count(model),
        "classes": len(class_names(name)),
        "data": meta["data"],
        "metrics": meta["metrics"],
        "metric_bar": meta.get("metric_bar", {}),
        "seed": meta.get("seed"),
        "command": meta["command"],
        "sha256": meta["sha256"],
        "weights_file": meta["weights_file"],
        "weights_source": meta.get("weights_source"),
        "versions": meta.get("versions"),
    }


def headline_metric(card: dict[str, Any]) -> tuple[str, float]:
    """The one number shown in the zoo table (first metric in the metadata)."""
    key, value = next(iter(card["metrics"].items()))
    return key.replace("_", " "), float(value)
