"""Key compute times of the attention page."""
from __future__ import annotations

import time

from bench.common import Row, best_of
from demos.attention import heads, seq2seq
from models import load_pretrained


def run() -> list[Row]:
    rows: list[Row] = []
    start = time.perf_counter()
    tokenizer, model = load_pretrained("minilm_l6")
    rows.append(Row("attention", "MiniLM load (tokenizer + model, checksum)", time.perf_counter() - start))
    for n in (16, 64, 128):
        text = " ".join(["word"] * (n - 2))
        assert len(tokenizer(text)["input_ids"]) == n
        rows.append(Row("attention", f"attention extraction, {n} tokens (6 × 12 heads)",
                        best_of(lambda: heads.attention_maps(model, tokenizer, text))))
    s2s = load_pretrained("seq2seq_dates")
    rows.append(Row("attention", "seq2seq translation with alignment (one input)",
                    best_of(lambda: seq2seq.translate(s2s, seq2seq.DEFAULT_DATES))))
    return rows
