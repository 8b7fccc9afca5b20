"""What every training script shares: one parser, seeding, one fit loop (AdamW + OneCycle, watched on a
validation split), accuracy, augmentation, and the writer of weights + their JSON card.

A training script is `main(argv=None)` in `train/<name>.py` (pytorch/examples' mnist/main.py):
`parser(...)` -> data -> model -> `fit(...)` -> final held-out metrics once -> `save_pretrained(...)`.
"""
from __future__ import annotations

import argparse
import json
import platform
import random
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import numpy as np
import torch
from safetensors.torch import save_file
from torch import nn

from models.registry import WEIGHTS_DIR, sha256_file


def parser(doc: str | None, names: Iterable[str] = (), **defaults: Any) -> argparse.ArgumentParser:
    """The flags every script takes: --seed, --epochs, --batch-size, --lr, --weight-decay, --dry-run
    (one batch, nothing saved), --out, and --name when a script makes several models. `defaults`
    sets each script's own recipe (epochs=20, lr=3e-3, ...)."""
    p = argparse.ArgumentParser(description=(doc or "").strip().splitlines()[0] if doc else None)
    names = list(names)
    if names:
        p.add_argument("--name", default=names[0], choices=names)
    p.add_argument("--seed", type=int, default=defaults.pop("seed", 0))
    p.add_argument("--epochs", type=int, default=defaults.pop("epochs", 10))
    p.add_argument("--batch-size", type=int, default=defaults.pop("batch_size", 64))
    p.add_argument("--lr", type=float, default=defaults.pop("lr", 3e-3), help="OneCycle peak learning rate")
    p.add_argument("--weight-decay", type=float, default=defaults.pop("weight_decay", 1e-4))
    p.add_argument("--dry-run", action="store_true", help="one batch, nothing saved")
    p.add_argument("--out", default=str(WEIGHTS_DIR))
    if defaults:
        raise TypeError(f"unknown defaults: {sorted(defaults)}")
    return p


def recipe(args: argparse.Namespace, **extra: Any) -> dict[str, Any]:
    """The run's hyper-parameters for the card (without --dry-run, --out, --name)."""
    return {k: v for k, v in vars(args).items() if k not in ("dry_run", "out", "name")} | extra


def seed_everything(seed: int) -> torch.Generator:
    """Seed every generator, and compute on one thread: float sums in another order (two threads)
    give other weights, so a card reproduces bit for bit only with the thread count it records."""
    torch.set_num_threads(1)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    return torch.Generator().manual_seed(seed)


def batches(*tensors: torch.Tensor, batch_size: int,
            generator: torch.Generator | None = None) -> Iterator[tuple[torch.Tensor, ...]]:
    """Mini-batches of equally long tensors; shuffled when a generator is given."""
    n = len(tensors[0])
    order = torch.randperm(n, generator=generator) if generator is not None else torch.arange(n)
    for start in range(0, n, batch_size):
        idx = order[start:start + batch_size]
        yield tuple(t[idx] for t in tensors)


def fit(model: nn.Module, epoch_batches: Callable[[int], Iterable], loss: Callable[..., torch.Tensor],
        steps_per_epoch: int, epochs: int, lr: float, weight_decay: float = 1e-4,
        validate: Callable[[], dict] | None = None, clip: float | None = None,
        dry_run: bool = False) -> list[dict]:
    """AdamW + OneCycle for `epochs`. `epoch_batches(epoch)` yields `steps_per_epoch` batches and
    `loss(*batch)` returns the mean loss of one; `validate()` (on the validation split, never the
    held-out test set) is printed after every epoch. Returns one row per epoch: epoch, train loss,
    validation metrics."""
    steps = steps_per_epoch * epochs
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, lr, total_steps=max(steps, 1))
    history, start = [], time.time()
    for epoch in range(1, epochs + 1):
        total, count = 0.0, 0
        for batch in epoch_batches(epoch):
            model.train()
            value = loss(*batch)
            optimizer.zero_grad(set_to_none=True)
            value.backward()
            if clip:
                nn.utils.clip_grad_norm_(model.parameters(), clip)
            optimizer.step()
            scheduler.step()
            total, count = total + value.item(), count + 1
            if dry_run:
                break
        model.eval()
        row = {"epoch": epoch, "train_loss": round(total / max(count, 1), 5)}
        row |= validate() if validate and not dry_run else {}
        history.append(row)
        print("  ".join(f"{k} {v}" for k, v in row.items()) + f"  {time.time() - start:.0f}s", flush=True)
        if dry_run:
            break
    return history


def cross_entropy(model: nn.Module, make_inputs: Callable | None = None) -> Callable[..., torch.Tensor]:
    """A `loss` for `fit`: cross-entropy of a classifier on (images, labels, epoch) batches;
    `make_inputs(x, y, epoch)` may augment or attack the images first."""
    def loss(x: torch.Tensor, y: torch.Tensor, epoch: int) -> torch.Tensor:
        if make_inputs is not None:
            x = make_inputs(x, y, epoch)
            model.train()  # an attack may have switched the model to eval mode
        return nn.functional.cross_entropy(model(x), y)
    return loss


@torch.no_grad()
def accuracy(model: nn.Module, images: torch.Tensor, labels: torch.Tensor, batch_size: int = 500) -> float:
    """Top-1 accuracy in [0, 1] (eval mode)."""
    model.eval()
    correct = sum((model(x).argmax(1) == y).sum().item()
                  for x, y in batches(images, labels, batch_size=batch_size))
    return correct / len(images)


def random_affine(images: torch.Tensor, generator: torch.Generator, degrees: float = 10.0,
                  translate: float = 0.1, scale: tuple[float, float] = (0.9, 1.1)) -> torch.Tensor:
    """Per-sample random rotation/shift/zoom (torchvision's batch transforms share one draw)."""
    n = len(images)
    u = torch.rand(n, 4, generator=generator) * 2 - 1  # uniform in [-1, 1]
    angle = u[:, 0] * degrees * torch.pi / 180
    zoom = scale[0] + (u[:, 1] + 1) / 2 * (scale[1] - scale[0])
    cos, sin = torch.cos(angle) / zoom, torch.sin(angle) / zoom
    theta = torch.stack([torch.stack([cos, -sin, u[:, 2] * translate * 2], 1),
                         torch.stack([sin, cos, u[:, 3] * translate * 2], 1)], 1)  # (N, 2, 3)
    grid = nn.functional.affine_grid(theta, list(images.shape), align_corners=False)
    return nn.functional.grid_sample(images, grid, align_corners=False, padding_mode="zeros")


def robust_metrics(model: nn.Module, images: torch.Tensor, labels: torch.Tensor,
                   eps_list: tuple[float, ...] = (0.1, 0.2, 0.3), steps: int = 20) -> dict[str, float]:
    """Held-out accuracy under PGD-`steps` at each eps, for the card (the page's own attack)."""
    from demos.adversarial_attacks.robustness import robust_accuracy

    accs = robust_accuracy(model.eval(), images, labels, eps_list, steps=steps)
    return {f"pgd{steps}_accuracy_eps_{e:g}": round(a, 4) for e, a in zip(eps_list, accs)}


def fit_digit_classifier(model: nn.Module, args: argparse.Namespace, generator: torch.Generator,
                         make_inputs: Callable | None = None) -> tuple[list[dict], dict[str, float]]:
    """The digit classifiers' recipe: fit on `validation_split()`'s 3,500 digits, watch its 500
    validation digits every epoch, then measure the 1,000 held-out digits once (accuracy, and PGD-20
    accuracy unless --dry-run). Returns (history, metrics)."""
    from models.data import mnist_split, validation_split

    data = mnist_split()
    fit_x, fit_y, val_x, val_y = validation_split()
    start = time.time()
    history = fit(model, lambda e: ((x, y, e) for x, y in batches(fit_x, fit_y, batch_size=args.batch_size,
                                                                    generator=generator)),
                  cross_entropy(model, make_inputs), n_batches(len(fit_x), args.batch_size),
                  1 if args.dry_run else args.epochs, args.lr, args.weight_decay,
                  lambda: {"val_accuracy": round(accuracy(model, val_x, val_y), 4)}, dry_run=args.dry_run)
    metrics = {"test_accuracy": round(accuracy(model, data.test_images, data.test_labels), 4),
               "val_accuracy": history[-1].get("val_accuracy"), "train_seconds": round(time.time() - start, 1)}
    if not args.dry_run:
        metrics |= robust_metrics(model, data.test_images, data.test_labels)
        print(metrics)
    return history, metrics


def n_batches(n: int, batch_size: int) -> int:
    return -(-n // batch_size)


def command_line(module: str, argv: list[str] | None) -> str:
    """The exact command that reproduces a run, for the card (`--out DIR` dropped: it only says where
    the files were written, and the registry reads them from models/weights/)."""
    args = list(sys.argv[1:] if argv is None else argv)
    for i, a in reversed(list(enumerate(args))):
        if a == "--out":
            del args[i:i + 2]
        elif a.startswith("--out="):
            del args[i]
    return " ".join(["python -m", module, *args])


def write_record(record: dict[str, Any], out: Path | str, default: Path) -> Path:
    """A recorded result as one compact JSON line, to `out` (a folder takes `default`'s file name)."""
    out = Path(out)
    out = out / default.name if out.is_dir() else out
    out.write_text(json.dumps(record, indent=None, separators=(",", ":")) + "\n")
    return out


def mnist_card(data, fit_size: int | None = None, val_size: int | None = None) -> dict[str, Any]:
    """The `data` entry of a digit model's card: source, split fingerprint and sizes."""
    from models.data import MNIST_SOURCE

    card = {"source": MNIST_SOURCE, "split": "models.data.mnist_split()",
            "split_fingerprint": data.fingerprint(), "train": len(data.train_images),
            "test": len(data.test_images)}
    if fit_size is not None:
        card |= {"fit": fit_size, "validation": val_size,
                 "validation_split": "models.data.validation_split() (monitoring only)"}
    return card


def save_pretrained(model: nn.Module, name: str, out_dir: Path | str, card: dict[str, Any]) -> Path:
    """Write <name>.safetensors and <name>.json: the model's config + `card` (architecture, task,
    input, data, seed, recipe, metrics, metric_bar, command) + library versions + sha256."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    weights = out_dir / f"{name}.safetensors"
    save_file({k: v.detach().contiguous() for k, v in model.state_dict().items()}, str(weights))
    meta = {"name": name, "config": asdict(model.config), **card,
            "versions": {"python": platform.python_version(), "torch": torch.__version__,
                         "numpy": np.__version__, "threads": torch.get_num_threads()},
            "weights_file": weights.name, "sha256": sha256_file(weights)}
    (out_dir / f"{name}.json").write_text(json.dumps(meta, indent=2) + "\n")
    return weights
