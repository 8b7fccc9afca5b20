"""Train `mnist_cgan`, a small conditional DCGAN, on 3,500 of the project's training digits with the
non-saturating loss and AC-GAN's auxiliary class loss. Every epoch its samples are scored against the 500 validation digits (Frechet
distance in the digit CNN's feature space, and whether the CNN reads the intended class); the epoch
with the best validation distance is kept. The 1,000 held-out digits are used once, at the end.

    python -m train.digit_gan             # ~13 min wall on 2 cores shared by ~8 jobs (2.5 min of CPU)
    python -m train.digit_gan --dry-run   # one batch, nothing saved
"""
from __future__ import annotations

import copy
import time

import numpy as np
import torch
import torch.nn.functional as F

from demos.generative.digit_gan import generate, latent_noise
from demos.generative.digits import features, frechet_distance, nearest_neighbours
from models.data import mnist_split, validation_split
from models.gan import DigitGan, DigitGanConfig
from models.mnist_cnn import normalise
from models.registry import load_pretrained
from train.common import batches, command_line, mnist_card, n_batches, parser, recipe, save_pretrained, seed_everything

BAR = {"fid_cnn": 2.0, "class_fidelity": 0.85, "memorisation_ratio": 0.8}  # the tests demand these  # the tests demand these


@torch.no_grad()
def sample_per_class(gan: DigitGan, per_class: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """per_class digits of every class from fixed noise: (images (10 n, 1, 28, 28), labels)."""
    gan.eval()
    labels = torch.arange(10).repeat_interleave(per_class)
    z = latent_noise(seed, len(labels), gan.config.latent)
    return torch.from_numpy(generate(gan, z, labels))[:, None], labels


@torch.no_grad()
def score(gan: DigitGan, cnn, real: torch.Tensor | np.ndarray, per_class: int, seed: int) -> dict[str, float]:
    """Frechet distance of the samples to `real` images (or their CNN features, see `features`) in the
    digit CNN's features, and class fidelity (the CNN reads the class each sample was asked for)."""
    fakes, labels = sample_per_class(gan, per_class, seed)
    fmap = cnn.features(normalise(fakes))  # one pass gives both the features and the class
    fake_features = fmap.mean((2, 3)).numpy().astype(np.float64)
    real_features = real if isinstance(real, np.ndarray) else features(cnn, real)
    return {"fid_cnn": round(frechet_distance(fake_features, real_features), 3),
            "class_fidelity": round((cnn.classifier(fmap).argmax(1) == labels).float().mean().item(), 4)}


def main(argv: list[str] | None = None) -> dict:
    p = parser(__doc__, epochs=25, batch_size=64, lr=2e-4, weight_decay=0.0)
    args = p.parse_args(argv)
    gen = seed_everything(args.seed)
    data = mnist_split()
    fit_x, fit_y, val_x, _ = validation_split()
    gan, cnn = DigitGan(DigitGanConfig()), load_pretrained("mnist_cnn")
    G, D = gan.generator, gan.discriminator
    opt_g = torch.optim.Adam(G.parameters(), lr=args.lr, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(D.parameters(), lr=args.lr, betas=(0.5, 0.999))
    val_features = features(cnn, val_x)  # the validation digits never change: their features once
    history, best, start = [], None, time.time()
    for epoch in range(1, (1 if args.dry_run else args.epochs) + 1):
        gan.train()
        d_sum = g_sum = 0.0
        for x, y in batches(fit_x, fit_y, batch_size=args.batch_size, generator=gen):
            fake = G(torch.randn(len(x), gan.config.latent, generator=gen), gan.onehot(y))  # in [-1, 1]
            (d_real, c_real), (d_fake, _) = D(x), D((fake.detach() + 1) / 2)
            # -log D(x) - log(1 - D(G(z))), plus AC-GAN's class term, learnt from real digits only
            loss_d = F.softplus(-d_real).mean() + F.softplus(d_fake).mean() + F.cross_entropy(c_real, y)
            opt_d.zero_grad()
            loss_d.backward()
            opt_d.step()
            d_gen, c_gen = D((fake + 1) / 2)
            loss_g = F.softplus(-d_gen).mean() + F.cross_entropy(c_gen, y)  # non-saturating -log D(G(z)) + class
            opt_g.zero_grad()
            loss_g.backward()
            opt_g.step()
            d_sum, g_sum = d_sum + loss_d.item(), g_sum + loss_g.item()
            if args.dry_run:
                break
        steps = n_batches(len(fit_x), args.batch_size)
        row = {"epoch": epoch, "d_loss": round(d_sum / steps, 4), "g_loss": round(g_sum / steps, 4)}
        row |= {f"val_{k}": v for k, v in score(gan, cnn, val_features, 2 if args.dry_run else 20, 1).items()}
        history.append(row)
        print("  ".join(f"{k} {v}" for k, v in row.items()) + f"  {time.time() - start:.0f}s", flush=True)
        if best is None or row["val_fid_cnn"] < best[0]:
            best = (row["val_fid_cnn"], epoch, copy.deepcopy(gan.state_dict()))
    gan.load_state_dict(best[2])
    if args.dry_run:
        return history[-1]
    metrics = score(gan, cnn, data.test_images, 100, 2) | memorisation(gan, fit_x, data.test_images)
    metrics |= {"kept_epoch": best[1], "train_seconds": round(time.time() - start, 1)}
    print(metrics)
    save_pretrained(gan, "mnist_cgan", args.out, {
        "architecture": "conditional DCGAN: G (z 32 + one-hot 10) -> dense 64x7x7 -> 2 transposed convs "
                        "(BN, ReLU, tanh); D: 2 strided convs (32, 64) -> linear: real/fake logit + 10 class logits (AC-GAN)",
        "task": "generate a digit of a chosen class from noise",
        "input": "z (B, 32) ~ N(0, I) and labels (B,) -> digits (B, 1, 28, 28) in [0, 1]",
        "data": mnist_card(data, len(fit_x), len(val_x)),
        "seed": args.seed,
        "recipe": recipe(args, optimizer="Adam(beta1 = 0.5), one D step per G step",
                         loss="non-saturating GAN loss + AC-GAN class cross-entropy (D's class head on real digits, G on fakes)",
                         selection="epoch with the lowest validation fid_cnn"),
        "history": history,
        "metrics": metrics, "metric_bar": BAR,
        "metric_notes": {
            "fid_cnn": "Frechet distance between 1,000 samples (100 per class) and the 1,000 held-out "
                       "digits in the digit CNN's 64 pooled conv features (not Inception: not comparable "
                       "with published FIDs)",
            "class_fidelity": "share of samples the digit CNN reads as the class they were asked for",
            "memorisation_ratio": "median pixel distance from a sample to its nearest fit digit, divided "
                                  "by the same for held-out real digits (about 1: no copying; << 1: copies)"},
        "command": command_line("train.digit_gan", argv),
    })
    return metrics


@torch.no_grad()
def memorisation(gan: DigitGan, fit_x: torch.Tensor, test_x: torch.Tensor) -> dict[str, float]:
    """Are samples closer to the training digits than new real digits are?"""
    fakes, _ = sample_per_class(gan, 100, 3)
    pool = fit_x.squeeze(1).numpy()
    _, d_fake = nearest_neighbours(fakes.squeeze(1).numpy(), pool)
    _, d_real = nearest_neighbours(test_x.squeeze(1).numpy(), pool)
    return {"memorisation_ratio": round(float(np.median(d_fake) / np.median(d_real)), 4),
            "nn_distance_samples": round(float(np.median(d_fake)), 3),
            "nn_distance_heldout": round(float(np.median(d_real)), 3)}


if __name__ == "__main__":
    main()
