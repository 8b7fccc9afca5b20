"""What compression is judged by, measured rather than claimed: bytes of the serialised weights,
CPU latency of one batch, held-out accuracy."""
from __future__ import annotations

import io
import time

import numpy as np
import torch
from safetensors.torch import save
from torch import nn

LATENCY_BATCH = 64  # digits per timed forward pass


def safetensors_bytes(state: dict[str, torch.Tensor]) -> int:
    """Bytes of a state dict written as safetensors (what `models/weights/*.safetensors` hold)."""
    return len(save({k: v.detach().contiguous() for k, v in state.items()}))


def torch_save_bytes(model: nn.Module) -> int:
    """Bytes of `torch.save(model.state_dict())` (quantised modules' packed weights have no safetensors form)."""
    buffer = io.BytesIO()
    torch.save(model.state_dict(), buffer)
    return buffer.getbuffer().nbytes


@torch.no_grad()
def latency_ms(model: nn.Module, batch: int = LATENCY_BATCH, repeats: int = 7, seed: int = 0) -> float:
    """Median wall time (ms) of one forward pass on `batch` random digits, after one warm-up pass."""
    x = torch.rand(batch, 1, 28, 28, generator=torch.Generator().manual_seed(seed))
    model.eval()
    model(x)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        model(x)
        times.append(time.perf_counter() - start)
    return float(np.median(times) * 1000)


@torch.no_grad()
def latencies(models: dict[str, nn.Module], batch: int = LATENCY_BATCH, rounds: int = 9,
              seed: int = 0) -> dict[str, float]:
    """Fastest of `rounds` forward passes (ms) of each model, timed in interleaved rounds (one pass of every
    model per round): on a shared, busy machine the minimum is the time the work itself takes, and the
    interleaving gives every model the same chances."""
    x = torch.rand(batch, 1, 28, 28, generator=torch.Generator().manual_seed(seed))
    times: dict[str, list[float]] = {name: [] for name in models}
    for model in models.values():
        model.eval()(x)  # warm-up
    for _ in range(rounds):
        for name, model in models.items():
            start = time.perf_counter()
            model(x)
            times[name].append(time.perf_counter() - start)
    return {name: float(np.min(t) * 1000) for name, t in times.items()}


@torch.no_grad()
def accuracy(model: nn.Module, images: torch.Tensor, labels: torch.Tensor, batch: int = 500) -> float:
    """Top-1 accuracy in [0, 1], eval mode, in batches."""
    model.eval()
    hits = sum(int((model(images[i:i + batch]).argmax(1) == labels[i:i + batch]).sum())
               for i in range(0, len(images), batch))
    return hits / len(images)
