"""Export a network trained on the playground: a short runnable PyTorch script (weights as literals
up to LITERAL_LIMIT parameters, else a safetensors file beside it), the weights as safetensors, and
the training curves as CSV.
"""
from __future__ import annotations

import numpy as np
import torch

from demos.playground.datasets import DOMAIN
from demos.playground.network import Config
from demos.replay import Recording

LITERAL_LIMIT = 5000  # parameters: up to this many, the exported script holds the weights as literals
SHOWN_LIMIT = 20_000  # characters of the script shown on the page (the download has all of it)


def export_script(config: Config, state: dict[str, torch.Tensor], n_in: int, n_out: int,
                  lo: tuple[float, float] = (-DOMAIN, -DOMAIN), hi: tuple[float, float] = (DOMAIN, DOMAIN)) -> str:
    """A short runnable PyTorch script that rebuilds the trained network (plain nn.Sequential, in
    evaluation mode) with its weights as literals (small nets) or from `playground.safetensors`."""
    layers, width = config.layers, config.width
    act = {"none": None, "relu": "nn.ReLU()", "tanh": "nn.Tanh()", "sigmoid": "nn.Sigmoid()", "gelu": "nn.GELU()"}[config.activation]
    skips = skip_blocks(config, n_in)
    residual = any(skips)
    lines = ['"""A network trained in the neural-network playground. Run: python playground_model.py"""',
             "import torch", "from torch import nn", ""]
    if residual:
        lines += ["class Residual(nn.Module):  # h + f(h)", "    def __init__(self, f):", "        super().__init__()",
                  "        self.f = f", "", "    def forward(self, h):", "        return h + self.f(h)", ""]
    blocks, sizes = [], [n_in] + [width] * layers
    for i, (a, b) in enumerate(zip(sizes, sizes[1:])):
        parts = [f"nn.Linear({a}, {b})"] + ([f"nn.BatchNorm1d({b})"] if config.batch_norm else []) + ([act] if act else [])
        block = f"nn.Sequential({', '.join(parts)})"
        blocks.append(f"Residual({block})" if skips[i] else block)
    blocks.append(f"nn.Linear({sizes[-1]}, {n_out})")
    keys = export_keys(config, n_in)
    lines += ["model = nn.Sequential(", *[f"    {b}," for b in blocks], ")"]
    n_params = sum(state[k].numel() for k, _ in keys if state[k].dtype.is_floating_point)
    if n_params <= LITERAL_LIMIT:
        lines += ["state = {"]
        for ours, theirs in keys:
            v = state[ours]
            lines.append(f"    {theirs!r}: torch.tensor({_literal(v)}{', dtype=torch.long' if not v.dtype.is_floating_point else ''}),")
        lines += ["}"]
    else:
        lines += ["from safetensors.torch import load_file", "state = load_file('playground.safetensors')  # downloaded beside this script"]
    lines += ["model.load_state_dict(state)", "model.eval()  # dropout off, batch norm on its running averages", ""]
    if n_out == 1:
        lo_t, hi_t = [round(v, 6) for v in lo], [round(v, 6) for v in hi]
        feats = ", ".join({"x1": "u[:, 0]", "x2": "u[:, 1]", "x1sq": "u[:, 0] ** 2", "x2sq": "u[:, 1] ** 2",
                           "x1x2": "u[:, 0] * u[:, 1]", "sin1": "torch.sin(u[:, 0])", "sin2": "torch.sin(u[:, 1])"}[f]
                          for f in config.features)
        lines += ["def predict(points):", '    """P(class 1) for points (N, 2) in the units of the training data."""',
                  f"    lo, hi = torch.tensor({lo_t}), torch.tensor({hi_t})",
                  f"    u = (points - (lo + hi) / 2) / ((hi - lo) / 2) * {DOMAIN}  # the playground's [-3, 3] box",
                  "    with torch.no_grad():", f"        return torch.sigmoid(model(torch.stack([{feats}], 1))[:, 0])", "",
                  'if __name__ == "__main__":', "    print(predict(torch.tensor([[0.0, 0.0], [1.0, -1.0]])))"]
    else:
        lines += ["def predict(images):", '    """Digit probabilities for images (N, 1, 28, 28) in [0, 1]."""',
                  "    with torch.no_grad():", "        return model(images.flatten(1)).softmax(1)", "",
                  'if __name__ == "__main__":', "    print(predict(torch.zeros(1, 1, 28, 28)).argmax(1))"]
    return "\n".join(lines) + "\n"


def skip_blocks(config: Config, n_in: int) -> list[bool]:
    """Which hidden layers add their input (as `network.Block` decides: Residual on and the layer's
    input as wide as its output, so the first layer too when `width` equals the number of inputs)."""
    sizes = [n_in] + [config.width] * config.layers
    return [config.residual and a == b for a, b in zip(sizes, sizes[1:])]


def export_keys(config: Config, n_in: int) -> list[tuple[str, str]]:
    """(our state_dict name, the exported nn.Sequential's name) for every tensor."""
    keys, skips = [], skip_blocks(config, n_in)
    for i in range(config.layers):
        prefix = f"{i}.f." if skips[i] else f"{i}."
        keys += [(f"hidden.{i}.linear.{p}", f"{prefix}0.{p}") for p in ("weight", "bias")]
        if config.batch_norm:
            keys += [(f"hidden.{i}.norm.{p}", f"{prefix}1.{p}")
                     for p in ("weight", "bias", "running_mean", "running_var", "num_batches_tracked")]
    return keys + [(f"out.{p}", f"{config.layers}.{p}") for p in ("weight", "bias")]


def export_state(config: Config, state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """The weights under the exported script's names (the safetensors download)."""
    n_in = state["hidden.0.linear.weight"].shape[1]
    return {theirs: state[ours].contiguous() for ours, theirs in export_keys(config, n_in)}


def _literal(v: torch.Tensor) -> str:
    if not v.dtype.is_floating_point:
        return repr(v.tolist())
    return repr(np.round(v.double().numpy(), 7).tolist())


def safetensors_bytes(config: Config, state: dict[str, torch.Tensor]) -> bytes:
    from safetensors.torch import save

    return save(export_state(config, state))


def curves_csv(rec: Recording) -> str:
    """Every epoch's train and validation loss and accuracy as CSV."""
    keys = ["train_loss", "val_loss", "train_acc", "val_acc"]
    rows = ["epoch," + ",".join(keys)]
    for i in range(len(rec.curves.get("train_loss", []))):
        rows.append(f"{i + 1}," + ",".join(f"{rec.curves[k][i]:.6g}" for k in keys))
    return "\n".join(rows) + "\n"


def script_caption(n_params: int) -> str:
    """The line under the download buttons: how big the network is and where the script gets its weights."""
    where = ("the script holds them as literals and runs as is." if n_params <= LITERAL_LIMIT
             else "the script loads them from the safetensors file.")
    return f"{n_params:,} parameters; {where}"


def shown_script(script: str) -> str:
    """The script as shown on the page: its first SHOWN_LIMIT characters."""
    return script if len(script) < SHOWN_LIMIT else script[:SHOWN_LIMIT] + "\n# … (download for the rest)"
