"""Train the date-translation seq2seq models: with additive attention (`seq2seq_dates`) and the same
architecture with a fixed context vector (`seq2seq_dates_noattn`), on synthetic pairs; watched on a
generated validation set, measured once at the end on a separate held-out set.

    python -m train.seq2seq                              # with attention (~4 min)
    python -m train.seq2seq --no-attention --name seq2seq_dates_noattn
    python -m train.seq2seq --dry-run
"""
from __future__ import annotations

import time

import torch
import torch.nn.functional as F

from demos.attention.seq2seq import exact_match
from models import dates
from models.seq2seq import Seq2Seq, Seq2SeqConfig
from train.common import (batches, command_line, fit, n_batches, parser, recipe, save_pretrained,
                          seed_everything)

LENGTH_BINS = ((1, 20), (21, 40), (41, 60), (61, 80), (81, 160))  # input characters, for the card
EXACT_MATCH_BAR = {"seq2seq_dates": 0.99, "seq2seq_dates_noattn": 0.4}  # the latter: a lesson, not a goal


def unseen_pairs(n: int, seed: int, seen: set[str]) -> list[tuple[str, str]]:
    """`n` generated pairs whose inputs are not in `seen`."""
    return [p for p in dates.random_pairs(n * 2, seed) if p[0] not in seen][:n]


def main(argv: list[str] | None = None) -> dict:
    p = parser(__doc__, names=sorted(EXACT_MATCH_BAR), epochs=10, batch_size=128, lr=3e-3, weight_decay=1e-5)
    p.add_argument("--no-attention", action="store_true")
    p.add_argument("--train-size", type=int, default=30000)
    p.add_argument("--hidden", type=int, default=64, help="decoder state size (the fixed context's size)")
    args = p.parse_args(argv)

    gen = seed_everything(args.seed)
    train = dates.random_pairs(args.train_size, seed=args.seed)
    seen = {h for h, _ in train}
    test = unseen_pairs(2000, seed=args.seed + 1, seen=seen)
    val = unseen_pairs(500, seed=args.seed + 2, seen=seen | {h for h, _ in test})
    config = Seq2SeqConfig(in_vocab=len(dates.IN_CHARS) + 3, out_vocab=len(dates.OUT_CHARS) + 3,
                           hidden=args.hidden, attention=not args.no_attention)
    model = Seq2Seq(config)
    src, tgt = dates.encode_pairs(train)
    tgt_in = torch.cat([torch.full((len(tgt), 1), dates.SOS), tgt[:, :-1]], 1)

    def loss(s: torch.Tensor, t_in: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        width, out_width = int((s != 0).sum(1).max()), int((t != 0).sum(1).max())  # trim padding
        logits, _ = model(s[:, :width], t_in[:, :out_width])
        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), t[:, :out_width].reshape(-1),
                               ignore_index=dates.PAD)

    start = time.time()
    history = fit(model, lambda e: batches(src, tgt_in, tgt, batch_size=args.batch_size, generator=gen), loss,
                  n_batches(len(src), args.batch_size), 1 if args.dry_run else args.epochs, args.lr,
                  args.weight_decay, lambda: {"val_exact_match": round(sum(exact_match(model, val)) / len(val), 4)},
                  clip=1.0, dry_run=args.dry_run)
    hits = exact_match(model, test)
    by_length = {}
    for lo, hi in LENGTH_BINS:
        sel = [h for h, (text, _) in zip(hits, test) if lo <= len(text) <= hi]
        by_length[f"{lo}-{hi}"] = round(sum(sel) / max(len(sel), 1), 4)
    metrics = {"exact_match": round(sum(hits) / len(hits), 4), "exact_match_by_input_length": by_length,
               "val_exact_match": history[-1].get("val_exact_match"), "train_seconds": round(time.time() - start, 1)}
    print(metrics)
    if not args.dry_run:
        save_pretrained(model, args.name, args.out, {
            "architecture": "char GRU encoder-decoder, bidirectional encoder, "
                            + ("additive (Bahdanau) attention" if config.attention else "fixed context vector (no attention)"),
            "task": "1-3 human-written dates -> ISO dates (YYYY-MM-DD, space-separated)",
            "input": f"character ids (B, T <= {dates.MAX_IN + 1}), 0 = padding; see models/dates.py",
            "data": {"source": "models.dates.random_pairs (generated)", "train": len(train),
                     "train_seed": args.seed, "validation": len(val), "validation_seed": args.seed + 2,
                     "test": len(test), "test_seed": args.seed + 1, "test_inputs_seen_in_training": 0},
            "seed": args.seed,
            "recipe": recipe(args, optimizer="AdamW + OneCycle", teacher_forcing=1.0, grad_clip=1.0),
            "metrics": metrics, "metric_bar": {"exact_match": EXACT_MATCH_BAR[args.name]},
            "command": command_line("train.seq2seq", argv),
        })
    return metrics


if __name__ == "__main__":
    main()
