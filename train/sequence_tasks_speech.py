"""Make the spoken-digit clips once, at build time, with Debian's espeak-ng 1.51 (a speech synthesiser:
`apt-get install espeak-ng`); the page and the CTC model's training read the committed .npz only.

Ten words ("zero" … "nine") in eight synthetic voices: six for training the CTC model, two (a Scottish
and a West-Midlands accent, other pitches) held out for its test metric. Each clip is synthesised at
22,050 Hz, resampled to 8 kHz (telephone band), trimmed to where it is louder than 2 % of its peak
(plus 20 ms), and stored as int16.

    python -m train.sequence_tasks_speech
"""
from __future__ import annotations

import argparse
import io
import subprocess
import wave
from pathlib import Path

import numpy as np
from scipy.signal import resample_poly

OUT = Path(__file__).resolve().parents[1] / "models" / "results" / "sequence_tasks_digits.npz"
WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
RATE = 8000
# (espeak-ng voice+variant, words per minute, pitch 0-99); the last two are held out
VOICES = (("en-us", 170, 45), ("en-gb", 160, 55), ("en-029", 175, 40), ("en-gb-x-rp+f2", 165, 60),
          ("en-us+f4", 180, 70), ("en+m3", 155, 35),
          ("en-gb-scotland+f3", 170, 65), ("en-gb-x-gbcwmd+m5", 160, 50))
HELD_OUT = 2


def synthesise(word: str, voice: str, speed: int, pitch: int) -> np.ndarray:
    """One word from espeak-ng as float samples at 8 kHz, trimmed."""
    wav = subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-p", str(pitch), "--stdout", word],
                         check=True, capture_output=True).stdout
    with wave.open(io.BytesIO(wav)) as w:
        rate, x = w.getframerate(), np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)
    x = resample_poly(x.astype(np.float64), RATE, rate)
    loud = np.flatnonzero(np.abs(x) > 0.02 * np.abs(x).max())
    pad = RATE // 50
    return x[max(0, loud[0] - pad): loud[-1] + pad]


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, default=OUT)
    p.add_argument("--dry-run", action="store_true", help="one clip, nothing written")
    p.add_argument("--seed", type=int, default=0)  # (uniform interface; synthesis is deterministic)
    p.add_argument("--epochs", type=int, default=0)
    args = p.parse_args(argv)
    if args.dry_run:
        import shutil
        if shutil.which("espeak-ng") is None:  # a build-time tool: check the committed clips instead
            print(f"espeak-ng not installed; the committed {OUT.name} holds {len(np.load(OUT)['digit'])} clips")
        else:
            print(len(synthesise("seven", *VOICES[0])), "samples")
        return
    clips, labels, voices = [], [], []
    for v, (voice, speed, pitch) in enumerate(VOICES):
        for d, word in enumerate(WORDS):
            x = synthesise(word, voice, speed, pitch)
            clips.append(np.round(x / np.abs(x).max() * 20000).astype(np.int16))  # peak-normalised
            labels.append(d)
            voices.append(v)
    offsets = np.cumsum([0] + [len(c) for c in clips])
    np.savez_compressed(args.out, audio=np.concatenate(clips), offsets=offsets, digit=np.array(labels),
                        voice=np.array(voices), voice_names=np.array([v[0] for v in VOICES]), rate=RATE,
                        held_out=np.arange(len(VOICES) - HELD_OUT, len(VOICES)))
    print(f"{len(clips)} clips, {offsets[-1] / RATE:.1f} s, {args.out.stat().st_size / 1024:.0f} KB")


if __name__ == "__main__":
    main()
