"""How many labels does the new task need? Digits 5-9 from k labelled examples per class, five ways:
from scratch, a linear probe on the 0-4 CNN's frozen features, fine-tuning its last block, fine-tuning
everything, and a linear probe on ImageNet features (EfficientNet-Lite0); the old 0-4 head's accuracy
after each (forgetting). Yosinski et al. 2014, "How transferable are features in deep neural networks?".
"""
from __future__ import annotations

import copy
import math
import time
from typing import Sequence

import pandas as pd
import torch

from demos.transfer_learning.fine_tune import LAST_BLOCK, STEPS, fine_tune, from_scratch, old_task_accuracy
from demos.transfer_learning.probe import linear_probe
from demos.transfer_learning.task import NEW_DIGITS, Progress, accuracy, logits_of, new_task, shots
from models.transfer_cnn import TransferCnn

K_VALUES = (1, 2, 5, 10, 20, 50, 100)  # examples per class in the sweep
STRATEGIES = {"scratch": "From scratch", "probe": "Linear probe on frozen features",
              "last": "Fine-tune last block", "full": "Fine-tune everything",
              "imagenet": "ImageNet features + linear probe"}  # name -> legend
LR_FREE = ("scratch", "probe", "imagenet")  # strategies whose runs do not depend on the fine-tuning rate


# ---------------------------------------------------------------- how many labels: the sweep
def label_sweep(backbone: TransferCnn, imagenet: dict[str, torch.Tensor] | None = None, lr: float = 1e-3,
                seeds: int = 3, strategies: Sequence[str] = tuple(STRATEGIES), first_seed: int = 0,
                k_values: Sequence[int] = K_VALUES, steps: int = STEPS, on_progress: Progress = None) -> pd.DataFrame:
    """Learn digits 5-9 from k examples per class with each of `strategies` ("imagenet" needs
    {"pool": ..., "test": ...} from `digit_imagenet_features`), every k and seed; score on the 500
    held-out digits 5-9, and for runs that keep the 0-4 features also the ORIGINAL 0-4 head on the
    500 held-out digits 0-4 (forgetting). One row per run: strategy, k, seed, accuracy,
    train_accuracy, old_accuracy (NaN if not applicable), seconds. Seed s draws the same shots for
    every strategy, and no run depends on another: seeds first_seed..seeds-1 of a sweep are the same
    runs as in any other sweep. Only "last" and "full" depend on `lr` (the others are LR_FREE)."""
    task = new_task()
    px, py, tx, ty, ox, oy = (task[n] for n in ("pool_x", "pool_y", "test_x", "test_y", "old_x", "old_y"))
    frozen = copy.deepcopy(backbone).eval().to(memory_format=torch.channels_last)  # a private, faster copy
    emb_pool, emb_test = logits_of(frozen.embed, px), logits_of(frozen.embed, tx)
    frozen_old = accuracy(logits_of(frozen, ox), oy)
    test_hidden = {s: logits_of(lambda x, s=s: frozen.trunk(x, s), tx) for s in (0, LAST_BLOCK)}
    names = [s for s in strategies if s != "imagenet" or imagenet is not None]
    rows, total = [], (seeds - first_seed) * len(k_values) * len(names)
    for seed in range(first_seed, seeds):
        for k in k_values:
            idx = shots(py, k, seed)
            x, y = px[idx], py[idx]
            for name in names:
                start, old = time.perf_counter(), math.nan
                if name in ("probe", "imagenet"):
                    f_pool, f_test = (emb_pool, emb_test) if name == "probe" else (imagenet["pool"], imagenet["test"])
                    probe = linear_probe(f_pool[idx], y, len(NEW_DIGITS))
                    acc, train_acc = accuracy(probe.logits(f_test), ty), accuracy(probe.logits(f_pool[idx]), y)
                    old = frozen_old if name == "probe" else math.nan  # frozen features: the old head still works
                else:
                    begin = LAST_BLOCK if name == "last" else 0
                    net = (from_scratch(x, y, backbone.config.width, steps=steps, seed=seed) if name == "scratch"
                           else fine_tune(frozen, x, y, begin, lr, steps, seed))
                    hidden = test_hidden[begin] if name != "scratch" else test_hidden[0]
                    acc = accuracy(logits_of(lambda h: net.rest(h, begin), hidden), ty)
                    train_acc = accuracy(logits_of(net, x), y)
                    if name != "scratch":
                        old = old_task_accuracy(net, frozen, ox, oy)
                rows.append({"strategy": name, "k": k, "seed": seed, "accuracy": acc, "train_accuracy": train_acc,
                             "old_accuracy": old, "seconds": time.perf_counter() - start})
                if on_progress:  # the runs so far: what a stopped sweep shows
                    on_progress(len(rows) / total, pd.DataFrame(rows))
    return pd.DataFrame(rows)


def sweep_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Per (strategy, k), strategies in STRATEGIES order: mean, min and max accuracy over seeds, the
    mean old-task accuracy and the lowest training accuracy."""
    g = table.groupby(["strategy", "k"])
    out = g["accuracy"].agg(["mean", "min", "max", "count"])
    out["old"] = g["old_accuracy"].mean()
    out["train"] = g["train_accuracy"].min()
    out = out.reset_index()
    order = {name: i for i, name in enumerate(STRATEGIES)}
    return out.sort_values(["strategy", "k"], key=lambda c: c.map(order) if c.name == "strategy" else c,
                           ignore_index=True)


def old_task_before(summary: pd.DataFrame) -> float:
    """The old 0-4 head's accuracy before any fine-tuning: the frozen probe's (its features never change)."""
    return float(summary.loc[summary["strategy"] == "probe", "old"].iloc[0])


# ---------------------------------------------------------------- figures: the curves, and the bars at one k
SHORT = {"scratch": "Scratch", "probe": "Probe", "last": "Last block", "full": "Everything",
         "imagenet": "ImageNet probe"}  # strategy -> short name for bars and captions
BAR_LABELS = {k: v.replace(" ", "<br>") for k, v in SHORT.items()}  # two-line tick labels
IN_TEXT = {k: v if v.startswith("ImageNet") else v.lower() for k, v in SHORT.items()}  # inside a sentence


def rgba(hex_colour: str, alpha: float) -> str:
    """"#rrggbb" and an opacity -> "rgba(r,g,b,alpha)" (the bands here, the few-shot regions)."""
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def sweep_figure(summary: pd.DataFrame, target: float, k: int, height: int = 400):
    """Accuracy vs labelled examples per class (log axis): one line per strategy (mean over seeds)
    with a min-max band, the target accuracy and the k being read off. (Built in one go: plotly's
    add_trace / add_hline copy the figure each time.)"""
    import plotly.graph_objects as go

    from demos.plots import OKABE_ITO

    data = []
    for i, (name, legend) in enumerate(STRATEGIES.items()):
        s = summary[summary["strategy"] == name]
        if s.empty:
            continue
        ks, colour = list(s["k"]), OKABE_ITO[i]
        data.append(dict(type="scatter", x=ks + ks[::-1], y=list(s["max"]) + list(s["min"])[::-1], mode="lines",
                         fill="toself", fillcolor=rgba(colour, 0.18), line=dict(width=0), hoverinfo="skip",
                         showlegend=False, name=f"{legend}: min-max"))
        data.append(dict(type="scatter", x=ks, y=list(s["mean"]), name=legend, mode="lines+markers",
                         line=dict(color=colour, width=3), marker=dict(size=8, symbol=i),
                         hovertemplate="k = %{x}: %{y:.1%}<extra>" + legend + "</extra>"))
    guide = dict(type="line", line=dict(color="gray", dash="dot"))
    layout = dict(
        height=height, margin=dict(l=10, r=10, t=10, b=10),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0, font=dict(size=12)),
        xaxis=dict(type="log", title=dict(text="labelled examples per class (k)"), tickvals=list(K_VALUES)),
        yaxis=dict(title=dict(text="accuracy, held-out 5-9"), range=[0, 1.02], tickformat=".0%"),
        shapes=[guide | dict(xref="paper", x0=0, x1=1, y0=target, y1=target),
                guide | dict(yref="paper", x0=k, x1=k, y0=0, y1=1, line=dict(color="gray", dash="dash"))],
        annotations=[dict(xref="paper", x=1, y=target, text=f"target {target:.0%}", showarrow=False,
                          xanchor="right", yanchor="top", font=dict(color="gray"))])
    return go.Figure(data=data, layout=layout)


def grouped_bars(categories: Sequence[str], series: dict[str, Sequence[float]], title: str | None = None,
                 height: int = 400, reference: tuple[float, str] | None = None):
    """Bars of several series side by side per category (accuracies), optional reference line."""
    import plotly.graph_objects as go

    from demos.plots import OKABE_ITO

    data = [dict(type="bar", x=list(categories), y=list(values), name=name, marker_color=OKABE_ITO[(i * 3) % 8],
                 textangle=0, text=[f"{v:.0%}" if v == v else "n/a" for v in values], textposition="auto")
            for i, (name, values) in enumerate(series.items())]
    layout = dict(barmode="group", title=title, height=height, margin=dict(l=10, r=10, t=40 if title else 10, b=10),
                  legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0, font=dict(size=12)),
                  yaxis=dict(range=[0, 1.05], tickformat=".0%"), xaxis=dict(tickangle=0))
    if reference is not None:
        layout["shapes"] = [dict(type="line", xref="paper", x0=0, x1=1, y0=reference[0], y1=reference[0],
                                 line=dict(color="gray", dash="dot"))]
        layout["annotations"] = [dict(xref="paper", x=0, y=reference[0], text=reference[1], showarrow=False,
                                      xanchor="left", yanchor="bottom", font=dict(color="gray"))]
    return go.Figure(data=data, layout=layout)


def at_k_figure(summary: pd.DataFrame, k: int, old_before: float, height: int = 400):
    """What k examples per class buy: each strategy's new-task accuracy beside the old 0-4 head's."""
    at = summary[summary["k"] == k].set_index("strategy")
    return grouped_bars([BAR_LABELS[s] for s in at.index],
                        {"new task: digits 5-9": at["mean"], "old task: digits 0-4, original head": at["old"]},
                        reference=(old_before, "0-4 before"), height=height)


# ---------------------------------------------------------------- what the charts say (computed, not written)
def labels_needed(summary: pd.DataFrame, target: float) -> dict[str, int | None]:
    """Per strategy, the smallest measured k whose mean accuracy reaches `target` (None: not by 100)."""
    out = {}
    for name in dict.fromkeys(summary["strategy"]):
        s = summary[(summary["strategy"] == name) & (summary["mean"] >= target)]
        out[name] = int(s["k"].min()) if len(s) else None
    return out


def sweep_caption(summary: pd.DataFrame, target: float) -> str:
    """How many labels each strategy needs to reach `target`, cheapest first."""
    needed = labels_needed(summary, target)
    reached = sorted(((k, n) for n, k in needed.items() if k is not None))
    parts = [f"{IN_TEXT[n]} k = {k}" for k, n in reached]
    missing = [n for n, k in needed.items() if k is None]
    text = f"To reach {target:.0%} on the held-out digits 5-9: " + (", ".join(parts) if parts else "no strategy does")
    top = summary.groupby("strategy")["k"].max()  # a stopped live run may end early
    if missing and all(top[n] == max(K_VALUES) for n in missing):
        text += f"; {', '.join(IN_TEXT[n] for n in missing)}: not with {max(K_VALUES)} examples per class"
    elif missing:
        text += "; " + ", ".join(f"{IN_TEXT[n]}: not by k = {top[n]}" + ("" if top[n] == max(K_VALUES) else " (stopped there)")
                                 for n in missing)
    return text + " (mean over seeds; bands: min-max)."


def at_k_caption(summary: pd.DataFrame, k: int, lr: float, old_before: float) -> str:
    """Accuracies at one k, the probe's margin over scratch, and what fine-tuning did to digits 0-4."""
    at = summary[summary["k"] == k].set_index("strategy")
    ranked = at["mean"].sort_values(ascending=False)
    text = f"At k = {k}: " + ", ".join(f"{IN_TEXT[n]} {v:.0%}" for n, v in ranked.items())
    gap = 100 * (at.loc["probe", "mean"] - at.loc["scratch", "mean"])
    text += (f"; the probe beats scratch by {gap:.0f} points." if gap >= 0.5 else
             f"; scratch beats the probe by {-gap:.0f} points." if gap <= -0.5 else "; the probe and scratch tie.")
    if "full" in at.index:
        text += (f" After fine-tuning everything at lr {lr:g}, the old 0-4 head scores {at.loc['full', 'old']:.0%} "
                 f"(it was {old_before:.0%}); the frozen probe leaves it untouched.")
    return text
