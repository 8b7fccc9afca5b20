"""Train the tiny CTC acoustic model on spoken digit strings composed from the committed espeak-ng
clips (models/results/sequence_tasks_digits.npz, made by train/sequence_tasks_speech.py).

Voices 0–4 train, voice 5 validates (watched every epoch), voices 6–7 (accents never heard in
training) give the held-out metrics once, at the end. Each sequence holds 1–5 random digits, random
gaps, gain and a little noise. Adam on torch.nn.CTCLoss (blank = index 0).

    python -m train.ctc_digits            # ~17 min on 2 cores shared with other builds
"""
from __future__ import annotations

import time

import numpy as np
import torch

from demos.sequence_tasks.ctc import edit_distance, greedy_decode
from models.ctc_digits import Clips, CtcDigits, CtcDigitsConfig, compose, load_clips
from train.common import command_line, parser, recipe, save_pretrained, seed_everything

TRAIN_VOICES, VAL_VOICES, TEST_VOICES = (0, 1, 2, 3, 4), (5,), (6, 7)
METRIC_BAR = {"test_digit_error_rate_max": 0.25}


def perturb(x: np.ndarray, rng: np.random.Generator, spread: float) -> np.ndarray:
    """Speed perturbation: resample by a random factor in [1 − spread, 1 + spread] (pitch and tempo
    move together, as in a faster or slower, higher or lower voice)."""
    f = rng.uniform(1 - spread, 1 + spread)
    t = np.arange(0, len(x) - 1, f)
    return np.interp(t, np.arange(len(x)), x).astype(np.float32)


def batch(clips: Clips, voices: tuple[int, ...], n: int, rng: np.random.Generator, noisy: bool = True,
          spread: float = 0.0):
    """n sequences -> padded audio (n, N), lengths (n,), targets (n, 5) and their lengths."""
    seqs = [list(rng.integers(0, 10, size=rng.integers(1, 6))) for _ in range(n)]
    audio = [compose(clips, s, int(rng.choice(voices)), rng if noisy else None) for s in seqs]
    if spread:
        audio = [perturb(a, rng, spread) for a in audio]
    lengths = torch.tensor([len(a) for a in audio])
    x = torch.zeros(n, int(lengths.max()))
    for i, a in enumerate(audio):
        x[i, :len(a)] = torch.from_numpy(a)
    targets = torch.zeros(n, 5, dtype=torch.long)
    for i, s in enumerate(seqs):
        targets[i, :len(s)] = torch.tensor(s) + 1
    return x, lengths, targets, torch.tensor([len(s) for s in seqs])


@torch.no_grad()
def evaluate(model: CtcDigits, clips: Clips, voices: tuple[int, ...], n: int, seed: int) -> dict[str, float]:
    """Greedy decoding on n fixed sequences: digit error rate (edit distance / digits) and exact matches."""
    model.eval()
    rng = np.random.default_rng(seed)
    errors = digits = exact = 0
    for _ in range(n // 50):
        x, lengths, targets, tlen = batch(clips, voices, 50, rng)
        lp = model(x)
        out_len = CtcDigits.output_lengths(lengths, model.config)
        for i in range(len(x)):
            ref = (targets[i, :tlen[i]] - 1).tolist()
            hyp = [s - 1 for s in greedy_decode(lp[i, :out_len[i]].numpy())]
            errors += edit_distance(hyp, ref)
            digits += len(ref)
            exact += hyp == ref
    return {"digit_error_rate": round(errors / digits, 4), "sequence_accuracy": round(exact / n, 4)}


def main(argv: list[str] | None = None) -> dict:
    p = parser(__doc__, epochs=13, batch_size=24, lr=3e-3)
    p.add_argument("--steps-per-epoch", type=int, default=80)
    p.add_argument("--speed-perturb", type=float, default=0.15, help="resampling factor spread (0 = off)")
    args = p.parse_args(argv)
    seed_everything(args.seed)
    rng = np.random.default_rng(args.seed)
    clips = load_clips()
    config = CtcDigitsConfig()
    model = CtcDigits(config)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, args.lr, total_steps=args.epochs * args.steps_per_epoch)
    ctc = torch.nn.CTCLoss(blank=0, zero_infinity=True)
    history, start = [], time.time()
    for epoch in range(1, args.epochs + 1):
        model.train()
        total = 0.0
        for _ in range(1 if args.dry_run else args.steps_per_epoch):
            x, lengths, targets, tlen = batch(clips, TRAIN_VOICES, args.batch_size, rng, spread=args.speed_perturb)
            lp = model(x)
            loss = ctc(lp.transpose(0, 1), targets, CtcDigits.output_lengths(lengths, config), tlen)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            total += loss.item()
        row = {"epoch": epoch, "train_loss": round(total / args.steps_per_epoch, 4)}
        if not args.dry_run:
            row |= {f"val_{k}": v for k, v in evaluate(model, clips, VAL_VOICES, 200, args.seed + 1).items()}
        history.append(row)
        print(row, f"{time.time() - start:.0f}s", flush=True)
        if args.dry_run:
            return {}
    seconds = round(time.time() - start, 1)
    test = evaluate(model, clips, TEST_VOICES, 400, args.seed + 2)
    metrics = {f"test_{k}": v for k, v in test.items()} | {k: v for k, v in history[-1].items() if k.startswith("val_")}
    metrics["train_seconds"] = seconds
    print(metrics)
    save_pretrained(model, "ctc_digits", args.out, {
        "architecture": "log-mel (40) -> Conv1d 5 -> Conv1d 5 stride 2 -> BiGRU 64 -> 11 (blank + digits)",
        "task": "spoken digit strings (1–5 digits) -> digits, CTC",
        "input": "(B, N) audio at 8 kHz in [-1, 1]; models/ctc_digits.py computes the features",
        "data": {"source": "models/results/sequence_tasks_digits.npz (espeak-ng 1.51 clips, "
                           "train/sequence_tasks_speech.py)",
                 "train_voices": TRAIN_VOICES, "validation_voices": VAL_VOICES, "test_voices": TEST_VOICES,
                 "sequences": "1–5 uniform random digits; random gaps 0–150 ms, gain 0.5–1, noise σ 0.005, "
                              f"speed perturbation ×[{1 - args.speed_perturb:g}, {1 + args.speed_perturb:g}]",
                 "validation": f"200 sequences, seed {args.seed + 1}", "test": f"400 sequences, seed {args.seed + 2}"},
        "seed": args.seed, "recipe": recipe(args, optimizer="Adam + OneCycle", grad_clip=1.0),
        "history": history, "metrics": metrics, "metric_bar": METRIC_BAR,
        "command": command_line("train.ctc_digits", argv)})
    return metrics


if __name__ == "__main__":
    main()
