"""Train `recall_rnn`, `recall_lstm` and `recall_gru` on delayed recall (models/recall_rnn.py), and
measure how far each cell gets when trained on ONE lag.

1. The committed models: each batch has its own lag, drawn from 1 to --max-lag, so one model must
   hold the symbol for a delay it cannot predict; sequences are generated fresh for every step from
   --seed, validation sets from seed + 1 (watched after every epoch), test sets from seed + 2
   (measured once, at the end, at lags up to 80: beyond training too).
2. The fixed-lag sweep: for each lag in SWEEP_LAGS, `demos.recurrent.train_recall` (the page's own
   live training, default settings) trains the three cells on that lag alone; its test accuracies
   (1,000 sequences, seed + 3) go into the cards as `fixed_lag_test_accuracy`.

    python -m train.recall_rnn               # ~3 min on 2 busy cores (see the cards)
    python -m train.recall_rnn --dry-run     # one batch each, nothing saved
"""
from __future__ import annotations

import time

import torch
import torch.nn.functional as F

from demos.recurrent.bptt import initialise
from demos.recurrent.recall import TEST_LAGS, accuracy, accuracy_by_lag, train_recall
from models.recall_rnn import RecallConfig, RecallNet, recall_batch
from train.common import command_line, fit, parser, recipe, save_pretrained, seed_everything

VAL_LAGS = (10, 30, 60)  # watched after every epoch
SWEEP_LAGS = (10, 20, 30, 40, 60)  # one live-style training per lag
BARS = {"recall_lstm": {"test_accuracy_lag_40": 0.95}, "recall_gru": {"test_accuracy_lag_40": 0.95},
        "recall_rnn": {"test_accuracy_lag_10": 0.2}}  # the vanilla RNN: above chance (1/8) only; a lesson, not a goal


def main(argv: list[str] | None = None) -> dict:
    p = parser(__doc__, epochs=6, batch_size=32, lr=1e-2, weight_decay=0.0)
    p.add_argument("--steps-per-epoch", type=int, default=100)
    p.add_argument("--max-lag", type=int, default=60)
    p.add_argument("--cells", default="rnn,lstm,gru")
    p.add_argument("--rho", type=float, default=1.0, help="vanilla RNN: W_hh = rho * orthogonal at init")
    p.add_argument("--memory-bias", type=float, default=3.0, help="LSTM forget / GRU keep gate bias at init")
    args = p.parse_args(argv)

    torch.set_num_threads(1)  # small recurrent layers: one thread is faster on a shared machine
    val = {lag: recall_batch(500, lag, generator=torch.Generator().manual_seed(args.seed + 1)) for lag in VAL_LAGS}
    start = time.time()
    live = {"steps": 1, "n_frames": 2} if args.dry_run else {}  # otherwise exactly the page's defaults
    sweep = {lag: train_recall(lag, args.rho, args.memory_bias, seed=args.seed, **live).meta["test_accuracy"]
             for lag in (SWEEP_LAGS[:1] if args.dry_run else SWEEP_LAGS)}
    sweep_seconds = round(time.time() - start, 1)
    print("fixed-lag sweep", sweep, f"{sweep_seconds} s")
    results = {}
    for cell in args.cells.split(","):
        gen = seed_everything(args.seed)
        model = initialise(RecallNet(RecallConfig(cell=cell)), args.rho, args.memory_bias, gen)

        def batches(epoch: int):
            for _ in range(args.steps_per_epoch):
                lag = int(torch.randint(1, args.max_lag + 1, (1,), generator=gen))
                yield recall_batch(args.batch_size, lag, generator=gen)

        start = time.time()
        history = fit(model, batches, lambda x, y: F.cross_entropy(model(x), y), args.steps_per_epoch,
                      1 if args.dry_run else args.epochs, args.lr, args.weight_decay,
                      lambda: {f"val_accuracy_lag_{lag}": round(accuracy(model, *val[lag]), 4) for lag in VAL_LAGS},
                      clip=1.0, dry_run=args.dry_run)
        seconds = round(time.time() - start, 1)
        by_lag = dict(zip(TEST_LAGS, accuracy_by_lag(model, TEST_LAGS, 1000, args.seed + 2).round(4).tolist()))
        name = f"recall_{cell}"
        metrics = {f"test_accuracy_lag_{lag}": by_lag[lag] for lag in (40, 10, 60) if lag in by_lag}
        metrics |= {"test_accuracy_by_lag": {str(k): v for k, v in by_lag.items()}, "chance": 1 / 8,
                    **{k: v for k, v in history[-1].items() if k.startswith("val_")}, "train_seconds": seconds,
                    "fixed_lag_test_accuracy": {str(lag): round(a[cell], 4) for lag, a in sweep.items()},
                    "fixed_lag_sweep_seconds": sweep_seconds}
        print(name, metrics)
        results[name] = metrics
        if not args.dry_run:
            save_pretrained(model, name, args.out, {
                "architecture": f"one-layer {cell.upper()} (hidden 32) + linear read-out of the last state",
                "task": "delayed recall: name the flagged first symbol (of 8) after `lag` distractors",
                "input": "(B, lag + 2, 10) one-hot: symbol + flag, lag distractors, query; see models/recall_rnn.py",
                "data": {"source": "models.recall_rnn.recall_batch (generated)", "train_seed": args.seed,
                         "train_lags": f"uniform 1..{args.max_lag} per batch", "validation_seed": args.seed + 1,
                         "validation": "500 sequences per lag " + str(VAL_LAGS), "test_seed": args.seed + 2,
                         "test": "1,000 sequences per lag " + str(TEST_LAGS),
                         "fixed_lag_sweep": "demos.recurrent.train_recall(lag, rho, memory_bias, seed): train "
                                            "seed + 1, validation seed + 2, test seed + 3 (1,000 sequences)"},
                "seed": args.seed,
                "recipe": recipe(args, optimizer="AdamW + OneCycle", grad_clip=1.0,
                                 init="demos.recurrent.initialise(rho, memory_bias)"),
                "history": history,
                "metrics": metrics, "metric_bar": BARS[name],
                "command": command_line("train.recall_rnn", argv),
            })
    return results


if __name__ == "__main__":
    main()
