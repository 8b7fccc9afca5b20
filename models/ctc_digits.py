"""A tiny acoustic model for spoken digit strings, trained with CTC (Graves et al. 2006): log-mel
frames -> two 1-D convolutions (the second halves the frame rate) -> a bidirectional GRU -> per-frame
log-probabilities over blank + the ten digits. The front end (STFT + mel filterbank) and the task
(sequences composed from committed espeak-ng clips) live here too, as models/dates.py does for dates."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

CLIPS = Path(__file__).resolve().parent / "results" / "sequence_tasks_digits.npz"
RATE = 8000
BLANK = 0  # output index 0 is the blank; digit d is index d + 1


@dataclass(frozen=True)
class CtcDigitsConfig:
    n_mels: int = 40  # mel bins of the input frames
    n_fft: int = 256  # STFT window: 32 ms at 8 kHz (Hann)
    hop: int = 80  # STFT hop: 10 ms; the model's output frames are 20 ms apart (stride 2)
    channels: int = 96  # convolution channels
    hidden: int = 64  # GRU units each way
    labels: int = 11  # blank + 10 digits


def hz_to_mel(f: np.ndarray | float) -> np.ndarray:
    """HTK mel scale: m = 2595 log10(1 + f / 700)."""
    return 2595.0 * np.log10(1.0 + np.asarray(f, dtype=np.float64) / 700.0)


def mel_to_hz(m: np.ndarray | float) -> np.ndarray:
    return 700.0 * (10.0 ** (np.asarray(m, dtype=np.float64) / 2595.0) - 1.0)


def mel_filterbank(n_mels: int, n_fft: int, rate: int = RATE) -> np.ndarray:
    """(n_mels, n_fft // 2 + 1) triangles, peak 1, centres equally spaced in mel from 0 Hz to Nyquist:
    filter k rises linearly from centre k−1 to centre k and falls to centre k+1 (no area scaling)."""
    freqs = np.arange(n_fft // 2 + 1) * rate / n_fft
    edges = mel_to_hz(np.linspace(0.0, hz_to_mel(rate / 2), n_mels + 2))
    lo, mid, hi = edges[:-2, None], edges[1:-1, None], edges[2:, None]
    up, down = (freqs - lo) / (mid - lo), (hi - freqs) / (hi - mid)
    return np.clip(np.minimum(up, down), 0.0, None)


def log_mel(audio: torch.Tensor, config: CtcDigitsConfig) -> torch.Tensor:
    """audio: (B, N) float -> (B, T, n_mels) log(mel power + 1e-6), frames every `hop` samples."""
    spec = torch.stft(audio, config.n_fft, config.hop, window=torch.hann_window(config.n_fft),
                      return_complex=True).abs() ** 2  # (B, F, T)
    fb = torch.tensor(mel_filterbank(config.n_mels, config.n_fft), dtype=audio.dtype)
    return torch.log(fb @ spec + 1e-6).transpose(1, 2)


class CtcDigits(nn.Module):
    def __init__(self, config: CtcDigitsConfig):
        super().__init__()
        self.config = c = config
        self.conv = nn.Sequential(nn.Conv1d(c.n_mels, c.channels, 5, padding=2), nn.ReLU(),
                                  nn.Conv1d(c.channels, c.channels, 5, stride=2, padding=2), nn.ReLU())
        self.gru = nn.GRU(c.channels, c.hidden, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * c.hidden, c.labels)

    def forward(self, audio: torch.Tensor) -> torch.Tensor:
        """audio: (B, N) samples at 8 kHz in [-1, 1] -> log-probabilities (B, T', 11), T' ≈ N / 160."""
        x = log_mel(audio, self.config)  # (B, T, M)
        x = (x - x.mean(dim=(1, 2), keepdim=True)) / (x.std(dim=(1, 2), keepdim=True) + 1e-5)  # per clip
        h = self.conv(x.transpose(1, 2)).transpose(1, 2)  # (B, T', C)
        h, _ = self.gru(h)  # (B, T', 2H)
        return self.out(h).log_softmax(-1)

    @staticmethod
    def output_lengths(n_samples: torch.Tensor, config: CtcDigitsConfig) -> torch.Tensor:
        frames = n_samples // config.hop + 1  # torch.stft(center=True)
        return (frames - 1) // 2 + 1  # the stride-2 convolution (kernel 5, padding 2)


@dataclass(frozen=True)
class Clips:
    audio: list[np.ndarray]  # float in [-1, 1]
    digit: np.ndarray  # (K,)
    voice: np.ndarray  # (K,)
    voice_names: tuple[str, ...]


def load_clips(path: Path = CLIPS) -> Clips:
    z = np.load(path)
    off = z["offsets"]
    audio = [z["audio"][a:b].astype(np.float32) / 32768.0 for a, b in zip(off[:-1], off[1:])]
    return Clips(audio, z["digit"], z["voice"], tuple(str(v) for v in z["voice_names"]))


def compose(clips: Clips, digits: list[int], voice: int, rng: np.random.Generator | None = None,
            gap_ms: float = 60.0) -> np.ndarray:
    """Digit words of one voice joined by silences; with `rng`, random gaps (0–150 ms), gain
    (0.5–1) and white noise (about 35 dB below the speech), for training."""
    pieces = [np.zeros(RATE // 10, dtype=np.float32)]
    for d in digits:
        k = int(np.flatnonzero((clips.digit == d) & (clips.voice == voice))[0])
        gap = gap_ms if rng is None else rng.uniform(0, 150)
        pieces += [clips.audio[k], np.zeros(int(RATE * gap / 1000), dtype=np.float32)]
    x = np.concatenate(pieces + [np.zeros(RATE // 10, dtype=np.float32)])
    if rng is not None:
        x = x * rng.uniform(0.5, 1.0) + rng.normal(0, 0.005, size=len(x))
    return x.astype(np.float32)
