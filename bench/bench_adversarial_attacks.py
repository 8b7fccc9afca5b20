"""Adversarial attacks: attack cost as a ratio to forward+backward, the robustness sweep, reruns."""
from __future__ import annotations

import time

from bench.common import Row, best_of, forward_backward, page_rerun
from demos.adversarial_attacks import attacks, robustness
from demos.images import photo, photo_input
from models import load_pretrained
from models.data import mnist_split

PAGE = "pages/02_adversarial_attacks.py"


def run() -> list[Row]:
    rows: list[Row] = []
    data = mnist_split()
    cnn = load_pretrained("mnist_cnn")
    x, y = data.test_images[:256], data.test_labels[:256]
    effnet = load_pretrained("efficientnet_lite0")
    p = photo_input(photo("coffee"))
    py = effnet(p).argmax(1).detach()
    for label, model, xs, ys in (("256 digits, mnist_cnn", cnn, x, y), ("1 photo 224 px, EfficientNet-Lite0", effnet, p, py)):
        unit = best_of(forward_backward(model, xs, ys))
        rows.append(Row("adversarial", f"forward+backward, {label}", unit, ratio=1.0))
        t = best_of(lambda: attacks.fgsm(model, xs, ys, 0.03))
        rows.append(Row("adversarial", f"FGSM, {label}", t, ratio=t / unit, target="≤ 1.3×"))
        t = best_of(lambda: attacks.pgd(model, xs, ys, 0.03, 0.0075, 10), repeat=3)
        rows.append(Row("adversarial", f"PGD-10, {label}", t, ratio=t / unit))
    for name in ("mnist_cnn", "mnist_cnn_robust"):
        model = load_pretrained(name)
        start = time.perf_counter()
        robustness.robust_accuracy(model, data.test_images, data.test_labels, robustness.SWEEP_EPS, steps=10)
        rows.append(Row("adversarial", f"robust-accuracy sweep, {name}, 1,000 digits × 8 ε, PGD-10",
                        time.perf_counter() - start, target="≤ 3 s"))
    first, rerun = page_rerun(PAGE, {"attack": "pgd"}, ("slider", "eps", 0.2))
    rows.append(Row("adversarial", "page first render (server)", first))
    rows.append(Row("adversarial", "page rerun after an ε change, digit, PGD-10", rerun, target="< 250 ms"))
    first, rerun = page_rerun(PAGE, {"family": "photos", "attack": "fgsm"}, ("slider", "eps255", 4))
    rows.append(Row("adversarial", "page rerun after an ε change, photo, FGSM", rerun, target="< 250 ms"))
    return rows
