"""Neural-network playground: a full recording (wall and CPU time), the hero figure, page reruns.
Scrubbing and playing cost 0 script reruns: asserted in tests/playground/test_browser.py."""
from __future__ import annotations

import time
from dataclasses import replace

from bench.common import Row, best_of, page_rerun
from demos.playground import figures, network, stored, training

PAGE = "pages/06_playground.py"


def cpu_and_wall(fn) -> tuple[float, float]:
    start, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - start, time.process_time() - cpu


def run() -> list[Row]:
    rows: list[Row] = []
    config = network.Config()  # the page's default: 3 × 8 tanh MLP, 500 points (300 train), 300 epochs, full batch, Adam
    data = training.load_data(config)
    training.train(replace(config, epochs=5), data)  # warm-up: the first optimiser step imports torch internals
    what = (f"full recording: 3 × 8 MLP, 500 points, 300 epochs (full batch: 300 steps), {config.n_frames} frames of a "
            "60 × 60 grid")
    runs = [cpu_and_wall(lambda: training.train(config, data)) for _ in range(3)]
    wall, cpu = sorted(runs)[1]
    rows.append(Row("playground", what, wall, target="≤ 1 s"))
    rows.append(Row("playground", what + " (CPU time of the process)", cpu, target="≤ 1 s"))
    mini = replace(config, batch_size=32, lr=0.01)
    wall, cpu = cpu_and_wall(lambda: training.train(mini, data))
    rows.append(Row("playground", "the same with mini-batches of 32 (3,000 steps), wall", wall))
    rows.append(Row("playground", "the same with mini-batches of 32 (3,000 steps), CPU time", cpu))
    digits = network.Config(dataset="digits", n_points=500, layers=3, width=128, epochs=100)  # the page's digits default
    ddata = training.load_data(digits)
    rows.append(Row("playground", "digits: 3 × 128 MLP, 500 digits, 100 epochs, full batch (100 steps)",
                    best_of(lambda: training.train(digits, ddata), repeat=1, warmup=0)))
    rec = training.train(config, data)
    rows.append(Row("playground", f"hero figure build, {rec.n_frames} frames (cached per recording on the page)",
                    best_of(lambda: figures.hero_figure(rec, data), repeat=3)))
    rows.append(Row("playground", "hero figure sent to the browser (JSON)", len(figures.hero_figure(rec, data).to_json()) / 1e6,
                    unit="MB", target="< 0.5 MB"))
    more = replace(config, layers=4)  # the hero control "hidden layers +1"
    rows.append(Row("playground", "hero figure after hidden layers +1 (JSON)",
                    len(figures.hero_figure(training.train(more, data), data).to_json()) / 1e6, unit="MB", target="< 0.5 MB"))
    rows.append(Row("playground", "default recording from the committed store (models/results/playground.json)",
                    best_of(lambda: stored.decode(stored._store()["runs"][0]["recording"]), repeat=3), target="≤ 0.3 s"))
    first, rerun = page_rerun(PAGE, {}, ("slider", "layers", 2))
    rows.append(Row("playground", "page first render (server, default recording from the store)", first))
    rows.append(Row("playground", "page rerun after a control change, recordings cached (median of 5)", rerun, target="< 250 ms"))
    _, rerun = page_rerun(PAGE, {"mode": "perceptron"}, ("slider", "eta", 0.5))
    rows.append(Row("playground", "perceptron page rerun after an η change", rerun, target="< 250 ms"))
    return rows
