"""Softmax, losses and calibration: the logit playground (hero), the loss zoo's live recording (5 losses ×
3 seeds) and its first streamed frame, a calibration from scratch, the tabs' computations, and the page's
first render and reruns."""
from __future__ import annotations

import time

from bench.common import Row, best_of, once, page_rerun
from demos.losses import calibration, information, regression, softmax, zoo, zoo_views

PAGE = "pages/23_losses.py"


def run() -> list[Row]:
    import torch
    previous = torch.get_num_threads()
    torch.set_num_threads(1)  # as the server computes (ui.cache.TORCH_THREADS)
    try:
        rows = [Row("losses", "logit playground: softmax, CE, MSE, both gradients, figure + caption (10 classes)",
                    best_of(lambda: (lambda pg: (softmax.playground_figure(pg), softmax.playground_caption(pg)))(
                        softmax.playground(softmax.DEFAULT_LOGITS, 3, 0.7, 20)), repeat=5), target="≤ 100 ms")]
        zoo.imbalanced_subset()  # data loaded once per server
        first: list[float] = []
        start = time.perf_counter()
        rec = zoo.train_zoo(3.0, 0.2, zoo.SEEDS, on_progress=lambda f, p: first or first.append(
            (time.perf_counter() - start, zoo_views.curves_figure(p))[0]))
        rows.append(Row("losses", "loss zoo live: first streamed frame (epoch 1 of all 15 runs)", first[0],
                        target="≤ 300 ms"))
        rows.append(Row("losses", "loss zoo live: 5 losses × 3 seeds × 15 epochs recorded", rec["seconds"],
                        target="≤ 5 s"))
        rows.append(Row("losses", "loss zoo: committed recording read + 4 figures + 4 captions",
                        best_of(lambda: [f(zoo.committed(zoo.DEFAULT_GAMMA, zoo.DEFAULT_EPS)) for f in (
                            zoo_views.per_class_figure, zoo_views.curves_figure, zoo_views.per_class_caption,
                            zoo_views.confidence_caption, zoo_views.margins_caption)], repeat=3)))
        rows.append(Row("losses", "calibration from scratch (↻ Recompute live only; every model × shift is committed): mnist_cnn logits on 500 + 1,000 digits, T fitted, ECE",
                        once(lambda: calibration.calibration_for("mnist_cnn", "rotated 30°")), target="≤ 2 s"))
        rows.append(Row("losses", "calibration from scratch: mnist_mlp (same)",
                        best_of(lambda: calibration.calibration_for("mnist_mlp", "rotated 30°"), repeat=3)))
        rows.append(Row("losses", "regression tab: 3 fits (least squares + 2 IRLS) with 3 outliers",
                        best_of(lambda: regression.fits(((8, -6), (9, -8), (10, -7)), 1.0, 0), repeat=5)))
        rows.append(Row("losses", "entropy tab: forward + reverse KL Gaussian fits (300 Adam steps each)",
                        best_of(lambda: information.kl_fits(6.0, 0.5), repeat=3)))
    finally:
        torch.set_num_threads(previous)
    first_render, rerun = page_rerun(PAGE, {}, ("slider", "z0", 5.0))
    rows.append(Row("losses", "page first render (hero + committed loss zoo)", first_render, target="≤ 2 s"))
    rows.append(Row("losses", "page rerun after a logit change (hero control)", rerun, target="< 1 s"))
    first_render, rerun = page_rerun(PAGE, {"view": "Calibration"}, ("selectbox", "shift", "noise σ = 0.5"))
    rows.append(Row("losses", "page first render on the Calibration tab (committed results)", first_render,
                    target="≤ 2 s"))
    rows.append(Row("losses", "Calibration tab rerun after a shift change (committed results)", rerun, target="≤ 2 s"))
    return rows
