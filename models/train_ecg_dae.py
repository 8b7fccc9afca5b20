"""Train `ecg_dae`, a dense denoising autoencoder on windows of a synthetic normal ECG, and measure
how well its window reconstruction error finds injected anomalies.

    python -m models.train_ecg_dae            # ~20 s on 2 cores
    python -m models.train_ecg_dae --dry-run
"""
from __future__ import annotations

import argparse
import time

import torch
import torch.nn.functional as F

from models.autoencoder import DenseAutoencoder, DenseAutoencoderConfig
from models.ecg import ANOMALIES, RATE, synthetic_ecg, anomalous_signal, window_labels, windows
from models.training import WEIGHTS_DIR, batches, command_line, save_pretrained, seed_everything

NAME = "ecg_dae"
STRIDE = 16  # samples between window starts
AUROC_BAR = 0.9


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--seconds", type=float, default=600.0, help="length of the normal training trace")
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--dry-run", action="store_true", help="one batch, nothing saved")
    parser.add_argument("--out", default=str(WEIGHTS_DIR))
    args = parser.parse_args(argv)

    from demos.anomaly import auroc  # the page's own metric

    gen = seed_everything(args.seed)
    config = DenseAutoencoderConfig()
    model = DenseAutoencoder(config)
    train = synthetic_ecg(args.seconds, seed=args.seed)
    model.mean.fill_(float(train.mean()))
    model.std.fill_(float(train.std()))
    x = torch.from_numpy(windows(train, config.window, STRIDE))
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-5)
    epochs = 1 if args.dry_run else args.epochs
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, args.lr,
                                                    total_steps=-(-len(x) // args.batch_size) * epochs)
    start = time.time()
    for epoch in range(epochs):
        model.train()
        for batch, _ in batches(x, torch.zeros(len(x)), args.batch_size, gen):
            noisy = batch + config.input_noise * float(model.std) * torch.randn(batch.shape, generator=gen)
            loss = F.mse_loss(model(noisy)[0], batch)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            scheduler.step()
            if args.dry_run:
                break
        print(f"epoch {epoch + 1:2d}  loss {loss.item():.5f}  {time.time() - start:.0f}s", flush=True)
    model.eval()
    signal, mask = anomalous_signal(120.0, ANOMALIES, seed=args.seed + 1000)
    w = torch.from_numpy(windows(signal, config.window, STRIDE))
    with torch.no_grad():
        scores = ((model(w)[0] - w) ** 2).mean(1).numpy()
    metrics = {"window_auroc": round(auroc(scores, window_labels(mask, config.window, STRIDE)), 4),
               "final_loss": round(loss.item(), 5), "train_seconds": round(time.time() - start, 1)}
    print(metrics)
    if not args.dry_run:
        save_pretrained(model, NAME, args.out, {
            "architecture": "dense denoising autoencoder 128 -> 64 -> 12 -> 64 -> 128",
            "task": "anomaly detection on windows of a 1-D signal (trained on normal data only)",
            "input": f"(B, {config.window}) raw signal windows at {RATE} Hz; standardises internally",
            "data": {"source": "models.ecg.synthetic_ecg (generated, no download)",
                     "train_seconds_of_signal": args.seconds, "stride": STRIDE,
                     "test": f"120 s with one of each anomaly {ANOMALIES}, seed {args.seed + 1000}"},
            "seed": args.seed,
            "recipe": {k: v for k, v in vars(args).items() if k not in ("dry_run", "out")}
                      | {"loss": "MSE on clean target from noisy input", "optimizer": "AdamW + OneCycle"},
            "metrics": metrics, "metric_bar": {"window_auroc": AUROC_BAR},
            "command": command_line("models.train_ecg_dae", argv),
        })
    return metrics


if __name__ == "__main__":
    main()
