"""Adversarial examples: FGSM (Goodfellow et al. 2015), BIM/PGD (Kurakin et al. 2017; Madry et al.
2018), MI-FGSM (Dong et al. 2018), robust accuracy, transfer, and an input-transform "defence" with
its BPDA break (Athalye et al. 2018).

Attacks work in pixel space: `images` are (N, C, H, W) in [0, 1], models normalise internally, and
every result is clamped to [0, 1] and to the L-infinity ball of radius `eps` around the input.
Gradients are taken with `torch.autograd.grad`, so shared models are never touched (no `.grad`
on their parameters, no mode flips, no hooks).
"""
from __future__ import annotations

from typing import Callable, Sequence


import torch
import torch.nn.functional as F
from torch import nn

ATTACKS = {"fgsm": "FGSM", "fgsm_targeted": "Targeted FGSM", "bim": "BIM", "pgd": "PGD",
           "mifgsm": "MI-FGSM"}  # name -> title
DIGIT_MODELS = {"mnist_cnn": "Standard CNN", "mnist_cnn_robust": "Adversarially trained CNN",
                "mnist_mlp": "MLP"}  # registry name -> title
DIGIT_EPS_RANGE = (0.0, 0.3)  # digits: eps in pixel units of [0, 1]
PHOTO_EPS_RANGE_255 = (0, 16)  # photos: eps in steps of 1/255
SWEEP_EPS = (0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35)  # 8 budgets for the robustness curve


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


@torch.no_grad()
def predict(model: nn.Module, images: torch.Tensor) -> torch.Tensor:
    return model(images).argmax(dim=1)


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


def _gaussian_window(size: int = 11, sigma: float = 1.5) -> torch.Tensor:
    g = torch.exp(-((torch.arange(size) - size // 2) ** 2) / (2 * sigma**2))
    g = g / g.sum()
    return (g[:, None] * g[None, :])[None, None]  # (1, 1, size, size)


def ssim(a: torch.Tensor, b: torch.Tensor) -> float:
    """Structural similarity (Wang et al. 2004), Gaussian window 11 / sigma 1.5, data range 1,
    averaged over channels and the positions where the window fits. a, b: (1, C, H, W) in [0, 1]."""
    c = a.shape[1]
    size = min(11, a.shape[-1], a.shape[-2]) | 1
    w = _gaussian_window(size).to(a.dtype).expand(c, 1, size, size)

    def blur(x: torch.Tensor) -> torch.Tensor:
        return F.conv2d(x, w, groups=c)

    mu_a, mu_b = blur(a), blur(b)
    var_a, var_b = blur(a * a) - mu_a**2, blur(b * b) - mu_b**2
    cov = blur(a * b) - mu_a * mu_b
    c1, c2 = 0.01**2, 0.03**2
    s = ((2 * mu_a * mu_b + c1) * (2 * cov + c2)) / ((mu_a**2 + mu_b**2 + c1) * (var_a + var_b + c2))
    return s.mean().item()


def perceptibility(images: torch.Tensor, adversarial: torch.Tensor) -> dict[str, float]:
    """How visible the change is: L-inf and L2 norms of the perturbation (pixel units), and SSIM."""
    delta = (adversarial - images).flatten()
    return {"linf": delta.abs().max().item(), "l2": delta.norm().item(),
            "ssim": ssim(images, adversarial)}


def flip_sentence(before: tuple[str, float], after: tuple[str, float], eps_text: str,
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
