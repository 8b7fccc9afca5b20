"""Convolutions: every layer's feature maps (EfficientNet-Lite0 at 224 px, the digit CNN), the
sliding-window player, and page reruns after a kernel or stride change (fresh and cached).

Each row is the median wall time; the `what` column adds the median CPU time of the process, which
a loaded shared machine inflates far less than the wall time (AppTest's own thread only sleeps)."""
from __future__ import annotations

import statistics
import time
from typing import Callable

from bench.common import ROOT, Row
from demos.convolutions import feature_maps, kernels, separable, sliding, training
from demos.images import photo, photo_input
from models import load_pretrained
from models.data import mnist_split

PAGE = "pages/09_convolutions.py"


def timed(fn: Callable[[], object], repeat: int = 5, warmup: int = 1) -> tuple[float, float]:
    """(median wall seconds, median CPU seconds) of `fn` after `warmup` untimed calls."""
    for _ in range(warmup):
        fn()
    wall, cpu = [], []
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - w)
        cpu.append(time.process_time() - c)
    return statistics.median(wall), statistics.median(cpu)


def page(params: dict[str, str]):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=300).run()
    for k, v in params.items():
        at.query_params[k] = v
    return at.switch_page(str(ROOT / PAGE))


def reruns(params: dict[str, str], kind: str, key: str, values: list) -> tuple[float, float, float]:
    """(first render, median rerun wall, median rerun CPU): each rerun sets `key` to the next of
    `values`; values never seen before measure a fresh computation, repeated ones a cached rerun."""
    at = page(params)
    start = time.perf_counter()
    at.run()
    first = time.perf_counter() - start
    wall, cpu = [], []
    for value in values:
        getattr(at, kind)(key=key).set_value(value)
        w, c = time.perf_counter(), time.process_time()
        at.run()
        wall.append(time.perf_counter() - w)
        cpu.append(time.process_time() - c)
    assert not at.exception, at.exception
    return first, statistics.median(wall), statistics.median(cpu)


def row(what: str, wall: float, cpu: float | None = None, target: str = "") -> Row:
    return Row("convolutions", what + (f" (CPU {cpu * 1000:.0f} ms)" if cpu is not None else ""), wall, target=target)


def run() -> list[Row]:
    rows: list[Row] = []
    effnet, cnn = load_pretrained("efficientnet_lite0"), load_pretrained("mnist_cnn")
    x = photo_input(photo("coffee"))
    forward, _ = timed(lambda: effnet(x))
    wall, cpu = timed(lambda: feature_maps.network_layers(effnet, x))
    rows.append(row(f"feature maps of all 18 layers, EfficientNet-Lite0, one 224-px photo; {wall / forward:.2f}× "
                    f"its plain forward pass ({forward * 1000:.0f} ms here)", wall, cpu, target="≤ 300 ms"))
    digit = mnist_split().test_images[:1]
    rows.append(row("feature maps of all 6 layers, digit CNN, one digit", *timed(lambda: feature_maps.network_layers(cnn, digit))))
    image = kernels.grey(digit, 14)
    rows.append(row("sliding-window player, 14×14 digit, 144 frames, built", *timed(
        lambda: sliding.slide_figure(image, kernels.kernel("sobel_x", 3), 1, 0, 1), repeat=3)))
    rows.append(row("sliding-window player, stride 2, 36 frames, built", *timed(
        lambda: sliding.slide_figure(image, kernels.kernel("sobel_x", 3), 2, 0, 1), repeat=3)))
    first, wall, cpu = reruns({}, "selectbox", "kernel", ["blur", "edge", "sharpen", "identity", "box", "sobel_y"])
    rows.append(row("page first render (server)", first, None))
    rows.append(row("page rerun, kernel never seen before (player rebuilt)", wall, cpu, target="< 150 ms"))
    _, wall, cpu = reruns({}, "slider", "stride", [2, 3, 4])
    rows.append(row("page rerun, stride never seen before (player rebuilt)", wall, cpu, target="< 150 ms"))
    _, wall, cpu = reruns({}, "slider", "stride", [2, 1, 2, 1, 2, 1, 2])
    rows.append(row("page rerun, stride seen before (player cached)", wall, cpu, target="< 150 ms"))
    first, wall, cpu = reruns({"family": "photos", "view": "What the network sees"}, "selectbox", "layer_photos",
                              ["block 9", "head", "block 2", "block 9", "head", "block 2"])
    rows.append(row("network tab first render, EfficientNet-Lite0 (all 18 layers tapped)", first, None))
    rows.append(row("network tab rerun after a layer change, EfficientNet-Lite0", wall, cpu))
    rows += train_tab()
    return rows


def train_tab() -> list[Row]:
    """The Train a CNN tab: live runs on one torch thread (the first validation point, the whole run),
    the cost table (formula + counted), and the tab reading the committed recordings."""
    import torch

    rows, threads = [], torch.get_num_threads()
    torch.set_num_threads(1)
    training.train_cnn("standard", 4, 1, n_fit=64)  # warm-up: the data loaded and cached, as in the app
    try:
        for block in separable.BLOCKS:
            first = []
            w, c = time.perf_counter(), time.process_time()
            training.train_cnn(block, on_progress=lambda f, r: first or first.append(
                (time.perf_counter() - w, time.process_time() - c)))
            wall, cpu = time.perf_counter() - w, time.process_time() - c
            rows.append(row(f"train a CNN, {block} blocks: first validation point shown", *first[0], target="≤ 300 ms"))
            rows.append(row(f"train a CNN, {block} blocks: width {training.WIDTH}, {training.EPOCHS} epochs on 3,500 "
                            "digits, 1 torch thread, whole run", wall, cpu, target="~10 s"))
    finally:
        torch.set_num_threads(threads)
    rows.append(row("train a CNN: cost table, uncached (formulas + counting both nets; cached after)",
                    *timed(lambda: separable.cost_table.__wrapped__(training.WIDTH))))
    first, wall, cpu = reruns({"view": "Train a CNN"}, "radio", "cnn_blocks", ["separable", "standard"] * 3)
    rows.append(row("train a CNN tab first render (server; recorded runs)", first, None, target="≤ 2 s"))
    rows.append(row("train a CNN tab rerun after a block change (recorded)", wall, cpu, target="< 1 s"))
    return rows
