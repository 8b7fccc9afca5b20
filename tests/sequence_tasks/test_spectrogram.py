"""demos/sequence_tasks/spectrogram.py and the model's front end: the hand-written STFT equals
torch.stft, the mel filterbank is the triangles it claims, the caption follows the window."""
import numpy as np
import pytest
import torch

from demos.sequence_tasks import spectrogram as sp
from models.ctc_digits import CtcDigitsConfig, hz_to_mel, load_clips, log_mel, mel_filterbank


@pytest.mark.parametrize("n_fft, hop", [(256, 80), (100, 33), (32, 16)])
def test_stft_equals_torch_stft(n_fft, hop):
    x = np.random.default_rng(0).normal(size=2000)
    ref = torch.stft(torch.from_numpy(x), n_fft, hop, window=torch.hann_window(n_fft, dtype=torch.float64),
                     return_complex=True).abs() ** 2
    assert np.allclose(sp.stft(x, n_fft, hop), ref.numpy(), rtol=1e-9, atol=1e-9)


def test_a_pure_tone_peaks_in_its_bin():
    t = np.arange(8000) / 8000
    power = sp.stft(np.sin(2 * np.pi * 1000 * t), 256, 80)
    assert np.argmax(power[:, 50]) == 1000 * 256 // 8000  # bin k is k·8000/256 Hz: 1000 Hz is bin 32


def test_mel_filterbank_triangles():
    fb = mel_filterbank(10, 256)
    assert fb.shape == (10, 129) and fb.min() >= 0 and fb.max() <= 1
    freqs = np.arange(129) * 8000 / 256
    centres = freqs[fb.argmax(1)]
    assert np.all(np.diff(centres) > 0)  # increasing centres
    steps = np.diff(hz_to_mel(centres))  # evenly spaced in mel (up to one FFT bin of rounding)
    assert np.ptp(steps) < 2595 * np.log10(1 + 31.25 / 700) * 2 + 1e-9
    assert hz_to_mel(700.0) == pytest.approx(2595 * np.log10(2))  # HTK: m(700 Hz) = 2595·log10 2


def test_model_front_end_uses_the_same_stft_and_filterbank():
    c = CtcDigitsConfig()
    x = np.random.default_rng(1).normal(size=1600).astype(np.float64)
    mine = np.log(mel_filterbank(c.n_mels, c.n_fft) @ sp.stft(x, c.n_fft, c.hop) + 1e-6).T
    assert np.allclose(log_mel(torch.from_numpy(x)[None], c)[0].numpy(), mine, atol=1e-6)


def test_window_sets_the_resolution_in_the_caption():
    clips = load_clips()
    audio = sp.utterance(clips, [4, 0, 7], 0)
    long, short = sp.spectrogram(audio, 64, 10, 40), sp.spectrogram(audio, 8, 10, 40)
    assert long.n_fft == 512 and short.n_fft == 64 and long.power_db.shape[0] == 257
    assert "15.6 Hz apart" in sp.spectrogram_caption(long) and "125.0 Hz apart" in sp.spectrogram_caption(short)


def test_parse_digits_handles_junk_and_empty():
    assert sp.parse_digits("4 0 7") == ([4, 0, 7], None)
    assert sp.parse_digits("4a0")[0] == [4, 0] and sp.parse_digits("4a0")[1]
    assert sp.parse_digits("")[0] == [4, 0, 7] and sp.parse_digits("1" * 20)[0] == [1] * sp.MAX_DIGITS
