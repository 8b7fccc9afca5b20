"""Transfer (Papernot et al. 2016; Dong et al. 2018): examples crafted on one digit model, tested on
every model, per attack family, and whether the families' spread beats the sampling noise."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import torch
from torch import nn

from demos import plots
from demos.adversarial_attacks.attacks import ATTACKS, DIGIT_MODELS, attack, predict
from demos.adversarial_attacks.robustness import Progress, held_out_digits

SHORT = {"mnist_cnn": "CNN", "mnist_cnn_robust": "Robust CNN", "mnist_mlp": "MLP"}  # chart labels


def success_rate(model: nn.Module, x_adv: torch.Tensor, labels: torch.Tensor,
                 clean: torch.Tensor | None = None) -> float:
    """Fraction of adversarial inputs misclassified (among those `model` got right when clean)."""
    keep = predict(model, clean) == labels if clean is not None else torch.ones_like(labels, dtype=torch.bool)
    if keep.sum() == 0:
        return 0.0
    return (predict(model, x_adv[keep]) != labels[keep]).float().mean().item()


def transfer_matrix(models: dict[str, nn.Module], images: torch.Tensor, labels: torch.Tensor,
                    attack_name: str, eps: float, steps: int = 10, seed: int = 0) -> torch.Tensor:
    """M[i, j] = success rate on model j of attacks crafted on model i (white-box on the diagonal)."""
    names = list(models)
    out = torch.zeros(len(names), len(names))
    for i, source in enumerate(names):
        x_adv = attack(attack_name, models[source], images, labels, eps, 2.5 * eps / max(steps, 1), steps, seed)
        for j, target in enumerate(names):
            out[i, j] = success_rate(models[target], x_adv, labels, clean=images)
    return out


def transfer_experiment(n: int, eps: float, steps: int = 10, seed: int = 0,
                        on_progress: Progress | None = None) -> dict[str, pd.DataFrame]:
    """Per attack family (FGSM, PGD, MI-FGSM): success rate of examples crafted on each digit model
    (rows) against every digit model (columns)."""
    from models import load_pretrained
    x, y = held_out_digits(n)
    models = {name: load_pretrained(name) for name in DIGIT_MODELS}
    out = {}
    for i, name in enumerate(("fgsm", "pgd", "mifgsm")):
        m = transfer_matrix(models, x, y, name, eps, steps, seed).numpy()
        out[name] = pd.DataFrame(m, index=list(DIGIT_MODELS), columns=list(DIGIT_MODELS))
        if on_progress:
            on_progress((i + 1) / 3)
    return out


def two_se(p: float, n: int) -> float:
    """Two standard errors of a proportion p measured on n digits (the sampling noise of a rate)."""
    return 2 * math.sqrt(max(p * (1 - p), 1e-12) / n)


def off_diagonal(mat: pd.DataFrame) -> float:
    """Mean success on the other models: the matrix without its white-box diagonal."""
    return float(mat.values[~np.eye(len(mat), dtype=bool)].mean())


def matrix_figure(attack_name: str, mat: pd.DataFrame) -> go.Figure:
    """One family's success matrix (rows: crafted on, columns: tested on)."""
    names = [SHORT[m] for m in DIGIT_MODELS]
    return plots.heatmap(mat.values, ATTACKS[attack_name], x=names, y=names,
                         text_format=".0%", height=320, square=False, show_scale=False)


def matrix_caption(attack_name: str, mat: pd.DataFrame) -> str:
    return (f"{ATTACKS[attack_name]}: {off_diagonal(mat):.0%} average success on the other models "
            "(rows: crafted on, columns: tested on).")


def transfer_caption(mats: dict[str, pd.DataFrame], n: int, eps: float) -> str:
    """How the attack families compare when transferred, from the matrices shown: off-diagonal mean
    success per family, and whether the spread exceeds the sampling noise."""
    names = {"fgsm": "FGSM", "pgd": "PGD", "mifgsm": "MI-FGSM"}
    off = {k: off_diagonal(m) for k, m in mats.items()}
    ranked = sorted(off, key=off.get, reverse=True)
    spread = off[ranked[0]] - off[ranked[-1]]
    noise = two_se(float(np.mean(list(off.values()))), n)
    rates = ", ".join(f"{names[k]} {off[k]:.0%}" for k in ranked)
    if spread <= noise:
        verdict = (f"the spread ({spread * 100:.0f} points) is within the sampling noise of about ±{noise * 100:.0f} "
                   f"points on {n} digits: here the families transfer equally well")
    else:
        verdict = (f"{names[ranked[0]]} transfers best, {spread * 100:.0f} points ahead of {names[ranked[-1]]} "
                   f"(noise about ±{noise * 100:.0f} points on {n} digits)")
    return f"At ε = {eps:.2f}, average success when transferred to another model: {rates}; {verdict}."
