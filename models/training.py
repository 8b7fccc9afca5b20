"""Helpers every training script shares: seeding, the epoch loops, and writing weights + metadata."""
from __future__ import annotations

import hashlib
import json
import platform
import random
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any, Callable

import numpy as np
import torch
from safetensors.torch import save_file
from torch import nn

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"


def seed_everything(seed: int) -> torch.Generator:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    return torch.Generator().manual_seed(seed)


def batches(images: torch.Tensor, labels: torch.Tensor, batch_size: int,
            generator: torch.Generator | None = None):
    """Yield (images, labels) mini-batches; shuffled when a generator is given."""
    order = (torch.randperm(len(images), generator=generator) if generator is not None
             else torch.arange(len(images)))
    for start in range(0, len(images), batch_size):
        idx = order[start:start + batch_size]
        yield images[idx], labels[idx]


def train_one_epoch(model: nn.Module, loader, optimizer: torch.optim.Optimizer,
                    scheduler=None, make_inputs: Callable | None = None,
                    dry_run: bool = False) -> float:
    """One pass of cross-entropy training; `make_inputs(x, y)` may augment or attack. Mean loss."""
    model.train()
    total, count = 0.0, 0
    for x, y in loader:
        if make_inputs is not None:
            x = make_inputs(x, y)
            model.train()  # an attack may have switched the model to eval mode
        loss = nn.functional.cross_entropy(model(x), y)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
        total, count = total + loss.item() * len(x), count + len(x)
        if dry_run:
            break
    return total / max(count, 1)


def fit(model: nn.Module, images: torch.Tensor, labels: torch.Tensor, test_images: torch.Tensor,
        test_labels: torch.Tensor, epochs: int, batch_size: int, lr: float, weight_decay: float,
        generator: torch.Generator, make_inputs: Callable | None = None,
        dry_run: bool = False) -> float:
    """AdamW + OneCycle for `epochs`, printing held-out accuracy each epoch; returns the last one.
    `make_inputs(x, y, epoch)` may augment or attack each batch."""
    steps = -(-len(images) // batch_size) * epochs
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, lr, total_steps=steps)
    start = time.time()
    acc = 0.0
    for epoch in range(1, epochs + 1):
        loader = batches(images, labels, batch_size, generator)
        prepare = (lambda x, y, e=epoch: make_inputs(x, y, e)) if make_inputs else None
        loss = train_one_epoch(model, loader, optimizer, scheduler, prepare, dry_run)
        acc = evaluate(model, test_images, test_labels)
        print(f"epoch {epoch:2d}  loss {loss:.4f}  held-out acc {acc:.4f}  {time.time() - start:.0f}s",
              flush=True)
    return acc


@torch.no_grad()
def evaluate(model: nn.Module, images: torch.Tensor, labels: torch.Tensor,
             batch_size: int = 500) -> float:
    """Top-1 accuracy in [0, 1]."""
    model.eval()
    correct = sum((model(x).argmax(1) == y).sum().item()
                  for x, y in batches(images, labels, batch_size))
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


def command_line(module: str, argv: list[str] | None) -> str:
    """The exact command that reproduces a run, for the metadata."""
    return " ".join(["python -m", module, *(sys.argv[1:] if argv is None else argv)])


def robust_metrics(model: nn.Module, images: torch.Tensor, labels: torch.Tensor,
                   eps_list: tuple[float, ...] = (0.1, 0.2, 0.3), steps: int = 20) -> dict[str, float]:
    """Held-out accuracy under PGD-`steps` at each eps, for the metadata."""
    from demos.adversarial import robust_accuracy  # lazy: the attack lives with the page that teaches it

    accs = robust_accuracy(model.eval(), images, labels, eps_list, steps=steps)
    return {f"pgd{steps}_accuracy_eps_{e:g}": round(a, 4) for e, a in zip(eps_list, accs)}


def sha256_file(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def save_pretrained(model: nn.Module, name: str, out_dir: Path, metadata: dict[str, Any]) -> Path:
    """Write <name>.safetensors and <name>.json (config + `metadata` + versions + sha256)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    weights = out_dir / f"{name}.safetensors"
    state = {k: v.detach().contiguous() for k, v in model.state_dict().items()}
    save_file(state, str(weights))
    meta = {
        "name": name,
        "config": asdict(model.config),
        **metadata,
        "versions": {"python": platform.python_version(), "torch": torch.__version__,
                     "numpy": np.__version__},
        "weights_file": weights.name,
        "sha256": sha256_file(weights),
    }
    (out_dir / f"{name}.json").write_text(json.dumps(meta, indent=2) + "\n")
    return weights
