"""Looking at the images behind the scores: the most and least anomalous test images beside their
reconstructions and squared-error maps, and any uploaded image judged by the same detector."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import torch
from torch import nn

from demos import plots
from demos.anomaly_detection.scoring import Scores, pixel_errors, reconstruct

COLUMNS = ["input", "reconstruction", "squared error"]


def extremes(errors: np.ndarray, most: int = 5, least: int = 3) -> list[int]:
    """Indices of the `most` highest-error images (highest first), then the `least` lowest (lowest first)."""
    order = np.argsort(errors)
    return [int(i) for i in order[::-1][:most]] + [int(i) for i in order[:least]]


def examples_figure(scores: Scores, picks: list[int]) -> go.Figure:
    """One row per picked image: input | reconstruction | squared error, named by group and score."""
    x, r = scores.images[:, 0].numpy(), scores.reconstructions[:, 0].numpy()
    rows = [[x[i], r[i], (x[i] - r[i]) ** 2] for i in picks]
    names = [f"{scores.groups[i]} · {scores.errors[i]:.3f}" for i in picks]
    return plots.image_rows(rows, COLUMNS, names)


def examples_caption(most: int = 5, least: int = 3) -> str:
    return (f"Top {'five' if most == 5 else most} rows: the most anomalous test images; bottom "
            f"{'three' if least == 3 else least}: the most normal. Bright error pixels show where the "
            "autoencoder could not follow the input.")


def judge(ae: nn.Module, image: torch.Tensor, normal_class: int) -> tuple[float, torch.Tensor]:
    """(anomaly score, reconstruction) of one image (1, 1, 28, 28) in [0, 1]."""
    recon, _ = reconstruct(ae, image, normal_class)
    return float(pixel_errors(image, recon).mean()), recon


def verdict_text(error: float, threshold: float, normal_class: int) -> str:
    verdict = "**anomalous**" if error > threshold else "**normal**"
    return f"Error {error:.4f} vs threshold {threshold:.4f}: {verdict} for a model of {normal_class}s."


def upload_figure(image: torch.Tensor, reconstruction: torch.Tensor) -> go.Figure:
    x, r = image[0, 0].numpy(), reconstruction[0, 0].numpy()
    return plots.image_rows([[x, r, (x - r) ** 2]], ["what the model sees", "reconstruction", "squared error"],
                            ["upload"], 200)


UPLOAD_CAPTION = "Your image as a 28×28 digit, its reconstruction and where they differ."
