"""Fine-tuning and training from scratch: a copy of the backbone with a new head, its first layers
frozen and the rest trained with Adam (optionally at a lower rate below the head: discriminative
fine-tuning, Howard & Ruder 2018); or the same architecture from a seeded random start. Forgetting is
measured by the ORIGINAL 0-4 head reading the fine-tuned features. Shared models are never modified.
"""
from __future__ import annotations

import copy

import torch
import torch.nn.functional as F
from torch import nn

from demos.transfer_learning.task import accuracy, fast, logits_of, seeded_init
from models.transfer_cnn import N_FEATURE_LAYERS, MnistCnnConfig, TransferCnn

STEPS = 40  # Adam steps for every trained strategy (the same budget for all: fits a 30 s sweep)
BATCH = 25  # mini-batch size (full batch when fewer examples)
SCRATCH_LR = 3e-3  # from-scratch rate: 1e-3 and 3e-3 within a point of each other on validation digits, 1e-2 worse
LAST_BLOCK = 3  # "fine-tune the last block": features[3:] (stage 2's two conv layers) + head
LR_OPTIONS = (1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2)  # fine-tuning learning rates offered


def _train(net: TransferCnn, hidden: torch.Tensor, labels: torch.Tensor, start: int,
           groups: list[dict], steps: int, seed: int, batch: int) -> None:
    """Adam on `groups` for `steps` mini-batches of (hidden -> rest of the network)."""
    gen = torch.Generator().manual_seed(seed + 7919)
    opt = torch.optim.Adam(groups)
    n = len(labels)
    for _ in range(steps):
        idx = torch.randperm(n, generator=gen)[:batch] if n > batch else torch.arange(n)
        loss = F.cross_entropy(net.rest(hidden[idx], start), labels[idx])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()


def fine_tune(backbone: TransferCnn, images: torch.Tensor, labels: torch.Tensor, train_from: int,
              lr: float, steps: int = STEPS, seed: int = 0, batch: int = BATCH,
              trunk_lr_factor: float = 1.0) -> TransferCnn:
    """A copy of `backbone` with a new seeded head for labels.max()+1 classes; features[:train_from]
    frozen, the rest trained with Adam at `lr` (layers before the head at lr * trunk_lr_factor:
    discriminative learning rates). BatchNorm keeps the pretrained statistics (eval mode): a batch of
    5 digits would wreck them. train_from=0 fine-tunes everything; 6 trains the head only."""
    net = copy.deepcopy(backbone).eval().to(memory_format=torch.channels_last)
    n_classes = int(labels.max()) + 1
    net.classifier[-1] = seeded_init(nn.Linear(net.classifier[-1].in_features, n_classes), seed)
    for p in net.features[:train_from].parameters():
        p.requires_grad_(False)
    body = [p for p in net.features[train_from:].parameters()]
    groups = [{"params": list(net.classifier.parameters()), "lr": lr}]
    if body:
        groups.append({"params": body, "lr": lr * trunk_lr_factor})
    with torch.no_grad():
        hidden = net.trunk(fast(images), train_from)  # the frozen part runs once
    _train(net, hidden, labels, train_from, groups, steps, seed, batch)
    return net.eval()


def from_scratch(images: torch.Tensor, labels: torch.Tensor, width: int, lr: float = SCRATCH_LR,
                 steps: int = STEPS, seed: int = 0, batch: int = BATCH) -> TransferCnn:
    """The same architecture, randomly initialised (seeded), every layer trained (BatchNorm in
    training mode; no dropout, so the run is a function of its seed alone)."""
    n_classes = int(labels.max()) + 1
    net = seeded_init(TransferCnn(MnistCnnConfig(width=width, dropout=0.0, num_classes=n_classes)), seed)
    net = net.train().to(memory_format=torch.channels_last)
    with torch.no_grad():
        hidden = net.trunk(fast(images), 0)
    _train(net, hidden, labels, 0, [{"params": list(net.parameters()), "lr": lr}], steps, seed, batch)
    return net.eval()


@torch.no_grad()
def old_task_accuracy(net: TransferCnn, backbone: TransferCnn, old_x: torch.Tensor, old_y: torch.Tensor) -> float:
    """Forgetting: the ORIGINAL 0-4 head of `backbone` reading the (possibly fine-tuned) features of `net`."""
    return accuracy(logits_of(lambda x: backbone.classifier(net.trunk(x, N_FEATURE_LAYERS)), old_x), old_y)
