"""Neural-network playground: a full recording (wall and CPU time), the hero figure, page reruns.
Scrubbing and playing cost 0 script reruns: asserted in tests/test_browser_playground.py."""
from __future__ import annotations

import time

from bench.common import Row, best_of, page_rerun
from demos import playground as pg
from demos import playground_figures as pgf

PAGE = "pages/06_playground.py"


def cpu_and_wall(fn) -> tuple[float, float]:
    start, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - start, time.process_time() - cpu


def run() -> list[Row]:
    rows: list[Row] = []
    config = pg.Config()  # the page's default: 3 × 8 tanh MLP, 500 points (300 train), 300 epochs, full batch, Adam
    data = pg.load_data(config)
    pg.train(pg.replace(config, epochs=5), data)  # warm-up: the first optimiser step imports torch internals
    what = "full recording: 3 × 8 MLP, 500 points, 300 epochs (full batch: 300 steps), 60 frames of a 60 × 60 grid"
    runs = [cpu_and_wall(lambda: pg.train(config, data)) for _ in range(3)]
    wall, cpu = sorted(runs)[1]
    rows.append(Row("playground", what, wall, target="≤ 1 s"))
    rows.append(Row("playground", what + " (CPU time of the process)", cpu, target="≤ 1 s"))
    mini = pg.replace(config, batch_size=32, lr=0.01)
    wall, cpu = cpu_and_wall(lambda: pg.train(mini, data))
    rows.append(Row("playground", "the same with mini-batches of 32 (3,000 steps), wall", wall))
    rows.append(Row("playground", "the same with mini-batches of 32 (3,000 steps), CPU time", cpu))
    digits = pg.Config(dataset="digits", n_points=500, layers=3, width=128, epochs=100)  # the page's digits default
    ddata = pg.load_data(digits)
    rows.append(Row("playground", "digits: 3 × 128 MLP, 500 digits, 100 epochs, full batch (100 steps)",
                    best_of(lambda: pg.train(digits, ddata), repeat=1, warmup=0)))
    rec = pg.train(config, data)
    rows.append(Row("playground", "hero figure build, 60 frames (cached per recording on the page)",
                    best_of(lambda: pgf.hero_figure(rec, data), repeat=3)))
    rows.append(Row("playground", "hero figure sent to the browser (JSON)", len(pgf.hero_figure(rec, data).to_json()) / 1e6, unit="MB"))
    first, rerun = page_rerun(PAGE, {}, ("slider", "layers", 2))
    rows.append(Row("playground", "page first render (server, default recording computed)", first))
    rows.append(Row("playground", "page rerun after a control change, recordings cached (median of 5)", rerun, target="< 250 ms"))
    _, rerun = page_rerun(PAGE, {"mode": "perceptron"}, ("slider", "eta", 0.5))
    rows.append(Row("playground", "perceptron page rerun after an η change", rerun, target="< 250 ms"))
    return rows
