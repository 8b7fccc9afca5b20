"""Style transfer: ms per optimisation step by size, 256 px x 150 steps end to end, time to the first
snapshot, and fast-mode latency."""
from __future__ import annotations

import time

from bench.common import Row, best_of, page_rerun
from demos.style_transfer import fast, inputs, optimisation
from demos.images import photo, to_tensor
from models import load_pretrained


def run() -> list[Row]:
    rows: list[Row] = []
    net = load_pretrained("efficientnet_lite0")
    photo_tensor = to_tensor(photo("astronaut"))
    style = inputs.pattern("mosaic", 256)
    for size in (128, 256, 384):
        content = inputs.resize_longer(photo_tensor, size)
        list(optimisation.stylize(net, content, [style], steps=2))  # warm-up
        start = time.perf_counter()
        list(optimisation.stylize(net, content, [style], steps=20, every=20))
        rows.append(Row("style transfer", f"one optimisation step, {size} px", (time.perf_counter() - start) / 20))
    content = inputs.resize_longer(photo_tensor, 256)
    start = time.perf_counter()
    first = None
    for snap in optimisation.stylize(net, content, [style], steps=150, every=10):
        first = first or time.perf_counter() - start
    rows.append(Row("style transfer", "256 px × 150 steps, end to end", time.perf_counter() - start, target="≤ 10 s"))
    rows.append(Row("style transfer", "time to the first visible snapshot", first, target="≤ 1 s"))
    magenta = load_pretrained("magenta_arbitrary_style")
    t = best_of(lambda: fast.fast_stylize(magenta, content, style))
    rows.append(Row("style transfer", "fast mode (Magenta, ONNX), 256 px", t, target="≤ 1 s"))
    first_render, rerun = page_rerun("pages/04_style_transfer.py", {"size": "128", "steps": "20"},
                                     ("slider", "steps", 30))
    rows.append(Row("style transfer", "page rerun, steps 20 -> 30 at 128 px (recomputes)", rerun))
    return rows
