"""The loss zoo's views: accuracy per class (rare digits on the right), confidence histograms, logit
margins and the validation curves, each averaged over the recorded seeds, and their captions."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from demos.losses import zoo
from demos.plots import OKABE_ITO, layout

RARE = (7, 8, 9)  # the three rarest digits


def _done(rec: dict) -> dict[str, list[dict]]:
    return {k: v for k, v in rec["runs"].items() if v}


def _mean(runs: list[dict], key: str) -> np.ndarray:
    return np.mean([np.asarray(r[key], dtype=float) for r in runs], axis=0)


def summary(rec: dict) -> dict[str, dict[str, float]]:
    """Per loss, means over seeds: held-out accuracy, rare-digit accuracy, mean confidence, ECE, NLL."""
    return {k: {"accuracy": float(_mean(v, "accuracy")), "rare": float(_mean(v, "per_class")[list(RARE)].mean()),
                "confidence": float(_mean(v, "mean_confidence")), "ece": float(_mean(v, "ece")),
                "nll": float(_mean(v, "nll"))} for k, v in _done(rec).items()}


def per_class_figure(rec: dict, height: int = 360) -> go.Figure:
    """Held-out accuracy per digit for every loss (mean over seeds); the x labels give each digit's count."""
    fig = go.Figure()
    names = [f"{c} ({n})" for c, n in enumerate(rec["counts"])]
    for i, (k, v) in enumerate(_done(rec).items()):
        fig.add_bar(x=names, y=_mean(v, "per_class"), name=k, marker_color=OKABE_ITO[i])
    fig.update_layout(barmode="group", legend=dict(orientation="h", y=-0.3))
    fig.update_yaxes(range=[0, 1], title_text="held-out accuracy")
    fig.update_xaxes(title_text="digit (training examples)")
    return layout(fig, "Accuracy per digit on the balanced held-out set", height)


def histogram_figure(rec: dict, kind: str, height: int = 320) -> go.Figure:
    """kind "confidence" (top probability) or "margins" (z_true − max other z): held-out histograms."""
    bins = zoo.CONF_BINS if kind == "confidence" else zoo.MARGIN_BINS
    mid = (bins[:-1] + bins[1:]) / 2
    fig = go.Figure()
    for i, (k, v) in enumerate(_done(rec).items()):
        fig.add_scatter(x=mid, y=_mean(v, kind), mode="lines", line_shape="hvh", name=k,
                        line=dict(color=OKABE_ITO[i], width=2))
    title = ("Top probability on the held-out digits" if kind == "confidence" else
             "Logit margin z_true − max z_other (clipped to the axis; < 0 = wrong)")
    fig.update_xaxes(title_text="max p" if kind == "confidence" else "margin")
    fig.update_yaxes(title_text="digits (mean over seeds)")
    fig.update_layout(legend=dict(orientation="h", y=-0.3))
    return layout(fig, title, height)


def curves_figure(rec: dict, height: int = 300) -> go.Figure:
    """Balanced validation accuracy per epoch, mean over the finished seeds (and the running one)."""
    fig = go.Figure()
    for i, (k, v) in enumerate(_done(rec).items()):
        y = _mean(v, "curve")
        fig.add_scatter(x=np.arange(1, len(y) + 1), y=y, mode="lines", name=k, line=dict(color=OKABE_ITO[i]))
    for name, live in (rec.get("live") or {}).items():  # a live run's curves so far, dotted
        if live and not rec["runs"].get(name):
            y = np.mean([np.asarray(c) for c in live], axis=0)
            fig.add_scatter(x=np.arange(1, len(y) + 1), y=y, mode="lines+markers", name=f"{name} (training)",
                            line=dict(color=OKABE_ITO[zoo.LOSSES.index(name)], dash="dot"))
    fig.update_xaxes(title_text="epoch", range=[0.5, rec["settings"]["epochs"] + 0.5])
    fig.update_yaxes(title_text="balanced validation accuracy", range=[0, 1])
    fig.update_layout(legend=dict(orientation="h", y=-0.3))
    return layout(fig, "Training, watched on the 500 validation digits", height)


def per_class_caption(rec: dict) -> str:
    s = summary(rec)
    if not s:
        return "No run has finished yet."
    best = max(s, key=lambda k: s[k]["accuracy"])
    rare = max(s, key=lambda k: s[k]["rare"])
    c = rec["counts"]
    n = len(next(iter(_done(rec).values())))
    return (f"Trained on {sum(c):,} digits, {c[0]} zeros down to {c[-1]} nines; mean of {n} seed(s). "
            f"Best held-out accuracy: {best} ({s[best]['accuracy']:.1%}; cross-entropy "
            f"{s.get('cross-entropy', s[best])['accuracy']:.1%}). On the three rarest digits {rare} does best "
            f"({s[rare]['rare']:.1%}), against {min(v['rare'] for v in s.values()):.1%} for the worst loss.")


def confidence_caption(rec: dict) -> str:
    s = summary(rec)
    if not s:
        return "No run has finished yet."
    most = max(s, key=lambda k: s[k]["confidence"])
    low = min(s, key=lambda k: s[k]["ece"])
    parts = "; ".join(f"{k} {v['confidence']:.0%} / {v['accuracy']:.0%}" for k, v in s.items())
    return (f"Mean confidence / accuracy on the held-out digits: {parts}. {most} is the most confident; "
            f"{low} has the lowest ECE ({s[low]['ece']:.3f}).")


def margins_caption(rec: dict) -> str:
    s = _done(rec)
    if not s:
        return "No run has finished yet."
    mid = (zoo.MARGIN_BINS[:-1] + zoo.MARGIN_BINS[1:]) / 2
    means = {k: float((_mean(v, "margins") * mid).sum() / _mean(v, "margins").sum()) for k, v in s.items()}
    wide, narrow = max(means, key=means.get), min(means, key=means.get)
    text = (f"Mean margin (from the clipped histogram): widest {wide} ({means[wide]:.1f}), narrowest {narrow} "
            f"({means[narrow]:.1f}).")
    if "cross-entropy" in means:
        smaller = [k for k in ("MSE", "focal", "label smoothing") if k in means and means[k] < means["cross-entropy"]]
        text += (f" Smaller than cross-entropy's ({means['cross-entropy']:.1f}): {', '.join(smaller)}; these losses "
                 "stop rewarding certainty, while cross-entropy keeps pushing the true logit up." if smaller else
                 " None of MSE, focal and label smoothing leaves a smaller margin than cross-entropy here.")
    return text


def curves_caption(rec: dict) -> str:
    s = _done(rec)
    if not s:
        return "Training: no run has finished yet."
    final = {k: float(_mean(v, "curve")[-1]) for k, v in s.items()}
    best = max(final, key=final.get)
    seconds = rec.get("seconds")
    cost = f" The {sum(map(len, s.values()))} runs took {seconds:.1f} s." if seconds else ""
    return ("Balanced validation accuracy after the last epoch: "
            + ", ".join(f"{k} {v:.1%}" for k, v in final.items()) + f"; highest: {best}." + cost)
