"""The attacks: FGSM (Goodfellow et al. 2015), BIM/PGD (Kurakin et al. 2017; Madry et al. 2018) and
MI-FGSM (Dong et al. 2018), then the hero's words: what the attack aims at and whether it flipped.

Attacks work in pixel space: `images` are (N, C, H, W) in [0, 1], models normalise internally, and
every result is clamped to [0, 1] and to the L-infinity ball of radius `eps` around the input.
Gradients are taken with `torch.autograd.grad`, so shared models are never touched (no `.grad`
on their parameters, no mode flips, no hooks).
"""
from __future__ import annotations

from typing import Callable

import torch
import torch.nn.functional as F
from torch import nn

ATTACKS = {"fgsm": "FGSM", "fgsm_targeted": "Targeted FGSM", "bim": "BIM", "pgd": "PGD",
           "mifgsm": "MI-FGSM"}  # name -> title
ITERATIVE = ("bim", "pgd", "mifgsm")  # the attacks that take steps and a step size
DIGIT_MODELS = {"mnist_cnn": "Standard CNN", "mnist_cnn_robust": "Adversarially trained CNN",
                "mnist_mlp": "MLP"}  # registry name -> title
DIGIT_EPS_RANGE = (0.0, 0.3)  # digits: eps in pixel units of [0, 1]
PHOTO_EPS_RANGE_255 = (0, 16)  # photos: eps in steps of 1/255


def _input_gradient(model: nn.Module, images: torch.Tensor, labels: torch.Tensor,
                    targeted: bool) -> torch.Tensor:
    """d loss / d images, with the sign flipped for targeted attacks (descend towards the target)."""
    x = images.detach().clone().requires_grad_(True)
    loss = F.cross_entropy(model(x), labels, reduction="sum")
    (grad,) = torch.autograd.grad(loss, x)
    return -grad if targeted else grad


def fgsm(model: nn.Module, images: torch.Tensor, labels: torch.Tensor, eps: float,
         targeted: bool = False) -> torch.Tensor:
    """Fast gradient sign method: x' = clip_[0,1](x + eps * sign(grad_x L(x, y))).
    targeted=True: `labels` are target classes and the step goes down the target's loss."""
    grad = _input_gradient(model, images, labels, targeted)
    return (images + eps * grad.sign()).clamp(0, 1).detach()


def _project(x_adv: torch.Tensor, images: torch.Tensor, eps: float) -> torch.Tensor:
    """Back into the eps-ball around `images` (L-infinity) and the valid pixel range."""
    return torch.min(torch.max(x_adv, images - eps), images + eps).clamp(0, 1)


def pgd(model: nn.Module, images: torch.Tensor, labels: torch.Tensor, eps: float, alpha: float,
        steps: int, random_start: bool = True, targeted: bool = False,
        generator: torch.Generator | None = None, momentum: float = 0.0,
        on_step: Callable[[int], None] | None = None) -> torch.Tensor:
    """Projected gradient descent: `steps` signed-gradient steps of size `alpha`, each followed by a
    projection onto the eps-ball. random_start=False is BIM; momentum > 0 is MI-FGSM."""
    x = images.detach()
    if random_start and eps > 0:
        noise = torch.rand(x.shape, generator=generator, dtype=x.dtype) * 2 - 1
        x = _project(x + eps * noise, images, eps)
    velocity = torch.zeros_like(images)
    for step in range(steps):
        grad = _input_gradient(model, x, labels, targeted)
        if momentum:  # MI-FGSM: accumulate L1-normalised gradients, step along the sign of the sum
            l1 = grad.abs().flatten(1).sum(1).clamp_min(1e-12).view(-1, *[1] * (grad.ndim - 1))
            velocity = momentum * velocity + grad / l1
            grad = velocity
        x = _project(x + alpha * grad.sign(), images, eps).detach()
        if on_step is not None:
            on_step(step)
    return x


def mifgsm(model: nn.Module, images: torch.Tensor, labels: torch.Tensor, eps: float, alpha: float,
           steps: int, decay: float = 1.0, targeted: bool = False) -> torch.Tensor:
    """Momentum iterative FGSM (Dong et al. 2018): BIM with a decayed running gradient."""
    return pgd(model, images, labels, eps, alpha, steps, random_start=False, targeted=targeted,
               momentum=decay)


def attack(name: str, model: nn.Module, images: torch.Tensor, labels: torch.Tensor, eps: float,
           alpha: float, steps: int, seed: int = 0) -> torch.Tensor:
    """Run one of ATTACKS by name (for targeted FGSM, `labels` are the targets)."""
    gen = torch.Generator().manual_seed(seed)
    if name == "fgsm":
        return fgsm(model, images, labels, eps)
    if name == "fgsm_targeted":
        return fgsm(model, images, labels, eps, targeted=True)
    if name == "bim":
        return pgd(model, images, labels, eps, alpha, steps, random_start=False)
    if name == "pgd":
        return pgd(model, images, labels, eps, alpha, steps, random_start=True, generator=gen)
    if name == "mifgsm":
        return mifgsm(model, images, labels, eps, alpha, steps)
    raise ValueError(f"unknown attack {name!r}; choose from {', '.join(ATTACKS)}")


def craft(name: str, model: nn.Module, images: torch.Tensor, label: int, eps: float, steps: int,
          ratio: float, seed: int = 0) -> torch.Tensor:
    """The page's attack on ONE image: `name` towards/away from class index `label`, step size
    alpha = ratio * eps / steps (the "Step α (× ε/steps)" control)."""
    return attack(name, model, images, torch.tensor([label]), eps, ratio * eps / steps, steps, seed)


@torch.no_grad()
def predict(model: nn.Module, images: torch.Tensor) -> torch.Tensor:
    return model(images).argmax(dim=1)


# ---------------------------------------------------------------- the hero, in words
def aim(target: str | None, truth: str | None, answer: str) -> str:
    """The class the attack works on: the `target` of a targeted attack, else the image's true
    class (a held-out digit's label), else the model's clean `answer` (photos and uploads)."""
    return target if target is not None else (truth or answer)


def target_note(target: str | None, truth: str | None, answer: str) -> str | None:
    """A warning when a targeted attack aims at the class the image already is."""
    if target is None or target != aim(None, truth, answer):
        return None
    return (f"The target “{target}” is already the model's answer: a targeted attack has nothing "
            "to do. Pick another target class.")


def eps_text(eps: float, digits: bool) -> str:
    """ε as the page shows it: 0.10 for digits, 2/255 for photos."""
    return f"{eps:.2f}" if digits else f"{round(eps * 255)}/255"


def download_name(attack: str, eps_text: str) -> str:
    """File name of the downloaded adversarial image: adversarial_pgd_eps_2-255.png."""
    return f"adversarial_{attack}_eps_{eps_text.replace('/', '-')}.png"


def flip_caption(before: tuple[str, float], after: tuple[str, float], eps_text: str,
                 target: str | None = None) -> str:
    """The label flip in words, e.g. for a presenter: (top class, probability) before and after;
    with a `target`, whether the targeted attack reached it."""
    if target is not None and after[0] != target:
        moved = "" if after[0] == before[0] else f" (it moved the answer to “{after[0]}”, {after[1]:.0%})"
        return (f"The targeted attack missed: it aimed for “{target}” at ε = {eps_text}, but the model says "
                f"“{after[0]}”{moved}. Raise ε, or pick an easier target.")
    if before[0] == after[0]:
        return (f"The model still says “{before[0]}” ({before[1]:.0%} → {after[1]:.0%}): this attack "
                f"at ε = {eps_text} did not flip it. Raise ε or use an iterative attack.")
    reached = ", the target it aimed for," if target is not None else ""
    return (f"The prediction flipped from “{before[0]}” ({before[1]:.0%}) to “{after[0]}”{reached} "
            f"({after[1]:.0%}) with no pixel changed by more than {eps_text}.")
