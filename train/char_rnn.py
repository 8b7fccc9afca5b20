"""Train `char_lstm`, a character-level LSTM language model, on Python's own reference documentation
(pydoc_data.topics, shipped with every CPython; PSF License Version 2): 90 % of its 2,000-character
blocks for training, 5 % watched after every epoch (validation bits per character), 5 % measured once
at the end (test). Random windows of the training text, truncated BPTT over each window.

    python -m train.char_rnn                 # ~3 min on 2 busy cores (measured: see the card)
    python -m train.char_rnn --dry-run       # one batch, nothing saved
"""
from __future__ import annotations

import sys
import time

import torch
import torch.nn.functional as F

from demos.recurrent.text_generation import bits_per_character, unigram_bits
from models.char_rnn import CORPUS_SOURCE, CharRNN, CharRNNConfig, corpus, encode, fingerprint, split
from train.common import command_line, fit, parser, recipe, save_pretrained, seed_everything

BITS_BAR = 2.5  # validation bits per character the committed weights must stay under (tests check it)


def windows(ids: torch.Tensor, n: int, length: int, generator: torch.Generator):
    """`n` random training windows: inputs (n, length) and next-character targets (n, length)."""
    start = torch.randint(0, len(ids) - length - 1, (n,), generator=generator)
    rows = torch.stack([ids[s:s + length + 1] for s in start.tolist()])  # (n, length + 1)
    return rows[:, :-1], rows[:, 1:]


def main(argv: list[str] | None = None) -> dict:
    p = parser(__doc__, epochs=6, batch_size=64, lr=1e-2, weight_decay=1e-5)
    p.add_argument("--steps-per-epoch", type=int, default=90)
    p.add_argument("--window", type=int, default=64, help="characters per training window (truncated BPTT)")
    p.add_argument("--hidden", type=int, default=128)
    args = p.parse_args(argv)

    torch.set_num_threads(1)  # measured here: one thread is ~6x faster than two on a busy 2-core machine
    gen = seed_everything(args.seed)
    text = corpus()
    parts = split(text)
    config = CharRNNConfig(hidden=args.hidden)
    train_ids = encode(parts.train, config.vocab)
    model = CharRNN(config)

    def loss(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        logits, _ = model(x)
        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))

    def epoch_batches(epoch: int):
        for _ in range(args.steps_per_epoch):
            yield windows(train_ids, args.batch_size, args.window, gen)

    start = time.time()
    history = fit(model, epoch_batches, loss, args.steps_per_epoch, 1 if args.dry_run else args.epochs,
                  args.lr, args.weight_decay,
                  lambda: {"val_bits_per_char": round(bits_per_character(model, parts.validation), 4)},
                  clip=1.0, dry_run=args.dry_run)
    seconds = time.time() - start
    metrics = {"val_bits_per_char": history[-1].get("val_bits_per_char"),
               "test_bits_per_char": round(bits_per_character(model, parts.test), 4),
               "unigram_val_bits_per_char": round(unigram_bits(parts.train, parts.validation, config.vocab), 4),
               "unigram_test_bits_per_char": round(unigram_bits(parts.train, parts.test, config.vocab), 4),
               "train_seconds": round(seconds, 1)}
    print(metrics)
    if not args.dry_run:
        save_pretrained(model, "char_lstm", args.out, {
            "architecture": f"embedding {config.embed} -> LSTM {config.hidden} x {config.layers} -> linear "
                            f"({len(config.vocab)} characters)",
            "task": "next-character prediction (character-level language model)",
            "input": "(B, T) character ids over config.vocab (newline + printable ASCII); returns logits "
                     "(B, T, V) and the (h, c) state",
            "data": {"source": CORPUS_SOURCE, "licence": "PSF License Version 2 (Python documentation)",
                     "python": sys.version.split()[0], "corpus_fingerprint": fingerprint(text),
                     "characters": len(text), "train": len(parts.train), "validation": len(parts.validation),
                     "test": len(parts.test),
                     "split": "models.char_rnn.split(): 2,000-character blocks, seeded 90/5/5"},
            "seed": args.seed,
            "recipe": recipe(args, optimizer="AdamW + OneCycle", grad_clip=1.0, bptt="truncated to --window"),
            "history": history,
            "metrics": metrics, "metric_bar": {"val_bits_per_char": BITS_BAR},
            "command": command_line("train.char_rnn", argv),
        })
    return metrics


if __name__ == "__main__":
    main()
