"""Judging an encoder by what a linear classifier on its frozen features can do (the linear probe),
against supervised training of the same network and against a random, untrained encoder, for a
growing fraction of the labels. The runs are seeded; `train.augmentation_ssl` commits them."""
from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from demos.augmentation.batch import augment_batch

LABEL_FRACTIONS = (0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0)  # of the 3,500 fit digits (350 per class)
PROBE_WEIGHT_DECAY = 1e-3  # L2 on the probe's weights; fixed, not tuned on held-out data
SUPERVISED_STEPS = 300  # mini-batches of 64 for the supervised baseline, whatever the label count


def labelled_subset(labels: torch.Tensor, fraction: float, seed: int) -> torch.Tensor:
    """Indices of `fraction` of each class's examples (at least one per class), seeded."""
    gen = torch.Generator().manual_seed(seed)
    chosen = []
    for c in range(10):
        rows = (labels == c).nonzero().flatten()
        k = max(1, round(fraction * len(rows)))
        chosen.append(rows[torch.randperm(len(rows), generator=gen)[:k]])
    return torch.cat(chosen).sort().values


@torch.no_grad()
def features(encoder: nn.Module, images: torch.Tensor) -> torch.Tensor:
    """The encoder's frozen features h for every image, (N, D) (eval mode, in batches of 500)."""
    encoder.eval()
    return torch.cat([encoder.encode(images[i:i + 500]) for i in range(0, len(images), 500)])


def linear_probe(train_x: torch.Tensor, train_y: torch.Tensor, weight_decay: float = PROBE_WEIGHT_DECAY,
                 steps: int = 100) -> nn.Linear:
    """Multinomial logistic regression on standardised features, solved with L-BFGS to its optimum
    (the loss is convex: the result does not depend on a seed). The standardisation is folded into
    the returned layer, so it takes raw features."""
    mean, std = train_x.mean(0), train_x.std(0, unbiased=False) + 1e-6
    x = (train_x - mean) / std
    layer = nn.Linear(x.shape[1], 10)
    nn.init.zeros_(layer.weight)
    nn.init.zeros_(layer.bias)
    opt = torch.optim.LBFGS(layer.parameters(), lr=1, max_iter=steps, line_search_fn="strong_wolfe")

    def closure() -> torch.Tensor:
        opt.zero_grad()
        loss = F.cross_entropy(layer(x), train_y) + weight_decay * layer.weight.pow(2).sum()
        loss.backward()
        return loss

    with torch.enable_grad():
        opt.step(closure)
    with torch.no_grad():  # fold (x − mean)/std into the layer
        w = layer.weight / std
        out = nn.Linear(x.shape[1], 10)
        out.weight.copy_(w)
        out.bias.copy_(layer.bias - w @ mean)
    return out


def probe_accuracy(encoder: nn.Module, train_images: torch.Tensor, train_labels: torch.Tensor,
                   test_images: torch.Tensor, test_labels: torch.Tensor) -> float:
    """Held-out accuracy of a linear probe fitted on the encoder's features of the training images."""
    probe = linear_probe(features(encoder, train_images), train_labels)
    with torch.no_grad():
        return (probe(features(encoder, test_images)).argmax(1) == test_labels).float().mean().item()


def supervised_accuracy(make_encoder, train_images: torch.Tensor, train_labels: torch.Tensor,
                        test_images: torch.Tensor, test_labels: torch.Tensor, seed: int,
                        steps: int = SUPERVISED_STEPS) -> float:
    """The same encoder trained from random weights with the labels (cross-entropy through a linear
    head, the standard digit augmentation, Adam), then its held-out accuracy."""
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    encoder = make_encoder()
    head = nn.Linear(encoder.feature_dim, 10)
    params = [*encoder.features.parameters(), *head.parameters()]
    opt = torch.optim.Adam(params, lr=3e-3)
    encoder.train()
    for _ in range(steps):
        idx = torch.randint(0, len(train_images), (64,), generator=gen)
        x = augment_batch(train_images[idx], "standard", gen)
        loss = F.cross_entropy(head(encoder.encode(x)), train_labels[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
    encoder.eval()
    with torch.no_grad():
        logits = torch.cat([head(encoder.encode(test_images[i:i + 500])) for i in range(0, len(test_images), 500)])
    return (logits.argmax(1) == test_labels).float().mean().item()
