"""Synthetic ECG-like signals (generated, no download) and the anomalies injected into them.

A beat is a sum of Gaussian bumps (P, Q, R, S, T waves, after McSharry et al. 2003's dynamical model
in spirit); beats repeat with a slightly varying heart rate, baseline wander and sensor noise.
"""
from __future__ import annotations

import numpy as np

RATE = 128  # samples per second
ANOMALIES = ("spike", "flatline", "frequency", "noise")
# wave: (centre in fractions of a beat, width in seconds, height)
WAVES = ((0.18, 0.025, 0.12), (0.28, 0.010, -0.12), (0.30, 0.012, 1.0), (0.32, 0.010, -0.25),
         (0.55, 0.040, 0.30))


def synthetic_ecg(seconds: float, seed: int, bpm: float = 70.0) -> np.ndarray:
    """A normal ECG-like trace of `seconds` at RATE Hz (float32)."""
    rng = np.random.default_rng(seed)
    n = int(seconds * RATE)
    t = np.arange(n) / RATE
    signal = np.zeros(n)
    start = 0.0
    while start < seconds:
        period = 60.0 / (bpm * rng.uniform(0.95, 1.05))
        for centre, width, height in WAVES:
            mu = start + centre * period
            signal += height * rng.uniform(0.9, 1.1) * np.exp(-0.5 * ((t - mu) / width) ** 2)
        start += period
    wander = 0.05 * np.sin(2 * np.pi * 0.2 * t + rng.uniform(0, 2 * np.pi))
    return (signal + wander + rng.normal(0, 0.02, n)).astype(np.float32)


def inject(signal: np.ndarray, kind: str, start: int, length: int, seed: int) -> np.ndarray:
    """A copy of `signal` with one anomaly of `kind` over [start, start + length)."""
    rng = np.random.default_rng(seed)
    out = signal.copy()
    end = min(start + length, len(out))
    if kind == "spike":
        out[start + length // 2] += rng.choice([-1, 1]) * rng.uniform(1.5, 2.5)
    elif kind == "flatline":
        out[start:end] = out[start]
    elif kind == "frequency":  # the same trace played 1.8x faster: a burst of tachycardia
        fast = synthetic_ecg(length / RATE + 1, seed, bpm=126.0)
        out[start:end] = fast[: end - start]
    elif kind == "noise":
        out[start:end] += rng.normal(0, 0.3, end - start)
    else:
        raise ValueError(f"unknown anomaly {kind!r}; choose from {ANOMALIES}")
    return out


def anomalous_signal(seconds: float, kinds: tuple[str, ...], seed: int,
                length: int = 96) -> tuple[np.ndarray, np.ndarray]:
    """A normal trace with each anomaly in `kinds` injected once at spaced-out places.
    Returns (signal, mask) where mask[i] is True inside an injected anomaly."""
    signal = synthetic_ecg(seconds, seed)
    mask = np.zeros(len(signal), dtype=bool)
    slots = np.linspace(0, len(signal) - length, len(kinds) + 2)[1:-1].astype(int)
    for i, (kind, start) in enumerate(zip(kinds, slots)):
        signal = inject(signal, kind, int(start), length, seed + i + 1)
        mask[start:start + length] = True
    return signal, mask


def windows(signal: np.ndarray, size: int, stride: int) -> np.ndarray:
    """(num_windows, size) overlapping windows starting every `stride` samples (raw values: the
    autoencoder standardises them itself)."""
    starts = range(0, len(signal) - size + 1, stride)
    return np.stack([signal[s:s + size] for s in starts]).astype(np.float32)


def window_labels(mask: np.ndarray, size: int, stride: int) -> np.ndarray:
    """A window is anomalous if any of its samples is."""
    return np.array([mask[s:s + size].any() for s in range(0, len(mask) - size + 1, stride)])
