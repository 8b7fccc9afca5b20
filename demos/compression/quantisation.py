"""Post-training weight quantisation: scale and zero-point (affine) or scale only (symmetric), per tensor or
per output channel, at 2–8 bits, written out (Jacob et al. 2018's affine scheme); the int8 tensors stored
for real; PyTorch's dynamic int8 modules; the tab's figures and captions."""
from __future__ import annotations

import copy
import warnings

import numpy as np
import plotly.graph_objects as go
import torch
from torch import nn

from demos.plots import OKABE_ITO

BITS_RANGE = (2, 8)
SCHEMES = ("per tensor", "per channel")
MODES = ("affine", "symmetric")


# -- maths -----------------------------------------------------------------------------------------
def qparams(w: torch.Tensor, bits: int, symmetric: bool, per_channel: bool) -> tuple[torch.Tensor, torch.Tensor]:
    """(scale, zero_point), one per tensor or per output channel (dim 0), shapes (C,) or ().
    Affine: codes 0 … 2^b − 1, range [min(w, 0), max(w, 0)], scale = range / (2^b − 1),
    zero_point = round(−min / scale). Symmetric: codes −(2^(b−1) − 1) … 2^(b−1) − 1, scale = max|w| / (2^(b−1) − 1),
    zero_point = 0. The range always contains 0, so 0 is stored exactly (PyTorch's observers do the same)."""
    x = w.detach().flatten(1) if per_channel else w.detach().flatten()[None]
    lo, hi = x.min(1).values.clamp(max=0), x.max(1).values.clamp(min=0)
    if symmetric:
        scale = torch.maximum(-lo, hi) / (2 ** (bits - 1) - 1)
        zero = torch.zeros_like(scale, dtype=torch.long)
    else:
        scale = (hi - lo) / (2 ** bits - 1)
        zero = torch.round(-lo / scale.clamp_min(1e-12)).long().clamp(0, 2 ** bits - 1)
    scale = torch.where(scale > 0, scale, torch.ones_like(scale))  # an all-zero row: any scale stores it exactly
    return (scale, zero) if per_channel else (scale[0], zero[0])


def quantise(w: torch.Tensor, bits: int, symmetric: bool, per_channel: bool) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Integer codes q = clamp(round(w / scale) + zero_point), their dequantised values (q − zero_point)·scale,
    and the scales. Rounding is half to even, like torch.quantize_per_tensor."""
    scale, zero = qparams(w, bits, symmetric, per_channel)
    shape = (-1,) + (1,) * (w.dim() - 1) if per_channel else ()
    s, z = scale.reshape(shape), zero.reshape(shape)
    lo, hi = (-(2 ** (bits - 1) - 1), 2 ** (bits - 1) - 1) if symmetric else (0, 2 ** bits - 1)
    q = torch.clamp(torch.round(w.detach() / s) + z, lo, hi)
    return q.to(torch.int32), (q - z) * s, scale


def quantise_model(model: nn.Module, bits: int, symmetric: bool, per_channel: bool) -> nn.Module:
    """A copy whose conv and linear weights are replaced by their dequantised b-bit values (biases and
    BatchNorm stay float32: weight-only fake quantisation)."""
    out = copy.deepcopy(model).eval()
    with torch.no_grad():
        for m in out.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                m.weight.copy_(quantise(m.weight, bits, symmetric, per_channel)[1])
    return out


def int8_state(model: nn.Module) -> dict[str, torch.Tensor]:
    """The state dict stored as int8: every conv/linear weight as int8 codes (symmetric, per channel) plus
    one float32 scale per channel; everything else as it was. Its safetensors bytes are real bytes on disk."""
    state, weights = {}, {n + ".weight" for n, m in model.named_modules() if isinstance(m, (nn.Conv2d, nn.Linear))}
    for name, value in model.state_dict().items():
        if name in weights:
            q, _, scale = quantise(value, 8, True, True)
            state[name + ".q"], state[name + ".scale"] = q.to(torch.int8), scale.float()
        else:
            state[name] = value
    return state


def packed_bytes(model: nn.Module, bits: int, per_channel: bool) -> int:
    """Bytes if the conv/linear weights took `bits` each (packed) plus a 4-byte scale and zero-point per
    tensor or channel; every other tensor float32."""
    total = 0
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            total += -(-m.weight.numel() * bits // 8) + 8 * (m.weight.shape[0] if per_channel else 1)
            total += 0 if m.bias is None else 4 * m.bias.numel()
        elif isinstance(m, nn.BatchNorm2d):
            total += 4 * 4 * m.num_features
    return total


def dynamic_int8(model: nn.Module) -> tuple[nn.Module, str]:
    """PyTorch's real int8 (torch.ao.quantization.quantize_dynamic on nn.Linear: int8 weights, activations
    quantised on the fly) and the first line of the deprecation warning it raised ("" if none)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        from torch.ao.quantization import quantize_dynamic
        quantised = quantize_dynamic(copy.deepcopy(model).eval(), {nn.Linear}, dtype=torch.qint8)
    notes = [str(w.message).strip().splitlines()[0] for w in caught if issubclass(w.category, DeprecationWarning)]
    return quantised.eval(), notes[0] if notes else ""


# -- figures and captions --------------------------------------------------------------------------
def row_figure(row: torch.Tensor, bits: int, symmetric: bool, height: int = 320) -> go.Figure:
    """One weight row's histogram with the quantisation levels it is rounded to (one line per level,
    up to 64 levels drawn)."""
    w = row.detach().flatten().numpy()
    q, deq, _ = quantise(row.detach().flatten(), bits, symmetric, False)
    scale, zero = qparams(row.flatten(), bits, symmetric, False)
    fig = go.Figure(go.Histogram(x=w, nbinsx=80, name="weights", marker_color=OKABE_ITO[0], opacity=0.8))
    lo, hi = (-(2 ** (bits - 1) - 1), 2 ** (bits - 1) - 1) if symmetric else (0, 2 ** bits - 1)
    levels = (np.arange(lo, hi + 1) - int(zero)) * float(scale)
    step = max(1, len(levels) // 64)
    for v in levels[::step]:
        fig.add_vline(x=float(v), line=dict(color=OKABE_ITO[3], width=1), opacity=0.5)
    fig.add_scatter(x=deq.numpy(), y=np.zeros_like(w), mode="markers", name="dequantised",
                    marker=dict(color=OKABE_ITO[3], size=7, symbol="line-ns-open"))
    fig.update_layout(height=height, margin=dict(l=50, r=10, t=30, b=40), xaxis_title="weight value",
                      yaxis_title="weights", legend=dict(orientation="h", y=1.12), bargap=0.05)
    return fig


def row_text(row: torch.Tensor, bits: int, symmetric: bool) -> str:
    """The worked example: the row's range, its scale and zero-point, and the error they cause."""
    w = row.detach().flatten()
    scale, zero = qparams(w, bits, symmetric, False)
    q, deq, _ = quantise(w, bits, symmetric, False)
    err = (deq - w).abs()
    lo, hi = float(w.min().clamp(max=0)), float(w.max().clamp(min=0))
    if symmetric:
        how = (f"scale = max|w| / (2^{bits - 1} − 1) = {max(-lo, hi):.4f} / {2 ** (bits - 1) - 1} = {float(scale):.5f}, "
               f"zero-point = 0, codes {int(q.min())} … {int(q.max())}")
    else:
        how = (f"scale = (max − min) / (2^{bits} − 1) = ({hi:.4f} − ({lo:.4f})) / {2 ** bits - 1} = {float(scale):.5f}, "
               f"zero-point = round(−min / scale) = {int(zero)}, codes {int(q.min())} … {int(q.max())}")
    return (f"{w.numel()} weights in [{float(w.min()):.4f}, {float(w.max()):.4f}]: {how}. Rounding moves a weight by "
            f"{float(err.mean()):.5f} on average and {float(err.max()):.5f} at most (≤ scale / 2 = {float(scale) / 2:.5f} "
            f"inside the range); {len(torch.unique(q))} of the {2 ** bits} codes are used.")


def bits_figure(sweep: dict, bits: int, height: int = 340) -> go.Figure:
    fig = go.Figure()
    for j, scheme in enumerate(SCHEMES):
        for mode, dash in zip(MODES, ("solid", "dot")):
            fig.add_scatter(x=sweep["bits"], y=sweep[scheme][mode], mode="lines+markers", name=f"{scheme}, {mode}",
                            line=dict(color=OKABE_ITO[j], dash=dash, width=2.5))
    fig.add_hline(y=sweep["dense"], line=dict(color="grey", dash="dash"), annotation_text="float32")
    fig.add_vline(x=bits, line=dict(color="grey", dash="dash"))
    fig.update_layout(height=height, margin=dict(l=50, r=10, t=30, b=40), xaxis_title="bits per weight",
                      yaxis_title="held-out accuracy", yaxis_range=[0, 1.02], legend=dict(orientation="h", y=1.15))
    return fig


def bits_caption(sweep: dict, bits: int) -> str:
    i = sweep["bits"].index(bits)
    vals = {f"{s}, {m}": sweep[s][m][i] for s in SCHEMES for m in MODES}
    best, worst = max(vals, key=vals.get), min(vals, key=vals.get)
    return (f"At {bits} bits per weight the teacher keeps {vals[best]:.1%} held-out accuracy with {best} and "
            f"{vals[worst]:.1%} with {worst} (float32: {sweep['dense']:.1%}).")


def int8_text(front: dict, sweep: dict) -> str:
    """Real int8 in PyTorch, with the measured frontier points and the deprecation it raises."""
    p = front["points"]
    t, tq, s, sq = (p[n] for n in ("teacher", "teacher dynamic int8", "student (distilled)", "student dynamic int8"))
    note = sweep.get("deprecation") or "no deprecation warning"
    return (f"**Real int8 (PyTorch's `quantize_dynamic`).** The teacher's one linear layer becomes int8 and its conv "
            f"layers stay float32: {t['bytes']:,} → {tq['bytes']:,} bytes ({tq['bytes'] / t['bytes']:.2f}×), "
            f"{t['latency_ms']:.2f} → {tq['latency_ms']:.2f} ms per batch of {front['batch']}, accuracy "
            f"{t['accuracy']:.1%} → {tq['accuracy']:.1%}. The student is all linear: {s['bytes']:,} → {sq['bytes']:,} "
            f"bytes ({sq['bytes'] / s['bytes']:.2f}×), {s['latency_ms']:.2f} → {sq['latency_ms']:.2f} ms, "
            f"{s['accuracy']:.1%} → {sq['accuracy']:.1%}. In torch {front['machine'].split('torch ')[-1].split(',')[0]} "
            f"this API warns: “{note}” (its successor is the torchao package).")
