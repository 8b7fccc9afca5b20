"""Key compute times of the anomaly and attention pages."""
from __future__ import annotations

import time

from bench.common import Row, best_of
from demos import anomaly
from demos import attention as att
from models import load_pretrained
from models.data import mnist_split


def run() -> list[Row]:
    rows: list[Row] = []
    data = mnist_split()
    ae = load_pretrained("mnist_ae")
    t = best_of(lambda: anomaly.reconstruction_errors(ae, data.test_images, 7))
    rows.append(Row("anomaly_detection", "score 1,000 digits (reconstruction error)", t))
    start = time.perf_counter()
    tokenizer, model = load_pretrained("minilm_l6")
    rows.append(Row("attention", "MiniLM load (tokenizer + model, checksum)", time.perf_counter() - start))
    for n in (16, 64, 128):
        text = " ".join(["word"] * (n - 2))
        assert len(tokenizer(text)["input_ids"]) == n
        rows.append(Row("attention", f"attention extraction, {n} tokens (6 × 12 heads)",
                        best_of(lambda: att.attention_maps(model, tokenizer, text))))
    s2s = load_pretrained("seq2seq_dates")
    rows.append(Row("attention", "seq2seq translation with alignment (one input)",
                    best_of(lambda: att.translate(s2s, "3 may 1971 and the twenty-first of march, 1998"))))
    return rows
