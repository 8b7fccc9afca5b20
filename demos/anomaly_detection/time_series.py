"""The same idea on a signal: a dense denoising autoencoder trained on windows of a normal synthetic
ECG scores every window of a trace with injected anomalies (spike, flat line, tachycardia burst,
noise burst); windows above the 99th percentile of a normal trace's errors are flagged."""
from __future__ import annotations

from typing import Sequence

import numpy as np
import plotly.graph_objects as go
import torch
from plotly.subplots import make_subplots
from torch import nn

from demos import plots
from demos.anomaly_detection.curves import auroc
from demos.anomaly_detection.thresholds import threshold_percentile

SECONDS, STRIDE, PERCENTILE = 60.0, 16, 99.0
ROWS = 4  # the trace drawn as four 15-s strips


@torch.no_grad()
def window_errors(ae: nn.Module, signal: np.ndarray, window: int,
                  stride: int) -> tuple[np.ndarray, np.ndarray]:
    """Score every window of a 1-D signal (mean squared error) and stitch a per-sample
    reconstruction (the mean of the overlapping windows' reconstructions)."""
    from models.ecg import windows

    w = windows(signal, window, stride)
    recon = ae(torch.from_numpy(w))[0].numpy()
    total, count = np.zeros(len(signal)), np.zeros(len(signal))
    for i, start in enumerate(range(0, len(signal) - window + 1, stride)):
        total[start:start + window] += recon[i]
        count[start:start + window] += 1
    return ((recon - w) ** 2).mean(axis=1), total / np.maximum(count, 1)


def spans(flags: np.ndarray, window: int, stride: int, rate: float) -> list[tuple[float, float]]:
    """Merge flagged windows (one flag per window start) into (start, end) time spans in seconds."""
    out: list[tuple[float, float]] = []
    for i in np.flatnonzero(flags):
        a, b = i * stride / rate, (i * stride + window) / rate
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def ecg_run(ae: nn.Module, seed: int) -> dict:
    """One 60-s trace with every kind of anomaly (drawn from `seed`), scored against the threshold set
    on a normal trace: the signal, its reconstruction, flagged and true spans, the window AUROC."""
    from models.ecg import ANOMALIES, RATE, anomalous_signal, synthetic_ecg, window_labels

    win = ae.config.window
    signal, truth = anomalous_signal(SECONDS, ANOMALIES, seed=seed + 1000)
    scores, recon = window_errors(ae, signal, win, STRIDE)
    normal_scores, _ = window_errors(ae, synthetic_ecg(SECONDS, seed + 5000), win, STRIDE)
    flags = scores > threshold_percentile(normal_scores, PERCENTILE)
    return {"t": np.arange(len(signal)) / RATE, "signal": signal, "reconstruction": recon,
            "flagged": spans(flags, win, STRIDE, RATE), "truth": spans(truth, 1, 1, RATE),
            "auroc": auroc(scores, window_labels(truth, win, STRIDE))}


def signal_plot(t: np.ndarray, signal: np.ndarray, reconstruction: np.ndarray,
                flagged: Sequence[tuple[float, float]], truth: Sequence[tuple[float, float]],
                title: str | None = None, rows: int = 4, row_height: int = 120) -> go.Figure:
    """A 1-D signal with its reconstruction, cut into `rows` stacked strips of equal duration (60 s in
    one strip squeezes every heartbeat into a line); flagged spans shaded orange, true anomalies as
    black bars along the bottom of each strip, both named in the legend (below the strips)."""
    span = (float(t[-1]) - float(t[0])) / rows
    fig = make_subplots(rows=rows, cols=1, vertical_spacing=0.04)
    lo, hi = float(min(signal.min(), reconstruction.min())), float(max(signal.max(), reconstruction.max()))
    for r in range(rows):
        a0, b0 = float(t[0]) + r * span, float(t[0]) + (r + 1) * span
        keep = (t >= a0) & (t <= b0)
        for a, b in flagged:
            if b > a0 and a < b0:
                fig.add_vrect(x0=max(a, a0), x1=min(b, b0), fillcolor=plots.OKABE_ITO[1], opacity=0.3, line_width=0,
                              row=r + 1, col=1)
        for a, b in truth:
            if b > a0 and a < b0:
                fig.add_shape(type="rect", x0=max(a, a0), x1=min(b, b0), y0=lo, y1=lo + 0.08 * (hi - lo),
                              fillcolor=plots.OKABE_ITO[7], line_width=0, row=r + 1, col=1)
        first = r == 0
        fig.add_trace(go.Scatter(x=t[keep], y=signal[keep], name="signal", legendgroup="signal", showlegend=first,
                                 line=dict(color=plots.OKABE_ITO[0], width=1.5)), r + 1, 1)
        fig.add_trace(go.Scatter(x=t[keep], y=reconstruction[keep], name="reconstruction", legendgroup="recon",
                                 showlegend=first, line=dict(color=plots.OKABE_ITO[2], width=1.5, dash="dot")), r + 1, 1)
        fig.update_xaxes(range=[a0, b0], row=r + 1, col=1)
        fig.update_yaxes(range=[lo, hi], showticklabels=False, row=r + 1, col=1)
    # legend keys for the two bands (shapes have none): an empty trace each, in the bands' colours
    fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name="flagged: error above the threshold",
                             marker=dict(symbol="square", size=12, color=plots.OKABE_ITO[1], opacity=0.5)), 1, 1)
    fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name="injected anomaly (truth)",
                             marker=dict(symbol="square", size=12, color=plots.OKABE_ITO[7])), 1, 1)
    fig.update_xaxes(title="time (s)", row=rows, col=1)
    fig.update_layout(legend=dict(orientation="h", y=-0.12, yanchor="top"))
    return plots.layout(fig, title, rows * row_height + 110)


def ecg_figure(run: dict) -> go.Figure:
    return signal_plot(run["t"], run["signal"], run["reconstruction"], run["flagged"], run["truth"],
                             f"Synthetic ECG, {SECONDS:.0f} s", rows=ROWS)


def ecg_caption(run: dict) -> str:
    return (f"The {SECONDS:.0f}-s trace in {ROWS} strips of {SECONDS / ROWS:.0f} s. Orange: windows whose error is above "
            f"the {PERCENTILE:.0f}th percentile of normal-trace errors; black bars: where the spike, flat-line, "
            f"tachycardia burst and noise burst were injected ({len(run['truth'])} spans), "
            f"{covered(run)} of them overlapped by an orange window. Window AUROC {run['auroc']:.3f}.")


def covered(run: dict) -> int:
    """How many true anomaly spans at least one flagged span overlaps."""
    return sum(any(a < d and c < b for c, d in run["flagged"]) for a, b in run["truth"])
