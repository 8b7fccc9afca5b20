"""Figures and captions of the "Does it help?" tab: the training curves with and without
augmentation (replayed step by step in the browser), the generalisation gap against the training-set
size, and which transforms help or hurt at 50 digits per class."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from demos import replay
from demos.augmentation.batch import BATCH_TRANSFORMS, LABEL_BREAKING
from demos.augmentation.helps import PER_CLASS, TRANSFORM_K, final

ARMS = [t for t in BATCH_TRANSFORMS if t != "none"]
COLOURS = {"none": "#D55E00", "aug": "#0072B2"}


def arm_title(arm: str) -> str:
    return BATCH_TRANSFORMS[arm] + (" (label-breaking)" if arm in LABEL_BREAKING else "")


def _mean(curves: list[dict], metric: str) -> np.ndarray:
    return np.mean([c[metric] for c in curves], 0)


def curves_figure(runs: dict, per_class: int, arm: str, height: int = 420) -> go.Figure:
    """Mean train and validation accuracy over the seeds, per arm, against training steps; a player
    reveals the runs evaluation by evaluation."""
    arms = [("none", "no augmentation", COLOURS["none"])] + ([(arm, BATCH_TRANSFORMS[arm], COLOURS["aug"])] if arm in runs else [])
    steps = np.array(runs["none"][0]["steps"])
    fig = go.Figure()
    for key, name, colour in arms:
        for metric, dash in (("train_acc", "dot"), ("val_acc", "solid")):
            fig.add_trace(go.Scatter(x=steps, y=_mean(runs[key], metric), mode="lines+markers", line=dict(color=colour, dash=dash),
                                     name=f"{name}: {'training digits' if metric == 'train_acc' else 'validation'}"))
    fig.update_layout(height=height, xaxis_title="training step (mini-batches of 32)", yaxis_title="accuracy",
                      yaxis_range=[0, 1.02], margin=dict(l=60, r=10, t=30, b=40), legend=dict(orientation="h", y=1.12))
    frames = [{t: {"x": steps[:f + 1].tolist(), "y": np.asarray(fig.data[t].y)[:f + 1].tolist()}
               for t in range(len(fig.data))} for f in range(len(steps))]
    return replay.animate(fig, frames, [str(s) for s in steps], start=len(steps) - 1)


def curves_caption(runs: dict, per_class: int, arm: str) -> str:
    seeds = len(runs["none"])
    def summary(key: str) -> tuple[float, float]:
        return float(final(runs[key], "val_acc").mean()), float((final(runs[key], "train_acc") - final(runs[key], "val_acc")).mean())
    v0, g0 = summary("none")
    text = (f"{per_class} digits per class, mean of {seeds} seeds, after {runs['none'][0]['steps'][-1]} steps: without augmentation "
            f"{v0:.1%} on the validation digits, a train − validation gap of {g0 * 100:.1f} points")
    if arm not in runs:
        return text + "."
    v1, g1 = summary(arm)
    verdict = "raises" if v1 > v0 else "lowers" if v1 < v0 else "leaves"
    change = "" if verdict == "leaves" else f" by {abs(v1 - v0) * 100:.1f} points"
    return text + (f"; with {BATCH_TRANSFORMS[arm]} {v1:.1%}, a gap of {g1 * 100:.1f} points: it {verdict} validation accuracy"
                   f"{change}" + (" unchanged." if verdict == "leaves" else "."))


def gap_figure(gaps: dict[str, dict[int, np.ndarray]], height: int = 340) -> go.Figure:
    fig = go.Figure()
    for arm, name, colour in (("none", "no augmentation", COLOURS["none"]), ("standard", "standard augmentation", COLOURS["aug"])):
        ks = sorted(gaps.get(arm, {}))
        fig.add_trace(go.Scatter(x=ks, y=[gaps[arm][k].mean() for k in ks], mode="lines+markers", name=name,
                                 line=dict(color=colour),
                                 error_y=dict(type="data", array=[gaps[arm][k].std() for k in ks], visible=True)))
    fig.update_layout(height=height, xaxis=dict(title="training digits per class", type="log", tickvals=list(PER_CLASS)),
                      yaxis_title="train − validation accuracy", margin=dict(l=60, r=10, t=30, b=40),
                      title="Generalisation gap (mean ± sd over seeds)", legend=dict(orientation="h", y=-0.3))
    return fig


def gap_caption(gaps: dict[str, dict[int, np.ndarray]]) -> str:
    if not gaps.get("none") or not gaps.get("standard"):
        return "The committed runs are missing: run the recording command to see the gap."
    ks = sorted(set(gaps["none"]) & set(gaps["standard"]))
    smaller = [k for k in ks if gaps["standard"][k].mean() < gaps["none"][k].mean()]
    lo, hi = ks[0], ks[-1]
    return (f"Without augmentation the gap is {gaps['none'][lo].mean() * 100:.1f} points at {lo} digits per class and "
            f"{gaps['none'][hi].mean() * 100:.1f} at {hi}; the standard augmentation makes it smaller at {len(smaller)} of {len(ks)} sizes"
            + (f" ({', '.join(map(str, smaller))})." if smaller else "."))


def effects_figure(effects: dict[str, float], height: int = 340) -> go.Figure:
    names = sorted(effects, key=effects.get)
    fig = go.Figure(go.Bar(x=[effects[n] * 100 for n in names], y=[BATCH_TRANSFORMS[n] for n in names], orientation="h",
                           marker_color=["#D55E00" if n in LABEL_BREAKING else "#0072B2" for n in names],
                           hovertemplate="%{y}: %{x:+.1f} points<extra></extra>"))
    fig.update_layout(height=height, xaxis_title="validation accuracy vs none (points)", margin=dict(l=10, r=10, t=30, b=40),
                      title=f"Each transform alone, {TRANSFORM_K} digits per class (orange: label-breaking)")
    return fig


def effects_caption(effects: dict[str, float]) -> str:
    if not effects:
        return "The committed runs are missing: run the recording command to compare transforms."
    best, worst = max(effects, key=effects.get), min(effects, key=effects.get)
    hurt = [BATCH_TRANSFORMS[t] for t, v in effects.items() if v < 0]
    return (f"At {TRANSFORM_K} digits per class the best of these is {BATCH_TRANSFORMS[best]} "
            f"({effects[best] * 100:+.1f} points), the worst {BATCH_TRANSFORMS[worst]} ({effects[worst] * 100:+.1f}); "
            + (f"{len(hurt)} of {len(effects)} lower validation accuracy." if hurt else "none lowers validation accuracy."))
