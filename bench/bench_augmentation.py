"""Augmentation: the hero's 4 × 6 grid (draws, meter, figure) on a digit and a photo, the committed
with/without-augmentation recording's first frame, the Self-supervised tab's first render, reruns."""
from __future__ import annotations

from bench.common import Row, best_of, page_rerun
from demos.augmentation import chain, grid_view, helps, helps_view, ssl_view, transforms
from demos.images import photo, photo_input
from models import load_pretrained
from models.data import mnist_split

PAGE = "pages/17_augmentation.py"


def run() -> list[Row]:
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
    t = best_of(lambda: helps.training_run(20, "standard", 0), repeat=1, warmup=0)
    rows.append(Row("augmentation", f"one live run: {helps.STEPS} steps at 20 digits per class", t))
    encoder = load_pretrained("ssl_digits")
    t = best_of(lambda: ssl_view.similarity_figure(ssl_view.batch_views(encoder, 8, True, 0), 0.5).to_json(), repeat=5)
    rows.append(Row("augmentation", "2N × 2N similarity (N = 8): views, encoder, NT-Xent, figure", t))
    first, rerun = page_rerun(PAGE, {}, ("number_input", "seed", 1))
    rows.append(Row("augmentation", "page first render (server)", first, target="≤ 2 s"))
    rows.append(Row("augmentation", "page rerun after a seed change (new grid)", rerun, target="< 1 s"))
    first, _ = page_rerun(PAGE, {"view": "Self-supervised"}, ("slider", "tau", 0.2), repeat=1)
    rows.append(Row("augmentation", "page first render on the Self-supervised tab (committed encoder)", first, target="≤ 2 s"))
    first, _ = page_rerun(PAGE, {"view": "Does it help?"}, ("number_input", "seed", 2), repeat=1)
    rows.append(Row("augmentation", "page first render on the Does it help? tab (committed runs)", first, target="≤ 2 s"))
    return rows
