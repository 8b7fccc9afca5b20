"""Defences: feature squeezing's bit-depth reduction (Xu et al. 2018) against the naive attack and
against BPDA (Athalye et al. 2018), which breaks it, beside adversarial training (Madry et al. 2018)."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import torch
from torch import nn

from demos import plots
from demos.adversarial_attacks.attacks import pgd, predict
from demos.adversarial_attacks.robustness import Progress, held_out_digits


class BitDepth(nn.Module):
    """Feature squeezing's input transform (Xu et al. 2018): quantise pixels to `bits` bits.
    bpda=True replaces its zero gradient with the identity's (Athalye et al. 2018), which is how an
    adaptive attacker differentiates through it."""

    def __init__(self, bits: int, bpda: bool = False):
        super().__init__()
        self.levels, self.bpda = 2 ** bits - 1, bpda

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        q = torch.round(x * self.levels) / self.levels
        return x + (q - x).detach() if self.bpda else q


def defended(model: nn.Module, bits: int, bpda: bool = False) -> nn.Module:
    """The model behind a bit-depth "defence"; bpda=True gives the attacker's differentiable view."""
    return nn.Sequential(BitDepth(bits, bpda), model).eval()


def defence_report(model: nn.Module, images: torch.Tensor, labels: torch.Tensor, eps: float,
                   bits: int, steps: int = 10, seed: int = 0) -> dict[str, float]:
    """Accuracy of a bit-depth "defence" against the naive attack (which differentiates through the
    quantiser and gets zero gradient) and against BPDA (which does not): the honest comparison."""
    gen = torch.Generator().manual_seed(seed)
    guarded = defended(model, bits)
    alpha = 2.5 * eps / steps

    def acc(m: nn.Module, x: torch.Tensor) -> float:
        return (predict(m, x) == labels).float().mean().item()

    naive = pgd(guarded, images, labels, eps, alpha, steps, generator=gen)
    adaptive = pgd(defended(model, bits, bpda=True), images, labels, eps, alpha, steps, generator=gen)
    plain = pgd(model, images, labels, eps, alpha, steps, generator=gen)
    return {"no defence, clean": acc(model, images), "no defence, PGD": acc(model, plain),
            "bit-depth, clean": acc(guarded, images), "bit-depth, naive PGD": acc(guarded, naive),
            "bit-depth, BPDA PGD": acc(guarded, adaptive)}


def defence_experiment(n: int, eps: float, bits: int, steps: int = 10, seed: int = 0,
                       on_progress: Progress | None = None) -> pd.DataFrame:
    """Bit-depth reduction vs adversarial training, each against the naive and the adaptive attack."""
    from models import load_pretrained
    x, y = held_out_digits(n)
    rows = defence_report(load_pretrained("mnist_cnn"), x, y, eps, bits, steps, seed)
    if on_progress:
        on_progress(0.7)
    robust = load_pretrained("mnist_cnn_robust")
    gen = torch.Generator().manual_seed(seed)
    x_adv = pgd(robust, x, y, eps, 2.5 * eps / steps, steps, generator=gen)
    rows |= {"adversarial training, clean": (predict(robust, x) == y).float().mean().item(),
             "adversarial training, PGD": (predict(robust, x_adv) == y).float().mean().item()}
    if on_progress:
        on_progress(1.0)
    return pd.DataFrame({"setting": list(rows), "accuracy": list(rows.values())})


def defence_figure(table: pd.DataFrame) -> go.Figure:
    return plots.bar_chart(table["setting"], table["accuracy"], "Accuracy under attack")


def defence_caption(table: pd.DataFrame, bits: int, eps: float) -> str:
    """What the defences table says, in words: naive vs adaptive attack on bit-depth squeezing, and
    adversarial training."""
    acc = dict(zip(table["setting"], table["accuracy"]))
    naive, bpda = acc["bit-depth, naive PGD"], acc["bit-depth, BPDA PGD"]
    plain, trained = acc["no defence, PGD"], acc["adversarial training, PGD"]
    held = bpda >= plain + 0.25  # BPDA leaves far more than no defence at all: real robustness
    text = (f"At ε = {eps:.2f}, {bits}-bit squeezing keeps {naive:.0%} against naive PGD (its gradient through "
            f"the rounding is zero) and {bpda:.0%} against BPDA, which attacks through the rounding; the "
            f"undefended CNN keeps {plain:.0%} and the adversarially trained CNN {trained:.0%}. ")
    if held:
        text += ("Here the squeezing holds even against the adaptive attack: " + (
            "with 1 bit every pixel is rounded to black or white, and MNIST digits are already nearly "
            "black and white, so a change of at most ε rarely moves a pixel across the 0.5 cut — real "
            "robustness for small ε, not hidden gradients." if bits == 1 else
            "the rounding absorbs changes smaller than half a level at this ε."))
    elif naive > bpda + 0.1:
        text += "The naive attack's failure was gradient masking: BPDA breaks the defence."
    return text
