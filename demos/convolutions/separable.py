"""Depthwise separable convolution (MobileNet, Howard et al. 2017): a depthwise k × k conv with
groups = C_in (one filter per input channel, no mixing), then a 1 × 1 pointwise conv that mixes the
channels. Its parameters and multiply-adds by formula, checked by counting the real layers of the digit
CNN built with standard or with separable blocks."""
from __future__ import annotations

import copy
import functools

import plotly.graph_objects as go
import torch
from torch import nn

from demos.convolutions.parameters import conv_params, separable_params
from demos.plots import OKABE_ITO
from models.mnist_cnn import MnistCnn, MnistCnnConfig

BLOCKS = {"standard": "Standard 3×3 convolutions", "separable": "Depthwise separable blocks"}


class DepthwiseSeparable(nn.Module):
    """Depthwise k × k (groups = c_in, each channel filtered alone) then pointwise 1 × 1 (c_in -> c_out)."""

    def __init__(self, c_in: int, c_out: int, k: int = 3, padding: int = 1, bias: bool = True):
        super().__init__()
        self.depthwise = nn.Conv2d(c_in, c_in, k, padding=padding, groups=c_in, bias=bias)
        self.pointwise = nn.Conv2d(c_in, c_out, 1, bias=bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.pointwise(self.depthwise(x))


def conv_macs(c_in: int, c_out: int, k: int, h_out: int, w_out: int) -> int:
    """Multiply-adds of a standard conv: every output value (C_out · H_out · W_out) sums C_in · k² products."""
    return c_out * h_out * w_out * c_in * k * k


def separable_macs(c_in: int, c_out: int, k: int, h_out: int, w_out: int) -> int:
    """Depthwise C_in · H_out · W_out · k² plus pointwise C_out · H_out · W_out · C_in: a ratio of
    1/C_out + 1/k² of the standard conv's."""
    return c_in * h_out * w_out * k * k + c_out * h_out * w_out * c_in


class SeededDropout(nn.Dropout):
    """nn.Dropout drawing its mask from its own generator, not torch's global one (which other threads of
    the app also draw from): a live run then reproduces the recorded one."""

    def __init__(self, p: float, generator: torch.Generator):
        super().__init__(p)
        self.generator = generator

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training or self.p == 0:
            return x
        keep = torch.rand(x.shape, generator=self.generator) >= self.p
        return x * keep / (1 - self.p)


def digit_cnn(block: str, width: int, generator: torch.Generator | None = None) -> MnistCnn:
    """The digit CNN (models/mnist_cnn.py) at this width; with "separable", every 3×3 conv after the first
    (whose single input channel leaves nothing to separate) becomes a DepthwiseSeparable with the same
    bias setting (none: BatchNorm follows). With a `generator`, the weights are drawn from it and so is
    the dropout mask."""
    if generator is not None:
        with torch.random.fork_rng():  # the layers' initialisers draw from the global generator: seed it from ours
            torch.manual_seed(int(torch.randint(2**62, (1,), generator=generator)))
            net = digit_cnn(block, width)
        net.classifier[1] = SeededDropout(net.config.dropout, generator)
        return net
    net = MnistCnn(MnistCnnConfig(width=width))
    if block == "separable":
        for stage in list(net.features)[1:]:
            if isinstance(stage, nn.Sequential) and isinstance(stage[0], nn.Conv2d):
                c = stage[0]
                stage[0] = DepthwiseSeparable(c.in_channels, c.out_channels, c.kernel_size[0], c.padding[0], bias=False)
    return net


def formula_costs(block: str, width: int) -> dict[str, int]:
    """Parameters and multiply-adds of the conv layers by the formulas (28×28 then 14×14, padding 1),
    plus the BatchNorm and classifier parameters, so "params" is the whole net's."""
    w, total_p, total_m = width, 0, 0
    for c_in, c_out, side in ((1, w, 28), (w, w, 28), (w, 2 * w, 14), (2 * w, 2 * w, 14)):
        sep = block == "separable" and c_in > 1
        total_p += separable_params(c_in, c_out, 3, bias=False) if sep else conv_params(c_in, c_out, 3, bias=False)
        total_m += (separable_macs if sep else conv_macs)(c_in, c_out, 3, side, side)
        total_p += 2 * c_out  # BatchNorm's scale and shift
    classifier = 2 * w * 7 * 7 * 10
    return {"params": total_p + classifier + 10, "conv_macs": total_m, "macs": total_m + classifier}


def counted_costs(net: nn.Module) -> dict[str, int]:
    """The same numbers counted on the real module: sum(p.numel()) and, from one forward pass, each conv's
    output size × the products per output value ((C_in / groups) · k²), plus the linear layers'."""
    macs = {"conv": 0, "linear": 0}

    def hook(layer: nn.Module, _inputs: tuple, out: torch.Tensor) -> None:
        if isinstance(layer, nn.Conv2d):
            kh, kw = layer.kernel_size
            macs["conv"] += out[0].numel() * (layer.in_channels // layer.groups) * kh * kw
        else:
            macs["linear"] += layer.in_features * layer.out_features

    probe = copy.deepcopy(net).eval()
    hooks = [m.register_forward_hook(hook) for m in probe.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    with torch.no_grad():
        probe(torch.zeros(1, 1, 28, 28))
    for h in hooks:
        h.remove()
    return {"params": sum(p.numel() for p in net.parameters()), "conv_macs": macs["conv"],
            "macs": macs["conv"] + macs["linear"]}


@functools.lru_cache(maxsize=4)
def cost_table(width: int) -> tuple[dict[str, object], ...]:
    """One row per block kind: formula and counted parameters and multiply-adds (they must agree).
    Cached: the same few numbers on every rerun (do not mutate the rows)."""
    rows = []
    for block, name in BLOCKS.items():
        f, c = formula_costs(block, width), counted_costs(digit_cnn(block, width))
        rows.append({"blocks": name, "params (formula)": f["params"], "params (counted)": c["params"],
                     "conv MACs (formula)": f["conv_macs"], "conv MACs (counted)": c["conv_macs"]})
    return tuple(rows)


def compare_figure(runs: dict[str, dict], height: int = 300) -> go.Figure:
    """Validation accuracy per epoch of the recorded standard and separable runs."""
    fig = go.Figure()
    for i, (block, run) in enumerate(runs.items()):
        fig.add_scatter(x=run["curve"]["epoch"], y=run["curve"]["val_acc"], name=BLOCKS[block],
                        line=dict(color=OKABE_ITO[i]), mode="lines+markers")
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=10, b=10), xaxis_title="epoch",
                      yaxis_title="validation accuracy", legend=dict(orientation="h", y=-0.25))
    return fig


def compare_caption(runs: dict[str, dict], width: int) -> str:
    """Both nets' cost and final accuracies, computed from the recorded runs and the counts."""
    s, d = runs["standard"], runs["separable"]
    cs, cd = formula_costs("standard", width), formula_costs("separable", width)
    diff = (d["test_acc"] - s["test_acc"]) * 100
    verdict = (f"{abs(diff):.1f} points {'lower' if diff < 0 else 'higher'}" if abs(diff) >= 0.05 else "the same")
    return (f"The same width-{width} digit CNN trained with the same seed and recipe: standard 3×3 blocks have "
            f"{cs['params']:,} parameters and {cs['conv_macs']:,} conv multiply-adds per digit; depthwise separable "
            f"blocks {cd['params']:,} and {cd['conv_macs']:,} ({cs['conv_macs'] / cd['conv_macs']:.1f}× fewer "
            f"multiply-adds). Held-out accuracy {s['test_acc']:.1%} against {d['test_acc']:.1%}: {verdict} for the "
            "separable net. " + agreement_sentence(cost_table(width)))


def agreement_sentence(rows: tuple[dict[str, object], ...]) -> str:
    """Whether every formula in the table equals its count on the real layers."""
    pairs = [(r[f"{what} (formula)"], r[f"{what} (counted)"]) for r in rows
             for what in ("params", "conv MACs")]
    same = sum(a == b for a, b in pairs)
    return (f"In the table, formula and count (sum of p.numel(), and a forward pass through the real layers) agree "
            f"on {same} of {len(pairs)} numbers.")
