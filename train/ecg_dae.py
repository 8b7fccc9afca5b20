"""Train `ecg_dae`, a dense denoising autoencoder on windows of a synthetic normal ECG, watch a
validation trace with injected anomalies, and measure a separate test trace once at the end.

    python -m train.ecg_dae            # ~20 s on 2 cores
    python -m train.ecg_dae --dry-run
"""
from __future__ import annotations

import time

import torch
import torch.nn.functional as F

from models.autoencoder import DenseAutoencoder, DenseAutoencoderConfig
from models.ecg import ANOMALIES, RATE, anomalous_signal, synthetic_ecg, window_labels, windows
from train.common import (batches, command_line, fit, n_batches, parser, recipe, save_pretrained,
                          seed_everything)

NAME = "ecg_dae"
STRIDE = 16  # samples between window starts
AUROC_BAR = 0.9


def window_auroc(model: DenseAutoencoder, seed: int, seconds: float = 120.0) -> float:
    """AUROC of the windows' reconstruction error on a trace with one of each anomaly (seeded)."""
    from demos.anomaly_detection.curves import auroc  # the page's own metric

    signal, mask = anomalous_signal(seconds, ANOMALIES, seed=seed)
    w = torch.from_numpy(windows(signal, model.config.window, STRIDE))
    with torch.no_grad():
        scores = ((model(w)[0] - w) ** 2).mean(1).numpy()
    return auroc(scores, window_labels(mask, model.config.window, STRIDE))


def main(argv: list[str] | None = None) -> dict:
    p = parser(__doc__, epochs=40, batch_size=64, lr=3e-3, weight_decay=1e-5)
    p.add_argument("--seconds", type=float, default=600.0, help="length of the normal training trace")
    args = p.parse_args(argv)

    gen = seed_everything(args.seed)
    config = DenseAutoencoderConfig()
    model = DenseAutoencoder(config)
    train = synthetic_ecg(args.seconds, seed=args.seed)
    model.mean.fill_(float(train.mean()))
    model.std.fill_(float(train.std()))
    x = torch.from_numpy(windows(train, config.window, STRIDE))

    def loss(batch: torch.Tensor) -> torch.Tensor:
        noisy = batch + config.input_noise * float(model.std) * torch.randn(batch.shape, generator=gen)
        return F.mse_loss(model(noisy)[0], batch)

    start = time.time()
    history = fit(model, lambda e: batches(x, batch_size=args.batch_size, generator=gen), loss,
                  n_batches(len(x), args.batch_size), 1 if args.dry_run else args.epochs, args.lr,
                  args.weight_decay, lambda: {"val_window_auroc": round(window_auroc(model, args.seed + 2000), 4)},
                  dry_run=args.dry_run)
    model.eval()
    metrics = {"window_auroc": round(window_auroc(model, args.seed + 1000), 4),
               "val_window_auroc": history[-1].get("val_window_auroc"),
               "final_loss": history[-1]["train_loss"], "train_seconds": round(time.time() - start, 1)}
    print(metrics)
    if not args.dry_run:
        save_pretrained(model, NAME, args.out, {
            "architecture": "dense denoising autoencoder 128 -> 64 -> 12 -> 64 -> 128",
            "task": "anomaly detection on windows of a 1-D signal (trained on normal data only)",
            "input": f"(B, {config.window}) raw signal windows at {RATE} Hz; standardises internally",
            "data": {"source": "models.ecg.synthetic_ecg (generated, no download)",
                     "train_seconds_of_signal": args.seconds, "stride": STRIDE,
                     "validation": f"120 s with one of each anomaly, seed {args.seed + 2000} (monitoring)",
                     "test": f"120 s with one of each anomaly {ANOMALIES}, seed {args.seed + 1000}"},
            "seed": args.seed,
            "recipe": recipe(args, loss="MSE on clean target from noisy input", optimizer="AdamW + OneCycle"),
            "metrics": metrics, "metric_bar": {"window_auroc": AUROC_BAR},
            "command": command_line("train.ecg_dae", argv),
        })
    return metrics


if __name__ == "__main__":
    main()
