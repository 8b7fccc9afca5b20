"""Train three small date translators (one date per input) that differ only in their teacher-forcing
ratio (1 = always the true previous character, 0 = always their own guess, 0.5 = a coin flip per
step), same seed, same data, same steps. Watched on a validation set (free-running exact match).

    python -m train.seq2seq_tf --ratio 1      # and --ratio 0.5, --ratio 0 (~2.5 min each on 2 busy cores)
"""
from __future__ import annotations

import time

import torch

from demos.sequence_tasks.teacher_forcing import model_name, position_errors, scheduled_sampling_loss, test_pairs
from models import dates
from models.seq2seq import Seq2Seq, Seq2SeqConfig
from train.common import command_line, parser, recipe, save_pretrained, seed_everything


def main(argv: list[str] | None = None) -> dict:
    p = parser(__doc__, epochs=3, batch_size=64, lr=3e-3, weight_decay=0.0)
    p.add_argument("--ratio", type=float, default=1.0, choices=(0.0, 0.5, 1.0))
    p.add_argument("--steps-per-epoch", type=int, default=60)
    args = p.parse_args(argv)
    gen = seed_everything(args.seed)
    train = dates.random_pairs(args.epochs * args.steps_per_epoch * args.batch_size, 100, max_dates=1)
    val = dates.random_pairs(300, 102, max_dates=1)
    test = test_pairs()
    overlap = len({h for h, _ in test} & {h for h, _ in train})
    config = Seq2SeqConfig(in_vocab=len(dates.IN_CHARS) + 3, out_vocab=len(dates.OUT_CHARS) + 3, embed=16,
                           hidden=48, attention=True)
    model = Seq2Seq(config)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    history, start = [], time.time()
    for epoch in range(1, args.epochs + 1):
        model.train()
        total = 0.0
        for b in range(1 if args.dry_run else args.steps_per_epoch):
            i = ((epoch - 1) * args.steps_per_epoch + b) * args.batch_size
            src, tgt = dates.encode_pairs(train[i:i + args.batch_size])
            loss = scheduled_sampling_loss(model, src, tgt, args.ratio, gen)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            total += loss.item()
        row = {"epoch": epoch, "train_loss": round(total / args.steps_per_epoch, 4),
               "val_exact_match": round(position_errors(model, val).exact, 4)}
        history.append(row)
        print(row, f"{time.time() - start:.0f}s", flush=True)
        if args.dry_run:
            return row
    e = position_errors(model, test)
    metrics = {"test_exact_match": round(e.exact, 4), "test_error_per_position_forced": round(float(e.forced.mean()), 4),
               "test_error_per_position_free": round(float(e.free.mean()), 4),
               "val_exact_match": history[-1]["val_exact_match"], "train_seconds": round(time.time() - start, 1)}
    print(metrics)
    ratio = {0.0: "0", 0.5: "0.5", 1.0: "1"}[args.ratio]
    save_pretrained(model, model_name(ratio), args.out, {
        "architecture": "char GRU encoder-decoder (embed 16, hidden 48), bidirectional encoder, additive attention",
        "task": "one human-written date -> YYYY-MM-DD",
        "input": "character ids; see models/dates.py",
        "data": {"source": "models.dates.random_pairs(max_dates=1) (generated)", "train": len(train), "train_seed": 100,
                 "validation": len(val), "validation_seed": 102, "test": len(test), "test_seed": 101,
                 "test_inputs_seen_in_training": overlap},
        "seed": args.seed, "recipe": recipe(args, optimizer="Adam", teacher_forcing=args.ratio, grad_clip=1.0),
        "history": history, "metrics": metrics, "metric_bar": {"test_exact_match": 0.0},
        "command": command_line("train.seq2seq_tf", argv)})
    return metrics


if __name__ == "__main__":
    main()
