"""Magnitude pruning of the digit CNN (Han et al. 2015; structured: Li et al. 2017 per layer, Liu et al.
2017's BatchNorm scales globally): masks, the rebuild of channel-pruned layers as smaller dense layers,
short masked fine-tuning, and the tab's figures and captions."""
from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import torch
from torch import nn

from demos.plots import OKABE_ITO
from models.slim_cnn import SlimCnn, SlimCnnConfig

SPARSITIES = (0.0, 0.3, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95)  # the recorded sweep's grid
SCOPES = ("global", "per layer")
KINDS = ("unstructured", "structured")
CONVS = ("features.0.0", "features.1.0", "features.3.0", "features.4.0")  # MnistCnn's conv layers, in order
BNS = tuple(c[:-1] + "1" for c in CONVS)
LINEAR = "classifier.2"


def prunable(model: nn.Module) -> dict[str, torch.Tensor]:
    """name -> weight of every conv and linear layer."""
    return {n: m.weight for n, m in model.named_modules() if isinstance(m, (nn.Conv2d, nn.Linear))}


# -- unstructured ----------------------------------------------------------------------------------
def magnitude_masks(weights: dict[str, torch.Tensor], sparsity: float, scope: str) -> dict[str, torch.Tensor]:
    """Masks (1 keep, 0 prune) removing the round(sparsity·n) smallest |w|: over all layers together
    ("global") or in every layer separately ("per layer"), as torch.nn.utils.prune's L1 methods do."""
    def smallest(values: torch.Tensor, k: int) -> torch.Tensor:
        mask = torch.ones(values.numel())
        if k > 0:
            mask[torch.topk(values.abs().flatten(), k, largest=False).indices] = 0
        return mask
    if scope == "per layer":
        return {n: smallest(w.detach(), round(sparsity * w.numel())).view_as(w) for n, w in weights.items()}
    flat = torch.cat([w.detach().flatten() for w in weights.values()])
    mask, out, start = smallest(flat, round(sparsity * flat.numel())), {}, 0
    for n, w in weights.items():
        out[n], start = mask[start:start + w.numel()].view_as(w), start + w.numel()
    return out


# -- structured ------------------------------------------------------------------------------------
def kept_channels(model: nn.Module, sparsity: float, scope: str) -> list[torch.Tensor]:
    """Sorted indices of the output channels each conv layer keeps. Per layer: drop round(sparsity·C)
    filters with the smallest L1 norm (torch's ln_structured, n=1, dim=0). Global: drop that share of all
    channels with the smallest |BatchNorm γ| (network slimming). Every layer keeps at least one."""
    mods = dict(model.named_modules())
    if scope == "per layer":
        scores = [mods[c].weight.detach().abs().sum((1, 2, 3)) for c in CONVS]
        counts = [len(s) - round(sparsity * len(s)) for s in scores]
    else:
        scores = [mods[b].weight.detach().abs() for b in BNS]
        flat = torch.cat(scores)
        cut = round(sparsity * len(flat))
        threshold = torch.sort(flat).values[cut - 1] if cut > 0 else -1.0
        counts = [int((s > threshold).sum()) for s in scores]
    return [torch.sort(torch.topk(s, max(k, 1)).indices).values for s, k in zip(scores, counts)]


def channel_masks(model: nn.Module, keep: list[torch.Tensor]) -> dict[str, torch.Tensor]:
    """Dense masks for structured pruning: a dropped channel's filter, BN γ and β are zero (its output is
    then relu(0) = 0, so the next layer's matching input weights and the linear columns do nothing)."""
    mods, masks = dict(model.named_modules()), {}
    for conv, bn, k in zip(CONVS, BNS, keep):
        m = torch.zeros(mods[conv].out_channels)
        m[k] = 1
        masks[conv] = m.view(-1, 1, 1, 1).expand_as(mods[conv].weight).clone()
        masks[bn + ".weight"], masks[bn + ".bias"] = m.clone(), m.clone()
    masks[LINEAR] = torch.ones_like(mods[LINEAR].weight)
    return masks


def apply_masks(model: nn.Module, masks: dict[str, torch.Tensor]) -> nn.Module:
    """A copy of `model` with every masked tensor multiplied by its mask (dense, zeros stored)."""
    out = copy.deepcopy(model).eval()
    params = dict(out.named_parameters())
    with torch.no_grad():
        for name, mask in masks.items():
            params[name if name in params else name + ".weight"].mul_(mask)
    return out


def rebuild(model: nn.Module, keep: list[torch.Tensor]) -> SlimCnn:
    """The structured-pruned CNN as smaller dense layers: each conv keeps its kept filters and the input
    channels the previous layer kept; the linear layer keeps the 49 columns of each kept channel."""
    slim = SlimCnn(SlimCnnConfig(tuple(len(k) for k in keep)))
    src, dst = model.state_dict(), slim.state_dict()
    previous = torch.arange(1)
    for conv, bn, k in zip(CONVS, BNS, keep):
        dst[conv + ".weight"] = src[conv + ".weight"][k][:, previous]
        for p in ("weight", "bias", "running_mean", "running_var"):
            dst[f"{bn}.{p}"] = src[f"{bn}.{p}"][k]
        previous = k
    columns = (previous[:, None] * 49 + torch.arange(49)).flatten()  # flatten order: channel, row, column
    dst[LINEAR + ".weight"], dst[LINEAR + ".bias"] = src[LINEAR + ".weight"][:, columns], src[LINEAR + ".bias"]
    slim.load_state_dict(dst)
    return slim.eval()


# -- fine-tuning (train/compression_pruning.py) ----------------------------------------------------
def fine_tune(model: nn.Module, masks: dict[str, torch.Tensor], images: torch.Tensor, labels: torch.Tensor,
              steps: int, seed: int, lr: float = 1e-3, batch: int = 64) -> nn.Module:
    """`steps` of Adam on cross-entropy, re-applying the masks after every step so pruned weights stay 0."""
    model = apply_masks(model, masks)
    gen = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    params = dict(model.named_parameters())
    for _ in range(steps):
        model.train()
        idx = torch.randint(len(images), (batch,), generator=gen)
        loss = nn.functional.cross_entropy(model(images[idx]), labels[idx])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        with torch.no_grad():
            for name, mask in masks.items():
                params[name if name in params else name + ".weight"].mul_(mask)
    return model.eval()


@torch.no_grad()
def recalibrate_bn(model: nn.Module, images: torch.Tensor) -> nn.Module:
    """A copy whose BatchNorm running statistics are re-estimated on `images` (no weight changes): removing
    channels shifts what the next layers' BatchNorm sees, and this alone undoes much of the damage."""
    out = copy.deepcopy(model)
    for m in out.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.reset_running_stats()
            m.momentum = None  # a plain average over the batch
    out.train()(images)
    return out.eval()


# -- figures and captions --------------------------------------------------------------------------
def view(model: nn.Module, kind: str, scope: str, sparsity: float) -> tuple[dict, dict]:
    """(conv/linear weights, their masks) for one setting of the tab."""
    weights = {n: w.detach() for n, w in prunable(model).items()}
    if kind == "unstructured":
        return weights, magnitude_masks(weights, sparsity, scope)
    masks = channel_masks(model, kept_channels(model, sparsity, scope))
    return weights, {n: masks[n] for n in weights}


def table_frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame({"stored as": [r["form"] for r in rows], "bytes": [r["bytes"] for r in rows],
                         "numbers stored": [r["parameters"] for r in rows],
                         "latency (ms)": [r["latency_ms"] for r in rows]})


def layer_sparsity(masks: dict[str, torch.Tensor], weights: dict[str, torch.Tensor]) -> dict[str, float]:
    """Share of zeros in each conv/linear weight."""
    return {n: 1.0 - float(masks[n].mean()) for n in weights}


def layers_figure(sparsity: dict[str, float], weights: dict[str, torch.Tensor], height: int = 300) -> go.Figure:
    names = [f"{n} ({weights[n].numel():,})" for n in sparsity]
    fig = go.Figure(go.Bar(x=names, y=list(sparsity.values()), marker_color=OKABE_ITO[0],
                           text=[f"{s:.0%}" for s in sparsity.values()], textposition="outside"))
    fig.update_layout(height=height, margin=dict(l=50, r=10, t=30, b=40), yaxis_range=[0, 1.1],
                      yaxis_tickformat=".0%", yaxis_title="weights pruned", xaxis_title="layer (weights)")
    return fig


def layers_caption(sparsity: dict[str, float], weights: dict[str, torch.Tensor], scope: str, kind: str) -> str:
    total = sum(w.numel() for w in weights.values())
    zeros = sum(s * weights[n].numel() for n, s in sparsity.items())
    most, least = max(sparsity, key=sparsity.get), min(sparsity, key=sparsity.get)
    return (f"{kind.capitalize()}, {scope}: {zeros / total:.1%} of the {total:,} conv and linear weights are zero; "
            f"{most} loses the most ({sparsity[most]:.0%}), {least} the least ({sparsity[least]:.0%}).")


def histogram_figure(weights: torch.Tensor, mask: torch.Tensor, layer: str, height: int = 300) -> go.Figure:
    w, m = weights.detach().flatten().numpy(), mask.flatten().numpy() > 0
    edges = np.linspace(w.min(), w.max(), 61)
    fig = go.Figure()
    for sel, name, colour in ((m, "kept", OKABE_ITO[0]), (~m, "pruned", OKABE_ITO[3])):
        counts, _ = np.histogram(w[sel], edges)
        fig.add_bar(x=(edges[:-1] + edges[1:]) / 2, y=counts, name=name, marker_color=colour, width=edges[1] - edges[0])
    fig.update_layout(barmode="stack", height=height, margin=dict(l=50, r=10, t=30, b=40), bargap=0,
                      xaxis_title=f"weight value in {layer}", yaxis_title="weights", legend=dict(orientation="h", y=1.1))
    return fig


def histogram_caption(mask: torch.Tensor, layer: str, kind: str, scope: str) -> str:
    pruned = int((mask == 0).sum())
    how = ("the smallest |w| " + ("of all layers together" if scope == "global" else "of this layer")
           if kind == "unstructured" else "whole filters, " + ("the channels with the smallest BatchNorm |γ| of all "
                                                               "layers" if scope == "global" else
                                                               "those with the smallest L1 norm in this layer"))
    return f"{layer}: {pruned:,} of {mask.numel():,} weights pruned (red): {how}."


def sweep_figure(sweep: dict, kind: str, sparsity: float, height: int = 340) -> go.Figure:
    fig = go.Figure()
    for j, scope in enumerate(SCOPES):
        row = sweep[kind][scope]
        fig.add_scatter(x=sweep["sparsities"], y=row["no_ft"], mode="lines+markers", name=f"{scope}, no fine-tuning",
                        line=dict(color=OKABE_ITO[j], dash="dot"))
        fig.add_scatter(x=sweep["ft_sparsities"], y=row["ft"], mode="lines+markers", name=f"{scope}, fine-tuned",
                        line=dict(color=OKABE_ITO[j], width=3))
    fig.add_vline(x=sparsity, line=dict(color="grey", dash="dash"))
    fig.update_layout(height=height, margin=dict(l=50, r=10, t=30, b=40), xaxis_title="sparsity",
                      yaxis_title="held-out accuracy", yaxis_range=[0, 1.02], legend=dict(orientation="h", y=1.15))
    return fig


def sweep_caption(sweep: dict, kind: str, sparsity: float) -> str:
    i = sweep["sparsities"].index(sparsity)
    g, p = sweep[kind]["global"]["no_ft"][i], sweep[kind]["per layer"]["no_ft"][i]
    text = (f"{kind.capitalize()} pruning of {sparsity:.0%} without fine-tuning: global {g:.1%}, per layer {p:.1%} "
            f"held-out accuracy (dense teacher {sweep['dense']:.1%}).")
    if sparsity in sweep["ft_sparsities"]:
        j = sweep["ft_sparsities"].index(sparsity)
        gf, pf = sweep[kind]["global"]["ft"][j], sweep[kind]["per layer"]["ft"][j]
        text += f" After {sweep['ft_steps']} fine-tuning steps: global {gf:.1%}, per layer {pf:.1%}."
    return text


def table_caption(rows: list[dict]) -> str:
    dense = next(r for r in rows if r["form"] == "dense teacher")
    masked = next(r for r in rows if r["form"].startswith("dense + mask"))
    slim = next(r for r in rows if r["form"].startswith("structured"))
    ratio = masked["latency_ms"] / dense["latency_ms"]
    verdict = ": masking saves no time" if ratio >= 0.9 else ""
    return (f"Dense + mask runs in {ratio:.2f}× the teacher's time{verdict}, and its "
            f"state dict is {masked['bytes'] / dense['bytes']:.2f}× as big (weight and mask both stored); the "
            f"structured model rebuilt as smaller layers runs in {slim['latency_ms'] / dense['latency_ms']:.2f}× "
            f"the time at {slim['bytes'] / dense['bytes']:.2f}× the bytes.")
