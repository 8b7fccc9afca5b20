"""Model zoo: what every registered model is, how well it does, and what it predicts."""
from __future__ import annotations

from typing import Any

import torch
from torch import nn

from models import class_names, metadata, parameter_count, title
from models.registry import weight_files


@torch.no_grad()
def predict_topk(model: nn.Module, images: torch.Tensor, names: tuple[str, ...],
                 k: int = 5) -> list[tuple[str, float]]:
    """Top-k (class name, softmax probability) for ONE image. images: (1, C, H, W) in [0, 1]."""
    probs = model(images).softmax(dim=-1)[0]
    values, indices = probs.topk(min(k, probs.numel()))
    return [(names[i], float(v)) for v, i in zip(values, indices)]


def stored_parameters(name: str) -> int | None:
    """Numbers in a model's safetensors file, read from its header without loading it (None for
    other formats, e.g. ONNX)."""
    from safetensors import safe_open

    from models.registry import weight_files

    path, _ = next(iter(weight_files(name).values()))
    if path.suffix != ".safetensors" or not path.is_file():
        return None
    with safe_open(str(path), framework="pt") as f:
        return sum(int(torch.Size(f.get_slice(k).get_shape()).numel()) for k in f.keys())


def model_card(name: str, model: Any = None) -> dict[str, Any]:
    """The facts a model card shows, from the registry card and (when given) the loaded model."""
    meta = metadata(name)
    files = weight_files(name)
    return {
        "name": name,
        "title": title(name),
        "architecture": meta["architecture"],
        "task": meta["task"],
        "input": meta["input"],
        "parameters": parameter_count(model) if model is not None else stored_parameters(name),
        "classes": len(class_names(name)),
        "data": meta["data"],
        "metrics": meta["metrics"],
        "metric_bar": meta.get("metric_bar", {}),
        "seed": meta.get("seed"),
        "command": meta["command"],
        "files": {role: {"file": path.name, "sha256": sha} for role, (path, sha) in files.items()},
        "weights_source": meta.get("weights_source"),
        "versions": meta.get("versions"),
    }


def headline_metric(card: dict[str, Any]) -> tuple[str, float] | None:
    """The one number shown in the zoo table (the card's first metric); None for third-party models
    whose authors' numbers we have not measured here."""
    for key, value in card["metrics"].items():
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return key.replace("_", " "), float(value)
    return None
