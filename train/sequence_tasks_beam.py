"""Record greedy vs beam-search accuracy of the two committed date translators (with and without
attention) at widths 1–8 and length-penalty α 0 and 1, on 150 fresh dates, into
models/results/sequence_tasks_beam.json (the Beam search tab reads it; ~3 min on 2 busy cores).

    python -m train.sequence_tasks_beam
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import torch

from demos.sequence_tasks.beam_search import SWEEP_PAIRS, SWEEP_SEED, accuracy_sweep
from models import load_pretrained
from models.registry import WEIGHTS_DIR, sha256_file

OUT = Path(__file__).resolve().parents[1] / "models" / "results" / "sequence_tasks_beam.json"
MODELS = ("seq2seq_dates", "seq2seq_dates_noattn")


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seed", type=int, default=SWEEP_SEED, help="which fresh dates")
    p.add_argument("--epochs", type=int, default=0, help="(unused: nothing is trained)")
    p.add_argument("--n", type=int, default=SWEEP_PAIRS)
    p.add_argument("--dry-run", action="store_true", help="5 dates, nothing written")
    p.add_argument("--out", type=Path, default=OUT)
    args = p.parse_args(argv)
    torch.set_num_threads(1)
    start = time.time()
    result = accuracy_sweep({m: load_pretrained(m) for m in MODELS}, 5 if args.dry_run else args.n, args.seed)
    record = {"accuracy": result, "n": args.n, "seed": args.seed, "seconds": round(time.time() - start, 1),
              "weights_sha256": {m: sha256_file(WEIGHTS_DIR / f"{m}.safetensors") for m in MODELS},
              "command": "python -m train.sequence_tasks_beam"}
    print(json.dumps(record, indent=1))
    if not args.dry_run:
        args.out.write_text(json.dumps(record, indent=1) + "\n")
    return record


if __name__ == "__main__":
    main()
