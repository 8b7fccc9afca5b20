"""Record the anomaly page's "Compress and denoise" curves: for each bottleneck size k, PCA (by SVD),
a linear autoencoder and a non-linear one are fitted on the 3,500 fit digits of the MNIST-5k training
split (the non-linear AE's epoch chosen on the 500 validation digits), and measured on the 1,000
held-out digits; the linear AE's decoder is compared with the top-k PCA directions by principal
angles. Writes models/results/anomaly_detection_compress.npz (errors, angles, a few reconstructions).

    python -m train.anomaly_detection_compress            # 45 s on one idle core, ~3 min under load; bit-for-bit reproducible
    python -m train.anomaly_detection_compress --dry-run  # two sizes, one epoch, nothing written
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import torch

from demos.anomaly_detection import compress as C
from models.data import mnist_split, validation_split

SHOWN = 6  # held-out digits whose reconstructions are stored


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--epochs", type=int, default=25, help="non-linear AE epochs")
    p.add_argument("--linear-epochs", type=int, default=60, help="linear AE epochs")
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--dry-run", action="store_true")
    p.add_argument("--out", type=Path, default=C.RESULTS)
    args = p.parse_args(argv)
    torch.set_num_threads(1)  # faster than 2 on the shared, loaded build machine
    fit_x = validation_split()[0].flatten(1)
    val_x = validation_split()[2].flatten(1)
    data = mnist_split()
    test_x = data.test_images.flatten(1)
    shown = torch.stack([(data.test_labels == c).nonzero()[0, 0] for c in range(SHOWN)])  # digits 0..5
    sizes = C.SIZES[:2] if args.dry_run else C.SIZES
    epochs, linear_epochs = (1, 1) if args.dry_run else (args.epochs, args.linear_epochs)
    out: dict[str, np.ndarray] = {"sizes": np.array(sizes)}
    errors = {m: [] for m in C.METHODS}
    recons = {m: [] for m in C.METHODS}
    start = time.time()
    mean, directions = C.pca_fit(fit_x, max(sizes))  # one SVD; the top-k directions are its first k columns
    for k in sizes:
        basis = directions[:, :k]
        linear, _ = C.train_autoencoder(fit_x, k, True, linear_epochs, args.seed, lr=3e-2,
                                          batch_size=args.batch_size, validation=val_x)
        deep, history = C.train_autoencoder(fit_x, k, False, epochs, args.seed, lr=3e-3,
                                            batch_size=args.batch_size, validation=val_x)
        with torch.no_grad():
            outs = {"PCA": C.pca_reconstruct(test_x, mean, basis), "linear AE": linear(test_x), "AE": deep(test_x)}
        for m in C.METHODS:
            errors[m].append(C.mse(outs[m], test_x))
            recons[m].append(outs[m][shown].clamp(0, 1).reshape(-1, 28, 28))
        out[f"angles_{k}"] = C.principal_angles(C.decoder_basis(linear), basis).numpy().astype(np.float32)
        print(f"k={k}: " + ", ".join(f"{m} {errors[m][-1]:.4f}" for m in C.METHODS)
              + f"; angles median {np.median(out[f'angles_{k}']):.1f} max {out[f'angles_{k}'].max():.1f}"
              + f"; AE best val epoch {int(np.argmin(history)) + 1}/{epochs}  {time.time() - start:.0f}s", flush=True)
    for m in C.METHODS:
        out[f"error_{C.slug(m)}"] = np.array(errors[m], dtype=np.float64)
        out[f"recon_{C.slug(m)}"] = (torch.stack(recons[m]).numpy() * 255).round().astype(np.uint8)
    out["originals"] = (test_x[shown].reshape(-1, 28, 28).numpy() * 255).round().astype(np.uint8)
    out["command"] = np.array(f"{C.COMMAND} --seed {args.seed} --epochs {args.epochs} "
                              f"--linear-epochs {args.linear_epochs} --batch-size {args.batch_size}")
    out["seed"] = np.array(args.seed)
    if not args.dry_run:
        np.savez_compressed(args.out, **out)
        print(f"wrote {args.out} ({args.out.stat().st_size / 1e3:.0f} KB) in {time.time() - start:.0f}s")
    return {m: errors[m] for m in C.METHODS}


if __name__ == "__main__":
    main()
