"""Abandoned jobs: one visitor clicks four settings of the playground's digits MLP in a row without
waiting for any, then a second visitor asks for a fifth. How long until the second visitor's run is
done, with the gallery's job pool as it is (a run nobody has waited on for ui.jobs.ABANDON_AFTER
seconds stops at its next progress report, a queued one never starts) and with abandoning switched
off (every run computes to the end for nobody). One thread per op, as on the server.

    python -m bench.run --only jobs
"""
from __future__ import annotations

import math
import time

import torch

from bench.common import Row


def _config(seed: int):
    from demos.playground import network, training

    # the page's digits view with a mid-sized net: about 10 s of training on one thread
    base = network.Config(dataset="digits", n_points=2000, layers=3, width=16, batch_size=32, epochs=200, seed=seed)
    return training.within_budget(base, 2000)


def _second_visitor_waits(grace: float) -> float:
    from demos.playground import training
    from ui import jobs as pool

    saved, pool.ABANDON_AFTER = pool.ABANDON_AFTER, grace
    try:
        jobs = pool.Jobs()
        start = time.perf_counter()
        for seed in (1, 2, 3, 4):  # the first visitor moves on at once each time
            config = _config(seed)
            jobs.submit(("bench", seed), "abandoned", training.train, (config, training.load_data(config)))
        config = _config(9)
        wanted = jobs.submit(("bench", 9), "wanted", training.train, (config, training.load_data(config)))
        while not wanted.future.done():  # the second visitor waits, as ui.computed does
            wanted.seen = time.time()
            time.sleep(0.05)
        seconds = time.perf_counter() - start
        for job in list(jobs.running.values()):  # leave nothing computing behind
            job.stop.set()
        jobs.pool.shutdown(wait=True)
        return seconds
    finally:
        pool.ABANDON_AFTER = saved


def run() -> list[Row]:
    from demos.playground import training
    from ui import cache, jobs as pool

    threads = torch.get_num_threads()
    torch.set_num_threads(cache.TORCH_THREADS)
    try:
        config = _config(9)
        start = time.perf_counter()
        training.train(config, training.load_data(config))
        alone = time.perf_counter() - start
        kept = _second_visitor_waits(pool.ABANDON_AFTER)
        unabandoned = _second_visitor_waits(math.inf)
    finally:
        torch.set_num_threads(threads)
    what = "second visitor's run, four runs left behind before it"
    return [Row("jobs", "one playground digits run, alone", alone),
            Row("jobs", f"{what}, abandoned after {pool.ABANDON_AFTER:g} s (chosen)", kept,
                target=f"{kept / alone:.1f}× alone (target < 2.5×)"),
            Row("jobs", f"{what}, never abandoned", unabandoned, target=f"{unabandoned / alone:.1f}× alone")]
