"""Timing helpers shared by the benchmarks."""
from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Row:
    area: str  # page or component
    what: str  # what was measured
    value: float  # seconds (or MB)
    unit: str = "s"
    ratio: float | None = None  # to one forward+backward of the same model, where meaningful
    target: str = ""  # the target it is reported against

    def cells(self) -> list[str]:
        value = f"{self.value * 1000:.1f} ms" if self.unit == "s" and self.value < 1 else f"{self.value:.2f} {self.unit}"
        ratio = f"{self.ratio:.2f}×" if self.ratio is not None else ""
        return [self.area, self.what, value, ratio, self.target]


def one_thread(fn: Callable[[], object]) -> object:
    """`fn()` with torch on one thread per op, as the server computes (ui.cache.TORCH_THREADS)."""
    import torch
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return fn()
    finally:
        torch.set_num_threads(previous)


def best_of(fn: Callable[[], object], repeat: int = 5, warmup: int = 1) -> float:
    """Median wall time of `fn` in seconds after `warmup` untimed calls."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def once(fn: Callable[[], object]) -> float:
    """Wall time of one call of `fn` in seconds (for runs too long to repeat)."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def forward_backward(model, images, labels) -> Callable[[], None]:
    """One forward + backward to the input: the unit every attack is measured against."""
    import torch

    def step() -> None:
        x = images.clone().requires_grad_(True)
        torch.autograd.grad(torch.nn.functional.cross_entropy(model(x), labels), x)
    return step


def page_rerun(file: str, params: dict[str, str], change: tuple[str, str, object],
               repeat: int = 5) -> tuple[float, float]:
    """(first render, median rerun after one widget change) of a page, in seconds of server time
    (AppTest runs the script in this process, as the server would)."""
    from streamlit.testing.v1 import AppTest

    root = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=300).run()
    for k, v in params.items():
        root.query_params[k] = v
    start = time.perf_counter()
    at = root.switch_page(str(ROOT / file)).run()
    first = time.perf_counter() - start
    kind, key, value = change
    widget = getattr(at, kind)(key=key)
    original = widget.value
    times = []
    for i in range(repeat):
        widget = getattr(at, kind)(key=key)
        widget.set_value(value if i % 2 == 0 else original)
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
    assert not at.exception, at.exception
    return first, statistics.median(times)
