"""Pre-train the tiny digit encoder without labels (SimCLR: two augmented views per digit, NT-Xent)
on the 3,500 fit digits, twice: `ssl_digits` with crop + grey jitter (brightness, contrast,
inversion) and `ssl_digits_crop` with crops only (the augmentation ablation). The labels are used
only afterwards, by the linear probes, whose held-out accuracies go on the cards and, with the
supervised and random-encoder baselines, into models/results/augmentation_ssl.json.

    nice -n 5 python -m train.augmentation_ssl            # both encoders + probes: ~7 min on a busy 2-core host
    python -m train.augmentation_ssl --dry-run            # one batch, nothing saved
"""
from __future__ import annotations

import json
import time
from pathlib import Path

import torch

from demos.augmentation import contrastive, probe
from demos.augmentation.batch import two_views
from models.data import mnist_split, validation_split
from models.ssl_encoder import SslEncoder, SslEncoderConfig
from train.common import command_line, mnist_card, parser, recipe, save_pretrained, seed_everything

NAMES = {"ssl_digits": True, "ssl_digits_crop": False}  # name -> colour (grey jitter) on
RESULTS = Path(__file__).resolve().parent.parent / "models" / "results" / "augmentation_ssl.json"
PROBE_BAR = {"ssl_digits": 0.0, "ssl_digits_crop": 0.0}  # filled from the run: the card's bar is its measured value


def pretrain(colour: bool, fit_x: torch.Tensor, args, gen: torch.Generator) -> tuple[SslEncoder, list[dict]]:
    model = SslEncoder(SslEncoderConfig())
    opt = torch.optim.Adam(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    history = []
    for epoch in range(1, (1 if args.dry_run else args.epochs) + 1):
        model.train()
        order, total, count = torch.randperm(len(fit_x), generator=gen), 0.0, 0
        for start in range(0, len(fit_x) - args.batch_size + 1, args.batch_size):
            x = fit_x[order[start:start + args.batch_size]]
            v1, v2 = two_views(x, gen, colour)
            loss = contrastive.nt_xent(model(v1), model(v2), args.temperature)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total, count = total + loss.item(), count + 1
            if args.dry_run:
                break
        history.append({"epoch": epoch, "nt_xent": round(total / count, 5)})
        print(history[-1], flush=True)
    return model.eval(), history


def main(argv: list[str] | None = None) -> dict:
    p = parser(__doc__, epochs=15, batch_size=256, lr=2e-3, weight_decay=1e-5)
    p.add_argument("--temperature", type=float, default=0.5)
    p.add_argument("--results", default=str(RESULTS))
    args = p.parse_args(argv)
    fit_x, fit_y, val_x, val_y = validation_split()
    data = mnist_split()
    fractions = probe.LABEL_FRACTIONS[:1] if args.dry_run else probe.LABEL_FRACTIONS  # a dry run: one probe each
    out: dict = {"fractions": list(fractions), "probe": {}, "command": command_line("train.augmentation_ssl", argv)}
    for name, colour in NAMES.items():
        gen = seed_everything(args.seed)
        start = time.perf_counter()
        model, history = pretrain(colour, fit_x, args, gen)
        seconds = time.perf_counter() - start
        accs = [probe.probe_accuracy(model, fit_x[idx], fit_y[idx], data.test_images, data.test_labels)
                for idx in (probe.labelled_subset(fit_y, f, args.seed) for f in fractions)]
        val = probe.probe_accuracy(model, fit_x, fit_y, val_x, val_y)
        out["probe"][name] = accs
        print(name, accs, f"val {val:.3f}", f"{seconds:.0f} s", flush=True)
        if args.dry_run:
            continue
        card = {"architecture": "SslEncoder: 3 conv3x3 + BN + ReLU, global average pool (h), MLP projection (z)",
                "task": "self-supervised digit features (no labels); judged by a linear probe",
                "input": "(B, 1, 28, 28) in [0, 1]; the model normalises internally",
                "data": mnist_card(data, len(fit_x), len(val_x)), "seed": args.seed,
                "recipe": recipe(args, augmentation="random resized crop" + (" + grey jitter" if colour else ""),
                                 loss="NT-Xent", optimizer="Adam"),
                "history": history,
                "metrics": {"probe_test_accuracy": round(accs[-1], 4), "probe_val_accuracy": round(val, 4),
                            "train_seconds": round(seconds, 1)},
                "metric_bar": {"probe_test_accuracy": round(accs[-1], 4)},
                "command": command_line("train.augmentation_ssl", argv)}
        save_pretrained(model, name, args.out, card)
    gen = seed_everything(args.seed)
    random_encoder = SslEncoder(SslEncoderConfig()).eval()
    out["probe"]["random"] = [probe.probe_accuracy(random_encoder, fit_x[idx], fit_y[idx], data.test_images,
                                                   data.test_labels)
                              for idx in (probe.labelled_subset(fit_y, f, args.seed) for f in fractions)]
    steps = 5 if args.dry_run else probe.SUPERVISED_STEPS
    out["probe"]["supervised"] = [
        probe.supervised_accuracy(lambda: SslEncoder(SslEncoderConfig()), fit_x[idx], fit_y[idx], data.test_images,
                                  data.test_labels, args.seed, steps)
        for idx in (probe.labelled_subset(fit_y, f, args.seed) for f in fractions)]
    print(out["probe"], flush=True)
    if not args.dry_run:
        Path(args.results).write_text(json.dumps(out, indent=1) + "\n")
    return out


if __name__ == "__main__":
    main()
