"""Spectrograms: the short-time Fourier transform written out (frame, window, FFT), a mel filterbank
on top, and the time–frequency trade-off a window length sets. Audio: committed espeak-ng digit clips
(models/results/sequence_tasks_digits.npz), joined into the digit string you type."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from demos.plots import layout
from models.ctc_digits import RATE, Clips, compose, mel_filterbank

WINDOW_MS_RANGE = (4, 128)
HOP_MS_RANGE = (2, 32)
MELS_RANGE = (8, 80)
MAX_DIGITS = 8


def parse_digits(text: str) -> tuple[list[int], str | None]:
    """The digits of `text` (anything else ignored), at most MAX_DIGITS; a note when something was dropped."""
    digits = [int(c) for c in text if c.isdigit()]
    note = None
    if len(digits) > MAX_DIGITS:
        digits, note = digits[:MAX_DIGITS], f"Kept the first {MAX_DIGITS} digits."
    elif any(not (c.isdigit() or c.isspace()) for c in text):
        note = "Only digits are spoken; other characters were skipped."
    if not digits:
        digits, note = [4, 0, 7], "No digit to speak: showing “4 0 7”."
    return digits, note


def utterance(clips: Clips, digits: list[int], voice: int) -> np.ndarray:
    """The digit words of one voice, 60 ms apart (no noise): float samples at 8 kHz."""
    return compose(clips, digits, voice)


def stft(x: np.ndarray, n_fft: int, hop: int) -> np.ndarray:
    """Power spectrogram |X|², (n_fft//2 + 1, frames), as torch.stft(center=True, reflect padding,
    periodic Hann window): pad n_fft/2 on each side by reflection, cut frames of n_fft samples every
    `hop`, multiply by w[n] = ½(1 − cos(2πn/n_fft)), FFT each frame, keep the non-negative frequencies."""
    pad = n_fft // 2
    xp = np.pad(x.astype(np.float64), pad, mode="reflect")
    n_frames = 1 + (len(xp) - n_fft) // hop
    idx = np.arange(n_fft)[None, :] + hop * np.arange(n_frames)[:, None]  # (frames, n_fft)
    window = 0.5 * (1 - np.cos(2 * np.pi * np.arange(n_fft) / n_fft))
    return (np.abs(np.fft.rfft(xp[idx] * window, axis=1)) ** 2).T


@dataclass(frozen=True)
class Spectrogram:
    power_db: np.ndarray  # (F, T) 10·log10(|X|² + 1e-10)
    mel_db: np.ndarray  # (M, T) 10·log10(mel power + 1e-10)
    freqs: np.ndarray  # (F,) Hz
    mel_centres: np.ndarray  # (M,) Hz
    times: np.ndarray  # (T,) s, frame centres
    n_fft: int
    hop: int


def spectrogram(x: np.ndarray, window_ms: float, hop_ms: float, n_mels: int) -> Spectrogram:
    n_fft = max(8, int(round(RATE * window_ms / 1000)))
    hop = max(1, int(round(RATE * hop_ms / 1000)))
    power = stft(x, n_fft, hop)
    fb = mel_filterbank(n_mels, n_fft)
    freqs = np.arange(power.shape[0]) * RATE / n_fft
    centres = freqs[np.argmax(fb, axis=1)]
    return Spectrogram(10 * np.log10(power + 1e-10), 10 * np.log10(fb @ power + 1e-10), freqs, centres,
                       np.arange(power.shape[1]) * hop / RATE, n_fft, hop)


def spectrogram_figure(x: np.ndarray, spec: Spectrogram, height: int = 560) -> go.Figure:
    """Waveform, linear-frequency spectrogram and mel spectrogram on one time axis."""
    fig = make_subplots(rows=3, cols=1, shared_xaxes=True, row_heights=[0.2, 0.45, 0.35], vertical_spacing=0.04)
    step = max(1, len(x) // 4000)
    fig.add_trace(go.Scatter(x=np.arange(0, len(x), step) / RATE, y=x[::step], line=dict(width=1, color="gray"),
                             showlegend=False, hoverinfo="skip"), 1, 1)
    top = float(spec.power_db.max())
    fig.add_trace(go.Heatmap(z=spec.power_db, x=spec.times, y=spec.freqs, zmin=top - 80, zmax=top,
                             colorscale="Viridis", colorbar=dict(title="dB", len=0.45, y=0.5),
                             hovertemplate="%{x:.3f} s, %{y:.0f} Hz: %{z:.0f} dB<extra></extra>"), 2, 1)
    mtop = float(spec.mel_db.max())
    fig.add_trace(go.Heatmap(z=spec.mel_db, x=spec.times, y=np.arange(len(spec.mel_centres)), zmin=mtop - 80,
                             zmax=mtop, colorscale="Viridis", showscale=False,
                             customdata=np.repeat(spec.mel_centres[:, None], len(spec.times), 1),
                             hovertemplate="%{x:.3f} s, mel bin %{y} (≈%{customdata:.0f} Hz): %{z:.0f} dB<extra></extra>"),
                  3, 1)
    fig.update_yaxes(title="sample", row=1, col=1)
    fig.update_yaxes(title="frequency (Hz)", row=2, col=1)
    fig.update_yaxes(title="mel bin", row=3, col=1)
    fig.update_xaxes(title="time (s)", row=3, col=1)
    return layout(fig, f"STFT: {spec.n_fft}-sample window, hop {spec.hop} samples, {len(spec.mel_centres)} mel bins",
                  height)


def spectrogram_caption(spec: Spectrogram) -> str:
    df, dt_win, dt_hop = RATE / spec.n_fft, spec.n_fft / RATE * 1000, spec.hop / RATE * 1000
    overlap = max(0.0, 1 - spec.hop / spec.n_fft)
    return (f"A {dt_win:.0f} ms window gives frequency bins {df:.1f} Hz apart ({spec.power_db.shape[0]} bins up to "
            f"{RATE // 2:,} Hz) but blurs anything shorter than {dt_win:.0f} ms; frames every {dt_hop:.1f} ms "
            f"({spec.power_db.shape[1]} frames, {overlap:.0%} overlap). The {spec.mel_db.shape[0]} mel bins are "
            f"narrow at low frequencies (the lowest centred near {spec.mel_centres[0]:.0f} Hz) and wide at high ones "
            f"(the top one near {spec.mel_centres[-1]:.0f} Hz), as pitch perception is.")
