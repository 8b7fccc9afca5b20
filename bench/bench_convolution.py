"""Convolutions: every layer's feature maps (EfficientNet-Lite0 at 224 px, the digit CNN), the
sliding-window player, and page reruns after a kernel or stride change (fresh and cached)."""
from __future__ import annotations

import statistics
import time

from bench.common import ROOT, Row, best_of, page_rerun
from demos import convolution as cv
from demos.images import photo, photo_input
from models import load_pretrained
from models.data import mnist_split

PAGE = "pages/09_convolutions.py"


def fresh_reruns(params: dict[str, str], kind: str, key: str, values: list) -> float:
    """Median server time of reruns that each set `key` to a value not seen before (no cache hit)."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=300).run()
    for k, v in params.items():
        at.query_params[k] = v
    at = at.switch_page(str(ROOT / PAGE)).run()
    times = []
    for value in values:
        getattr(at, kind)(key=key).set_value(value)
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
    assert not at.exception, at.exception
    return statistics.median(times)


def run() -> list[Row]:
    rows: list[Row] = []
    effnet, cnn = load_pretrained("efficientnet_lite0"), load_pretrained("mnist_cnn")
    x = photo_input(photo("coffee"))
    forward = best_of(lambda: effnet(x))
    t = best_of(lambda: cv.network_layers(effnet, x))
    rows.append(Row("convolutions", f"feature maps of all 18 layers, EfficientNet-Lite0, one 224-px photo "
                                    f"({t / forward:.2f}× its plain forward pass, {forward * 1000:.0f} ms here)", t,
                    target="≤ 300 ms"))
    digit = mnist_split().test_images[:1]
    t = best_of(lambda: cv.network_layers(cnn, digit))
    rows.append(Row("convolutions", "feature maps of all 6 layers, digit CNN, one digit", t))
    image = cv.grey(digit, 14)
    t = best_of(lambda: cv.slide_figure(image, cv.kernel("sobel_x", 3), 1, 0, 1), repeat=3)
    rows.append(Row("convolutions", "sliding-window player, 14×14 digit, 144 frames (uncached build)", t))
    t = best_of(lambda: cv.slide_figure(image, cv.kernel("sobel_x", 3), 2, 0, 1), repeat=3)
    rows.append(Row("convolutions", "sliding-window player, stride 2, 36 frames (uncached build)", t))
    kernels = ["blur", "edge", "sharpen", "identity", "box", "sobel_y"]
    rows.append(Row("convolutions", "page rerun after a kernel change, never seen before (hero rebuilt)",
                    fresh_reruns({}, "selectbox", "kernel", kernels), target="< 150 ms"))
    rows.append(Row("convolutions", "page rerun after a stride change, never seen before (hero rebuilt)",
                    fresh_reruns({}, "slider", "stride", [2, 3, 4]), target="< 150 ms"))
    first, rerun = page_rerun(PAGE, {}, ("slider", "stride", 2))
    rows.append(Row("convolutions", "page first render (server)", first))
    rows.append(Row("convolutions", "page rerun after a stride change, seen before (cached player)", rerun,
                    target="< 150 ms"))
    first, rerun = page_rerun(PAGE, {"family": "photos", "view": "What the network sees"},
                              ("selectbox", "layer_photos", "block 9"))
    rows.append(Row("convolutions", "network tab first render, EfficientNet-Lite0 (all layers tapped)", first))
    rows.append(Row("convolutions", "network tab rerun after a layer change, EfficientNet-Lite0", rerun))
    return rows
