"""Train the ten one-class convolutional autoencoders (`mnist_ae`, or with --input-noise the
denoising `mnist_dae`): autoencoder c sees only training digits of class c.

    python -m models.train_autoencoders                                   # mnist_ae (~2 min)
    python -m models.train_autoencoders --name mnist_dae --input-noise 0.3
    python -m models.train_autoencoders --dry-run
"""
from __future__ import annotations

import argparse
import time

import torch
import torch.nn.functional as F

from models.autoencoder import ConvAutoencoderConfig, OneClassAutoencoders
from models.data import MNIST_SOURCE, NORMAL_VALIDATION, mnist_split, one_class_split
from models.training import WEIGHTS_DIR, batches, command_line, save_pretrained, seed_everything

AUROC_BAR = 0.95  # per class; the tests demand it for at least 8 of the 10 classes


def train_expert(ae, images: torch.Tensor, noise: float, epochs: int, lr: float, batch_size: int,
                 gen: torch.Generator, dry_run: bool) -> float:
    """BCE-with-logits reconstruction of the clean image from a (possibly noisy) input."""
    optimizer = torch.optim.AdamW(ae.parameters(), lr=lr, weight_decay=1e-5)
    steps = -(-len(images) // batch_size) * epochs
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, lr, total_steps=steps)
    ae.train()
    loss = torch.tensor(0.0)
    for _ in range(epochs):
        for x, _ in batches(images, torch.zeros(len(images)), batch_size, gen):
            noisy = (x + noise * torch.randn(x.shape, generator=gen)).clamp(0, 1) if noise else x
            logits, _ = ae(noisy)
            loss = F.binary_cross_entropy_with_logits(logits, x)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            scheduler.step()
            if dry_run:
                return loss.item()
    return loss.item()


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--name", default="mnist_ae", choices=["mnist_ae", "mnist_dae"])
    parser.add_argument("--input-noise", type=float, default=0.0, help="denoising: input noise std")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--epochs", type=int, default=60)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--dry-run", action="store_true", help="one batch per class, nothing saved")
    parser.add_argument("--out", default=str(WEIGHTS_DIR))
    args = parser.parse_args(argv)

    from demos.anomaly import auroc, reconstruction_errors  # the page's own scoring, not a copy

    gen = seed_everything(args.seed)
    data = mnist_split()
    model = OneClassAutoencoders(ConvAutoencoderConfig(input_noise=args.input_noise))
    start, per_class = time.time(), {}
    for c in range(model.config.classes):
        fit_images, _ = one_class_split(c)
        loss = train_expert(model.experts[c], fit_images, args.input_noise, args.epochs, args.lr,
                            args.batch_size, gen, args.dry_run)
        model.eval()
        scores = reconstruction_errors(model, data.test_images, c).numpy()
        per_class[str(c)] = round(auroc(scores, (data.test_labels != c).numpy()), 4)
        print(f"class {c}: final loss {loss:.4f}  held-out AUROC (other digits vs {c}) "
              f"{per_class[str(c)]:.4f}  {time.time() - start:.0f}s", flush=True)
    metrics = {"auroc_mean": round(sum(per_class.values()) / 10, 4),
               "classes_at_bar": sum(v >= AUROC_BAR for v in per_class.values()),
               "auroc_per_class": per_class, "train_seconds": round(time.time() - start, 1)}
    print(metrics)
    if not args.dry_run:
        save_pretrained(model, args.name, args.out, {
            "architecture": "10 x conv autoencoder (2 strided convs -> 16-d code -> 2 transposed convs)",
            "task": "one-class anomaly detection: expert c is trained on digit c only",
            "input": "(B, 1, 28, 28) in [0, 1] and the normal class; returns reconstruction logits, codes",
            "data": {"source": MNIST_SOURCE, "split": "models.data.one_class_split(c)",
                     "split_fingerprint": data.fingerprint(),
                     "fit_per_class": 400 - NORMAL_VALIDATION, "normal_validation_per_class": NORMAL_VALIDATION,
                     "test": "the 1,000 held-out digits (100 normal, 900 other per class)"},
            "seed": args.seed,
            "recipe": {k: v for k, v in vars(args).items() if k not in ("dry_run", "out", "name")}
                      | {"loss": "BCE with logits", "optimizer": "AdamW + OneCycle"},
            "metrics": metrics, "metric_bar": {"auroc_per_class": AUROC_BAR, "classes_at_bar": 8},
            "command": command_line("models.train_autoencoders", argv),
        })
    return metrics


if __name__ == "__main__":
    main()
