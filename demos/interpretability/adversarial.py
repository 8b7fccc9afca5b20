"""The adversarial link: an FGSM example (Goodfellow et al. 2015, re-derived here: this package does
not import the attacks page's) changes the answer with an invisible change, and then the maps explain
the new answer — explanations are as fragile as the model (Ghorbani et al. 2019)."""
from __future__ import annotations

import torch
import torch.nn.functional as F

from demos.interpretability import hero, methods, similarity

EPS_255 = (0, 16, 4)  # photos: ε in 1/255 (smallest, largest, default)
EPS_DIGITS = (0.0, 0.3, 0.15)  # digits: ε in pixel units


def fgsm(model: torch.nn.Module, x: torch.Tensor, label: int, eps: float) -> torch.Tensor:
    """x′ = clip(x + ε·sign(∇ₓ CE(f(x), label)), 0, 1): one step up the loss of `label`."""
    x = x.detach().clone().requires_grad_(True)
    loss = F.cross_entropy(model(x), torch.tensor([label]))
    grad = torch.autograd.grad(loss, x)[0]
    return (x + eps * grad.sign()).clamp(0, 1).detach()


def map_changes(clean: hero.Explained, adversarial: hero.Explained) -> dict[str, float]:
    """Each method's rank correlation between the clean map and the adversarial one."""
    a, b = hero.flat_maps(clean), hero.flat_maps(adversarial)
    return {m: similarity.spearman(a[m], b[m]) for m in a}


def adversarial_caption(before: str, after: str, probability: float, eps_text: str, changes: dict[str, float]) -> str:
    """The flip (or not) in words, and how far the maps moved."""
    most = min(changes, key=changes.get)
    least = max(changes, key=changes.get)
    what = (f"FGSM at ε = {eps_text} flips the answer from “{before}” to “{after}” ({probability:.0%})"
            if after != before else f"FGSM at ε = {eps_text} leaves the answer at “{before}” ({probability:.0%})")
    return (f"{what}; the maps explain the answer on the attacked image. Most changed: {methods.METHODS[most]} "
            f"(rank correlation with its clean map {changes[most]:.2f}); least: {methods.METHODS[least]} "
            f"({changes[least]:.2f}).")
