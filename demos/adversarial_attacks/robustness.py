"""Robust accuracy: accuracy under PGD-10 vs ε for every digit model on the held-out digits (Madry et
al. 2018), and one image attacked at every budget (the PyTorch FGSM tutorial's figure)."""
from __future__ import annotations

from typing import Callable, Sequence

import pandas as pd
import plotly.graph_objects as go
import torch
from torch import nn

from demos import plots
from demos.adversarial_attacks.attacks import ATTACKS, DIGIT_EPS_RANGE, DIGIT_MODELS, pgd, predict
from demos.prediction import predict_topk

Progress = Callable[[float], None]
SWEEP_EPS = (0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35)  # 8 budgets for the robustness curve
BUDGETS = tuple(e for e in SWEEP_EPS if e > 0)  # the budgets one image is attacked at
PHOTO_READ_EPS = 0.1  # photos have no digit ε: the caption reads the digit curves off here


def robust_accuracy(model: nn.Module, images: torch.Tensor, labels: torch.Tensor,
                    eps_list: Sequence[float], steps: int = 10, seed: int = 0,
                    on_progress: Callable[[float], None] | None = None) -> list[float]:
    """Accuracy under PGD-`steps` (alpha = 2.5 eps / steps) for each eps, ascending.
    An example fooled at a smaller eps is also fooled at every larger one (its adversarial point
    lies inside the bigger ball), so only the survivors are attacked again: same answer, less work."""
    eps_sorted = sorted(eps_list)
    alive = predict(model, images) == labels
    results: dict[float, float] = {}
    for i, eps in enumerate(eps_sorted):
        idx = alive.nonzero().squeeze(1)
        gen = torch.Generator().manual_seed(seed)
        for chunk in idx.split(64) if eps > 0 else ():  # chunks bound the autograd memory
            x_adv = pgd(model, images[chunk], labels[chunk], eps, 2.5 * eps / steps, steps, generator=gen)
            alive[chunk] = predict(model, x_adv) == labels[chunk]
        results[eps] = alive.float().mean().item()
        if on_progress is not None:
            on_progress((i + 1) / len(eps_sorted))
    return [results[e] for e in eps_list]


def held_out_digits(n: int) -> tuple[torch.Tensor, torch.Tensor]:
    """n class-balanced held-out digits: images (n, 1, 28, 28) in [0, 1], labels (n,)."""
    from models.data import mnist_split
    return mnist_split().balanced_test(n)


def robustness_experiment(n: int, steps: int = 10, seed: int = 0,
                          on_progress: Progress | None = None) -> pd.DataFrame:
    """Accuracy under PGD-`steps` vs eps (SWEEP_EPS) for every digit model, on n held-out digits."""
    from models import load_pretrained
    x, y = held_out_digits(n)
    table = {"eps": list(SWEEP_EPS)}
    for i, name in enumerate(DIGIT_MODELS):
        def progress(f: float, i: int = i) -> None:
            if on_progress:
                on_progress((i + f) / len(DIGIT_MODELS))
        table[name] = robust_accuracy(load_pretrained(name), x, y, SWEEP_EPS, steps, seed, progress)
    return pd.DataFrame(table)


def robustness_figure(table: pd.DataFrame, eps: float, eps_text: str, digits: bool) -> go.Figure:
    """The sweep's curves, one per digit model, with the page's ε marked (digits only)."""
    series = {DIGIT_MODELS[m]: table[m] for m in DIGIT_MODELS}
    return plots.line_chart(table["eps"], series, "Accuracy under PGD-10 vs ε", "ε (L∞)", "accuracy",
                            y_range=(0, 1), mark_x=eps if digits else None, mark_label=f"your ε {eps_text}")


def robustness_caption(table: pd.DataFrame, eps: float, n: int, digits: bool) -> str:
    """The curves read off at the sweep's ε nearest the page's (photos: at PHOTO_READ_EPS), and
    what robustness costs in clean accuracy."""
    here = table.iloc[(table["eps"] - (eps if digits else PHOTO_READ_EPS)).abs().argmin()]
    return (f"At ε = {here['eps']:.2f} the standard CNN keeps {here['mnist_cnn']:.0%} of {n} digits, the "
            f"adversarially trained CNN {here['mnist_cnn_robust']:.0%}, the MLP {here['mnist_mlp']:.0%}; "
            + clean_cost(float(table["mnist_cnn"][0]), float(table["mnist_cnn_robust"][0])))


def clean_cost(standard: float, robust: float) -> str:
    """What adversarial training cost on clean digits (ε = 0), said with both accuracies and its sign."""
    if robust < standard:
        return (f"robustness costs {standard - robust:.1%} of clean accuracy ({robust:.1%} against the standard "
                f"CNN's {standard:.1%}).")
    return (f"here robustness costs no clean accuracy ({robust:.1%} against the standard CNN's {standard:.1%}).")


# ---------------------------------------------------------------- one image at every budget
def answers(model: nn.Module, shots: Sequence[torch.Tensor], labels: Sequence[str]) -> list[str]:
    """The model's top class for each attacked image (1, C, H, W)."""
    return [predict_topk(model, s, labels)[0][0] for s in shots]


def first_flip(budgets: Sequence[float], says: Sequence[str], original: str) -> float | None:
    """The smallest budget at which the answer leaves `original`, or None if it never does."""
    return next((e for e, c in zip(budgets, says) if c != original), None)


def budgets_figure(shots: Sequence[torch.Tensor], budgets: Sequence[float], says: Sequence[str],
                   attack: str) -> go.Figure:
    """The attacked digit at every budget in a row, the model's answer above each."""
    return plots.image_rows([[s[0, 0].numpy() for s in shots]], [f"ε {e:.2f}: “{c}”" for e, c in zip(budgets, says)],
                            [ATTACKS[attack]], 150, error_last=False)


def budgets_caption(attack: str, budgets: Sequence[float], says: Sequence[str], original: str) -> str:
    flip = first_flip(budgets, says, original)
    beyond = [e for e in budgets if e > DIGIT_EPS_RANGE[1]]
    return (f"{ATTACKS[attack]} on this digit at every budget, with the model's answer above each: "
            + (f"it first leaves “{original}” at ε = {flip:.2f}." if flip is not None
               else f"it stays “{original}” up to ε = {budgets[-1]:.2f}.")
            + (f" The strip, like the sweep, goes one step past the ε slider's {DIGIT_EPS_RANGE[1]:.2f}, to "
               f"{beyond[-1]:.2f}." if beyond else ""))
