"""Augmentation: the hero's 4 × 6 grid (draws, meter, figure) on a digit and a photo, the committed
with/without-augmentation recording's first frame, the Self-supervised tab's first render, reruns."""
from __future__ import annotations

from bench.common import Row, best_of, page_rerun
from demos.augmentation import chain, grid_view, helps, helps_view, ssl_view, transforms
from demos.images import photo, photo_input
from models import load_pretrained
from models.data import mnist_split

PAGE = "pages/17_augmentation.py"


def seed_reruns(n: int = 5) -> float:
    """Median server time of reruns that each draw a grid nobody has drawn before (seeds 100, 101, …)."""
    import statistics
    import time

    from streamlit.testing.v1 import AppTest

    from bench.common import ROOT

    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=300).run().switch_page(str(ROOT / PAGE)).run()
    times = []
    for seed in range(100, 100 + n):
        at.number_input(key="seed").set_value(seed)
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
    assert not at.exception, at.exception
    return statistics.median(times)


def run() -> list[Row]:
    import torch

    torch.set_num_threads(1)  # as the server computes (ui.cache.TORCH_THREADS): two threads on a busy host thrash
    rows: list[Row] = []
    cnn = load_pretrained("mnist_cnn")
    pipeline = chain.read_chain(list(chain.DEFAULT_STEPS))  # three steps + the whole chain: 4 rows × 6 draws
    digit = mnist_split().test_images[0]

    def digit_grid() -> None:
        drawn = transforms.grid(digit, pipeline, 0)
        probs = grid_view.meter(cnn, drawn)
        grid_view.grid_figure(drawn, pipeline, True, True, probs, 7, 630).to_json()

    t = best_of(digit_grid, repeat=5)
    rows.append(Row("augmentation", "4 × 6 grid on a digit: draws + boxes + masks, meter, figure JSON", t, target="≤ 300 ms"))
    picture = chain.working_image(photo_input(photo("astronaut")))

    def photo_grid() -> None:
        drawn = transforms.grid(picture, pipeline, 0)
        grid_view.grid_figure(drawn, pipeline, True, True, None, None, 630).to_json()

    t = best_of(photo_grid, repeat=5)
    rows.append(Row("augmentation", f"4 × 6 grid on a {chain.PHOTO_SIDE}-px photo: draws + boxes + masks, figure JSON", t,
                    target="≤ 300 ms"))

    def first_frame() -> None:
        helps_view.curves_figure(helps.stored(50, "standard"), 50, "standard").to_json()

    t = best_of(first_frame, repeat=5)
    rows.append(Row("augmentation", "with/without recording: committed runs loaded, player figure JSON", t, target="≤ 300 ms"))
    t = best_of(lambda: helps.training_run(20, "standard", 0, steps=30), repeat=1, warmup=0)
    rows.append(Row("augmentation", f"a live run's first 30 of {helps.STEPS} steps at 20 digits per class (11 evaluations)", t))
    encoder = load_pretrained("ssl_digits")
    t = best_of(lambda: ssl_view.similarity_figure(ssl_view.batch_views(encoder, 8, True, 0), 0.5).to_json(), repeat=5)
    rows.append(Row("augmentation", "2N × 2N similarity (N = 8): views, encoder, NT-Xent, figure", t))
    cold, _ = page_rerun(PAGE, {}, ("number_input", "seed", 1), repeat=1)
    rows.append(Row("augmentation", "page first render, cold process (imports, models, data)", cold))
    first, _ = page_rerun(PAGE, {}, ("number_input", "seed", 1), repeat=1)
    rows.append(Row("augmentation", "page first render (server warm)", first, target="≤ 2 s"))
    rows.append(Row("augmentation", "page rerun after a seed change (a new, uncached grid each time)", seed_reruns(),
                    target="< 1 s"))
    first, _ = page_rerun(PAGE, {"view": "Self-supervised"}, ("slider", "tau", 0.2), repeat=1)
    rows.append(Row("augmentation", "page first render on the Self-supervised tab (committed encoder)", first, target="≤ 2 s"))
    first, _ = page_rerun(PAGE, {"view": "Does it help?"}, ("number_input", "seed", 2), repeat=1)
    rows.append(Row("augmentation", "page first render on the Does it help? tab (committed runs)", first, target="≤ 2 s"))
    return rows
