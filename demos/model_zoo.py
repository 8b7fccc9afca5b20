"""Model zoo: what every registered model is and how well it does (its prediction: `demos.prediction`),
in the order the page shows it: the prediction's figure and caption, the model card, the zoo table."""
from __future__ import annotations

import functools
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import torch

from demos import plots
from demos.images import to_image
from models import class_names, metadata, model_names, parameter_count, title
from models.registry import DIGITS, weight_files


def takes_digits(name: str) -> bool:
    """Whether a classifier reads 28×28 digits (else 224-px photos): its classes are the ten digits."""
    return class_names(name) == DIGITS


# ---------------------------------------------------------------- the hero: what it sees, what it says
def input_figure(images: torch.Tensor, height: int = 280) -> go.Figure:
    """images: (1, C, H, W) in [0, 1], drawn as the picture the model receives."""
    return plots.image_figure(to_image(images), "What the model sees", height=height)


def input_caption(images: torch.Tensor) -> str:
    """images: (1, C, H, W), the input as the model receives it."""
    return f"Input resized to {images.shape[-1]}×{images.shape[-2]} px, as the model receives it."


def top5_figure(top5: list[tuple[str, float]], truth: str | None, height: int = 220) -> go.Figure:
    """The top-5 (class, probability) as bars, the true class highlighted."""
    return plots.topk_bars([n for n, _ in top5], [p for _, p in top5], "Top-5 prediction", highlight=truth,
                           height=height)


def top5_caption(top5: list[tuple[str, float]], truth: str | None) -> str:
    return (f"The model's top guess is “{top5[0][0]}” with probability {top5[0][1]:.1%}"
            + (f"; the true label is {truth}." if truth else "."))


BUFFERS = ("running_mean", "running_var", "num_batches_tracked")  # BatchNorm's statistics: stored, not trained
METRIC_LABELS = {"imagenet_top1_reported": "ImageNet top-1 (authors' figure)"}


@functools.lru_cache(maxsize=None)  # weights files never change while the server runs
def stored_parameters(name: str) -> int | None:
    """Trainable numbers in a model's weights file, the same count as the loaded model's parameters
    (BatchNorm's running statistics left out): a safetensors file from its header without loading it,
    a torch file read once (EfficientNet's 18 MB .pth predates memory-mapping). None for other formats (the ONNX style networks)."""
    from safetensors import safe_open

    from models.registry import weight_files

    path, _ = next(iter(weight_files(name).values()))
    if not path.is_file():
        return None
    if path.suffix == ".safetensors":
        with safe_open(str(path), framework="pt") as f:
            return sum(int(torch.Size(f.get_slice(k).get_shape()).numel()) for k in f.keys() if not k.endswith(BUFFERS))
    if path.suffix in (".pth", ".pt"):
        state = torch.load(path, map_location="cpu", weights_only=True)
        return sum(v.numel() for k, v in state.items() if not k.endswith(BUFFERS))
    return None


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
            return METRIC_LABELS.get(key, key.replace("_", " ")), float(value)
    return None


def headline_display(card: dict[str, Any]) -> tuple[str, str]:
    """The headline metric as the card shows it: ('Test accuracy', '98.5%'). Every classifier has one."""
    headline = headline_metric(card)
    return headline[0][:1].upper() + headline[0][1:], f"{headline[1]:.1%}"


def card_text(card: dict[str, Any]) -> str:
    """Architecture, task, input and data of a card, one Markdown line each."""
    return (f"**Architecture:** {card['architecture']}  \n**Task:** {card['task']}  \n"
            f"**Input:** {card['input']}  \n**Data:** {card['data']['source']}")


def weights_text(card: dict[str, Any]) -> str:
    """Every weights file of a card with its sha256, in one Markdown line."""
    return ("**Weights:** " + " · ".join(f"`{f['file']}` sha256 `{f['sha256']}`" for f in card["files"].values())
            + " (checked on every load)")


# ---------------------------------------------------------------- every model at a glance
def zoo_table() -> pd.DataFrame:
    """One row per registered model, read from the cards and weight headers (nothing is loaded)."""
    rows = []
    for other in model_names():
        other_card = model_card(other)
        headline = headline_metric(other_card)
        rows.append({"model": other, "what": other_card["title"], "parameters": other_card["parameters"],
                     "metric": headline[0] if headline else "— (third-party)", "value": headline[1] if headline else None,
                     "sha256": " + ".join(f["sha256"][:12] + "…" for f in other_card["files"].values())})
    return pd.DataFrame(rows)



# ---------------------------------------------------------------- the lesson's answers (pages/01_model_zoo.md)
LESSON_DEFAULTS = {"model": "mnist_cnn", "source": "sample", "digit": "7", "index": "0", "photo": "coffee"}


@functools.lru_cache(maxsize=4)
def _lesson_model(name: str) -> torch.nn.Module:
    from models.registry import load_pretrained
    return load_pretrained(name)


def lesson_top5(params: dict[str, str]) -> list[tuple[str, float]]:
    """The hero's top-5 for a lesson beat's parameters (the page's defaults for the rest; sample
    inputs as the image picker chooses them: held-out example `index` of `digit`, or the bundled photo)."""
    from demos.images import photo, photo_input
    from demos.prediction import predict_topk
    from models.data import mnist_split

    p = LESSON_DEFAULTS | dict(params)
    if takes_digits(p["model"]):
        data = mnist_split()
        row = int((data.test_labels == int(p["digit"])).nonzero()[int(p["index"])])
        x = data.test_images[row:row + 1]
    else:
        x = photo_input(photo(p["photo"]))
    with torch.no_grad():
        return predict_topk(_lesson_model(p["model"]), x, class_names(p["model"]))


def lesson_top1(params: dict[str, str]) -> str:
    """The model's first answer for the beat's input."""
    return lesson_top5(params)[0][0]


def lesson_confident(params: dict[str, str]) -> str:
    """"Yes" when the top answer gets more than half of the probability, else "No"."""
    return "Yes" if lesson_top5(params)[0][1] > 0.5 else "No"
