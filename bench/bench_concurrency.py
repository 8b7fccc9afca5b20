"""Several visitors at once: latency of a heavy interaction (10 style-transfer steps at 192 px) and of
a light one (a digit prediction and its chart) while 1, 2 or 4 sessions do heavy work, under each
threading setting. Streamlit runs every session as a thread of one process, so each setting runs in
a fresh process (thread settings are per process) with sessions as threads, as on the server.

Settings: torch's default intra-op threads with OpenMP's default (spinning) wait policy; one thread per
op; the default threads with OMP_WAIT_POLICY=PASSIVE; and one thread per op with heavy work queued on
the gallery's job pool (ui.jobs.WORKERS workers), which is what the gallery uses.

    python -m bench.run --only concurrency
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import threading
import time

from bench.common import ROOT, Row

SETTINGS = {  # name -> (environment, torch threads or None for the default, queue heavy work?)
    "default threads, spinning wait": ({}, None, False),
    "1 thread per op": ({}, 1, False),
    "default threads, OMP_WAIT_POLICY=PASSIVE": ({"OMP_WAIT_POLICY": "PASSIVE"}, None, False),
    "1 thread + job queue (chosen)": ({"OMP_WAIT_POLICY": "PASSIVE"}, 1, True),
}
SESSIONS = (1, 2, 4)


def worker(threads: int | None, queued: bool, sessions: int) -> dict:
    """Run in a fresh process: `sessions` threads each do one heavy interaction while a light
    interaction is timed repeatedly; returns median latencies in seconds."""
    import torch

    if threads:
        torch.set_num_threads(threads)
    from concurrent.futures import ThreadPoolExecutor

    from demos import plots
    from demos import style_transfer as nst
    from demos.images import photo, to_tensor
    from demos.prediction import predict_topk
    from models import load_pretrained
    from models.data import mnist_split
    from ui.jobs import WORKERS

    effnet, cnn, data = load_pretrained("efficientnet_lite0"), load_pretrained("mnist_cnn"), mnist_split()
    content = nst.resize_longer(to_tensor(photo("astronaut")), 192)
    style = nst.resize_longer(to_tensor(photo("hubble")), 256)

    def heavy() -> float:
        start = time.perf_counter()
        nst.optimise(effnet, content, [style], [1.0], 1.0, 300.0, 10.0, 10, nst.STYLE_LAYERS, "content", 0)
        return time.perf_counter() - start

    def light() -> float:
        start = time.perf_counter()
        top5 = predict_topk(cnn, data.test_images[:1], tuple("0123456789"))
        plots.topk_bars([n for n, _ in top5], [p for _, p in top5]).to_json()
        return time.perf_counter() - start

    light(), heavy()  # warm up
    pool = ThreadPoolExecutor(WORKERS) if queued else None
    heavy_times: list[float] = []

    def session() -> None:
        submitted = time.perf_counter()
        if pool is not None:  # the time a visitor waits includes the queue
            pool.submit(heavy).result()
            heavy_times.append(time.perf_counter() - submitted)
        else:
            heavy_times.append(heavy())

    runners = [threading.Thread(target=session) for _ in range(sessions)]
    for r in runners:
        r.start()
    light_times = []
    while any(r.is_alive() for r in runners):
        light_times.append(light())
        time.sleep(0.05)
    for r in runners:
        r.join()
    return {"heavy": statistics.median(heavy_times), "heavy_max": max(heavy_times),
            "light": statistics.median(light_times) if light_times else float("nan")}


def run() -> list[Row]:
    rows = []
    for name, (env, threads, queued) in SETTINGS.items():
        for sessions in SESSIONS:
            code = (f"import json; from bench.bench_concurrency import worker; "
                    f"print(json.dumps(worker({threads!r}, {queued!r}, {sessions})))")
            clean = {k: v for k, v in os.environ.items() if not k.startswith(("OMP_", "MKL_"))}
            out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean | env, capture_output=True,
                                 text=True, timeout=900, check=True)
            r = json.loads(out.stdout.strip().splitlines()[-1])
            rows.append(Row("concurrency", f"{name}: heavy (10 style steps, 192 px), {sessions} session(s), "
                                           f"median / slowest", r["heavy"], target=f"slowest {r['heavy_max']:.2f} s"))
            rows.append(Row("concurrency", f"{name}: light (digit prediction + chart) during {sessions} heavy",
                            r["light"], target="< 250 ms"))
    return rows
