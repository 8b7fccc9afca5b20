"""Train the 2-D-bottleneck autoencoders of the generative page: `mnist_ae_2d` (a plain autoencoder)
or `mnist_vae_2d` (one VAE per KL weight beta, trained side by side on the same batches), on 3,500 of
the project's training digits; the other 500 (validation) are watched every epoch and the 1,000
held-out digits are measured once at the end.

    python -m train.latent_autoencoders --name mnist_ae_2d     # ~2.5 min wall on 2 busy cores (35 s of CPU)
    python -m train.latent_autoencoders --name mnist_vae_2d    # ~5 min wall (3 VAEs)
    python -m train.latent_autoencoders --dry-run              # one batch, nothing saved
"""
from __future__ import annotations

import time

import numpy as np
import torch

from demos.generative.digits import features, frechet_distance
from demos.generative.latent_space import empty_share, knn_accuracy
from demos.generative.vae import BETAS, decode, elbo_terms, encode
from models.data import mnist_split, validation_split
from models.registry import load_pretrained
from models.vae import LatentAutoencoderConfig, LatentAutoencoders
from train.common import (batches, command_line, fit, mnist_card, n_batches, parser, recipe,
                          save_pretrained, seed_everything)

CONFIGS = {"mnist_ae_2d": LatentAutoencoderConfig(variational=False, betas=(0.0,)),
           "mnist_vae_2d": LatentAutoencoderConfig(variational=True, betas=BETAS)}
BARS = {"mnist_ae_2d": {"recon_nats": 165.0, "knn_accuracy": 0.55},  # the tests demand these
        "mnist_vae_2d": {"neg_elbo_beta1": 170.0, "knn_accuracy_beta1": 0.5}}


@torch.no_grad()
def evaluate(model: LatentAutoencoders, images: torch.Tensor, seed: int) -> dict[str, float]:
    """Mean reconstruction and KL (nats per digit, one sampled z each) for every member."""
    model.eval()
    out = {}
    gen = torch.Generator().manual_seed(seed)
    for beta, member in zip(model.config.betas, model.members):
        recon, kl = elbo_terms(member, images, gen)
        tag = f"_beta{beta:g}" if member.variational else ""
        out[f"recon_nats{tag}"] = round(recon.mean().item(), 2)
        if member.variational:
            out[f"kl_nats{tag}"] = round(kl.mean().item(), 2)
            out[f"neg_elbo{tag}"] = round((recon + kl).mean().item(), 2)
    return out


def main(argv: list[str] | None = None) -> dict:
    p = parser(__doc__, names=sorted(CONFIGS), epochs=80, batch_size=64, lr=3e-3, weight_decay=1e-5)
    args = p.parse_args(argv)
    gen = seed_everything(args.seed)
    data = mnist_split()
    fit_x, fit_y, val_x, _ = validation_split()
    model = LatentAutoencoders(CONFIGS[args.name])
    epochs = 1 if args.dry_run else args.epochs

    def loss(x: torch.Tensor) -> torch.Tensor:  # the members learn side by side from the same batch
        total = 0.0
        for beta, member in zip(model.config.betas, model.members):
            recon, kl = elbo_terms(member, x, gen)
            total = total + (recon + beta * kl).mean()
        return total / 784  # per pixel, so the learning rate means the same for every member count

    start = time.time()
    history = fit(model, lambda e: batches(fit_x, batch_size=args.batch_size, generator=gen), loss,
                  n_batches(len(fit_x), args.batch_size), epochs, args.lr, args.weight_decay,
                  lambda: {f"val_{k}": v for k, v in evaluate(model, val_x, 1).items()}, dry_run=args.dry_run)
    if args.dry_run:
        return history[-1]
    model = model.half().float()  # the weights are stored in float16: measure what is committed
    metrics = evaluate(model, data.test_images, 2) | {"train_seconds": round(time.time() - start, 1)}
    metrics |= latent_metrics(model, fit_x, fit_y, data, args.seed)
    print(metrics)
    kind = "VAEs, one per KL weight beta" if model.config.variational else "plain autoencoder"
    save_pretrained(model.half(), args.name, args.out, {
        "architecture": f"{kind}: 784 -> dense 128 (ReLU) -> linear 2-D code -> dense 128 (ReLU) -> 784 "
                        "pixel logits; weights stored in float16",
        "task": "reconstruct digits through a 2-D bottleneck; decode any latent point",
        "input": "(B, 1, 28, 28) in [0, 1]; returns Coded(logits, mu, logvar, z)",
        "data": mnist_card(data, len(fit_x), len(val_x)),
        "seed": args.seed,
        "recipe": recipe(args, optimizer="AdamW + OneCycle",
                         loss="BCE summed over pixels" + (" + beta * KL(q(z|x) || N(0, I))" if model.config.variational else "")),
        "history": history,
        "metrics": metrics, "metric_bar": BARS[args.name],
        "metric_notes": {"recon_nats": "binary cross-entropy summed over 784 pixels, held-out digits",
                         "neg_elbo": "reconstruction + KL at beta = 1 weight: an upper bound on -log p(x)",
                         "knn_accuracy": "5-NN class vote of held-out codes among the fit digits' codes",
                         "prior_fid_cnn": "Frechet distance (digit CNN features) between 1,000 decodes of z ~ N(0, I) and the "
                         "held-out digits; lower = more digit-like",
        "fitted_fid_cnn": "the same for z drawn from a Gaussian fitted to the AE's training codes",
        "code_mean, code_std": "centre and spread of the held-out digits' codes, per axis",
        "empty_share": "share of a 30 x 30 grid over +-2 spreads around the codes' centre with no held-out "
                       "code within 0.25 spreads (holes in the map)"},
        "command": command_line("train.latent_autoencoders", argv),
    })
    return metrics


def latent_metrics(model: LatentAutoencoders, fit_x: torch.Tensor, fit_y: torch.Tensor, data,
                   seed: int) -> dict[str, float]:
    """How the 2-D maps look, in numbers: where the held-out codes sit (centre, spread), how much of
    the map is empty, whether codes cluster by class (k-NN), and how digit-like decodes of random
    latent points are (z ~ N(0, I), the prior a VAE is trained towards; for the AE also a Gaussian
    fitted to its training codes)."""
    cnn = load_pretrained("mnist_cnn")
    real = features(cnn, data.test_images)
    rng = np.random.default_rng(seed)
    out = {}
    for beta, member in zip(model.config.betas, model.members):
        member.eval()
        tag = f"_beta{beta:g}" if member.variational else ""
        train_codes, test_codes = encode(member, fit_x), encode(member, data.test_images)
        out[f"knn_accuracy{tag}"] = round(knn_accuracy(train_codes, fit_y.numpy(), test_codes,
                                                       data.test_labels.numpy()), 4)
        out[f"code_mean{tag}"] = [round(float(v), 3) for v in test_codes.mean(0)]
        out[f"code_std{tag}"] = [round(float(v), 3) for v in test_codes.std(0)]
        out[f"empty_share{tag}"] = round(empty_share(test_codes), 4)
        samples = {"prior": rng.standard_normal((1000, 2))}
        if not member.variational:
            samples["fitted"] = rng.multivariate_normal(train_codes.mean(0), np.cov(train_codes, rowvar=False), 1000)
        for kind, z in samples.items():
            fakes = torch.as_tensor(decode(member, z))[:, None]
            out[f"{kind}_fid_cnn{tag}"] = round(frechet_distance(features(cnn, fakes), real), 3)
    return out


if __name__ == "__main__":
    main()
