"""The page's committed results (made by train/compression_*.py) and the data the students learn from."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch

RESULTS = Path(__file__).resolve().parents[2] / "models" / "results"
TEACHER = "compression_teacher.npz"  # the teacher's logits on the fit, validation and held-out digits
DISTILLATION = "compression_distillation.json"  # T sweep over seeds, the omitted-digit runs
PRUNING = "compression_pruning.json"  # sparsity sweep, the measured bytes/latency table
QUANTISATION = "compression_quantisation.json"  # accuracy vs bits
FRONTIER = "compression_frontier.json"  # every compressed model, measured


def load_json(name: str, folder: Path = RESULTS) -> dict:
    return json.loads((Path(folder) / name).read_text())


def teacher_data(folder: Path = RESULTS) -> dict[str, torch.Tensor]:
    """Fit / validation / held-out images and labels (models.data) and the teacher's committed logits on
    each split (float16 on disk)."""
    from models.data import mnist_split, validation_split

    fit_x, fit_y, val_x, val_y = validation_split()
    split = mnist_split()
    with np.load(Path(folder) / TEACHER) as z:
        logits = {k: torch.from_numpy(z[k].astype(np.float32)) for k in ("fit", "val", "test")}
    return {"fit_x": fit_x, "fit_y": fit_y, "val_x": val_x, "val_y": val_y, "test_x": split.test_images,
            "test_y": split.test_labels, "fit_logits": logits["fit"], "val_logits": logits["val"],
            "test_logits": logits["test"]}
