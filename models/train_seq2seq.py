"""Train the date-translation seq2seq models: with additive attention (`seq2seq_dates`) and the same
architecture with a fixed context vector (`seq2seq_dates_noattn`), on synthetic pairs.

    python -m models.train_seq2seq                              # with attention (~4 min)
    python -m models.train_seq2seq --no-attention --name seq2seq_dates_noattn
    python -m models.train_seq2seq --dry-run
"""
from __future__ import annotations

import argparse
import time

import torch
import torch.nn.functional as F

from models import dates
from models.seq2seq import Seq2Seq, Seq2SeqConfig
from models.training import WEIGHTS_DIR, command_line, save_pretrained, seed_everything

LENGTH_BINS = ((1, 20), (21, 40), (41, 60), (61, 80), (81, 160))  # input characters, for the metadata
EXACT_MATCH_BAR = {"seq2seq_dates": 0.99, "seq2seq_dates_noattn": 0.4}  # the latter: a lesson, not a goal


def pad(rows: list[list[int]]) -> torch.Tensor:
    out = torch.zeros(len(rows), max(map(len, rows)), dtype=torch.long)
    for i, r in enumerate(rows):
        out[i, :len(r)] = torch.tensor(r)
    return out


def tensors(pairs: list[tuple[str, str]]) -> tuple[torch.Tensor, torch.Tensor]:
    return pad([dates.encode_input(h) for h, _ in pairs]), pad([dates.encode_output(i) for _, i in pairs])


def exact_match(model: Seq2Seq, pairs: list[tuple[str, str]]) -> list[bool]:
    model.eval()
    src, _ = tensors(pairs)
    ids, _ = model.greedy(src, dates.OUT_LEN + 1)
    return [dates.decode_output(row.tolist()) == iso for row, (_, iso) in zip(ids, pairs)]


def held_out_pairs(n: int, seed: int, train: list[tuple[str, str]]) -> list[tuple[str, str]]:
    seen = {h for h, _ in train}
    return [p for p in dates.random_pairs(n * 2, seed) if p[0] not in seen][:n]


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--name", default="seq2seq_dates", choices=sorted(EXACT_MATCH_BAR))
    parser.add_argument("--no-attention", action="store_true")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--train-size", type=int, default=30000)
    parser.add_argument("--hidden", type=int, default=64, help="decoder state size (the fixed context's size)")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--dry-run", action="store_true", help="one batch, nothing saved")
    parser.add_argument("--out", default=str(WEIGHTS_DIR))
    args = parser.parse_args(argv)

    gen = seed_everything(args.seed)
    train = dates.random_pairs(args.train_size, seed=args.seed)
    test = held_out_pairs(2000, seed=args.seed + 1, train=train)
    config = Seq2SeqConfig(in_vocab=len(dates.IN_CHARS) + 3, out_vocab=len(dates.OUT_CHARS) + 3,
                           hidden=args.hidden, attention=not args.no_attention)
    model = Seq2Seq(config)
    src, tgt = tensors(train)
    tgt_in = torch.cat([torch.full((len(tgt), 1), dates.SOS), tgt[:, :-1]], 1)
    epochs = 1 if args.dry_run else args.epochs
    steps = -(-len(src) // args.batch_size) * epochs
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-5)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, args.lr, total_steps=steps)
    start = time.time()
    for epoch in range(1, epochs + 1):
        model.train()
        order = torch.randperm(len(src), generator=gen)
        for b in range(0, len(src), args.batch_size):
            idx = order[b:b + args.batch_size]
            width = int((src[idx] != 0).sum(1).max())
            out_width = int((tgt[idx] != 0).sum(1).max())
            logits, _ = model(src[idx, :width], tgt_in[idx, :out_width])
            loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tgt[idx, :out_width].reshape(-1),
                                   ignore_index=dates.PAD)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            if args.dry_run:
                break
        acc = sum(exact_match(model, test[:500])) / 500
        print(f"epoch {epoch:2d}  loss {loss.item():.4f}  exact match (500 held-out) {acc:.3f}  "
              f"{time.time() - start:.0f}s", flush=True)
    hits = exact_match(model, test)
    by_length = {}
    for lo, hi in LENGTH_BINS:
        sel = [h for h, (text, _) in zip(hits, test) if lo <= len(text) <= hi]
        by_length[f"{lo}-{hi}"] = round(sum(sel) / max(len(sel), 1), 4)
    metrics = {"exact_match": round(sum(hits) / len(hits), 4), "exact_match_by_input_length": by_length,
               "train_seconds": round(time.time() - start, 1)}
    print(metrics)
    if not args.dry_run:
        save_pretrained(model, args.name, args.out, {
            "architecture": "char GRU encoder-decoder, bidirectional encoder, "
                            + ("additive (Bahdanau) attention" if config.attention else "fixed context vector (no attention)"),
            "task": "1-3 human-written dates -> ISO dates (YYYY-MM-DD, space-separated)",
            "input": f"character ids (B, T <= {dates.MAX_IN + 1}), 0 = padding; see models/dates.py",
            "data": {"source": "models.dates.random_pairs (generated)", "train": len(train),
                     "train_seed": args.seed, "test": len(test), "test_seed": args.seed + 1,
                     "test_inputs_seen_in_training": 0},
            "seed": args.seed,
            "recipe": {k: v for k, v in vars(args).items() if k not in ("dry_run", "out", "name")}
                      | {"optimizer": "AdamW + OneCycle", "teacher_forcing": 1.0, "grad_clip": 1.0},
            "metrics": metrics, "metric_bar": {"exact_match": EXACT_MATCH_BAR[args.name]},
            "command": command_line("models.train_seq2seq", argv),
        })
    return metrics


if __name__ == "__main__":
    main()
