"""Distributed learning: the hero's in-process comparison, the batch-size sweep, the real 2-process gloo
run (start-up included), FedAvg 20 rounds, one active-learning run, fusion training, the page's first
render and a rerun after a Workers change. One torch thread, as the server computes."""
from __future__ import annotations

import torch

from bench.common import Row, best_of, once, page_rerun
from demos.distributed_learning import active, common, data_parallel, federated, fusion, gloo_run

PAGE = "pages/21_distributed_learning.py"
AREA = "distributed_learning"


def run() -> list[Row]:
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        common.digits()
        rows = [Row(AREA, "hero: 4 workers' gradients + all-reduce mean + large-batch gradient + step (B = 128)",
                    best_of(lambda: data_parallel.data_parallel_step(4, 128, 0.1, 0), repeat=5), target="≤ 300 ms"),
                Row(AREA, "linear-scaling sweep live: 6 batch sizes × 2 learning rates × 2 epochs",
                    once(lambda: data_parallel.scaling_sweep(0.1, 1))),
                Row(AREA, f"torch.distributed: {gloo_run.WORLD} gloo processes × {gloo_run.STEPS} steps, start-up included",
                    once(lambda: gloo_run.distributed(gloo_run.STEPS, gloo_run.BATCH, gloo_run.LR, 0)), target="≤ 10 s"),
                Row(AREA, "FedAvg: 20 rounds, 10 clients, α = 0.1, E = 1",
                    once(lambda: federated.run("FedAvg", 10, 0.1, 1, 0)), target="≤ 5 s"),
                Row(AREA, "active learning: margin, 10 → 200 labels in rounds of 10 (one seed)",
                    once(lambda: active.run("Margin", 10, 10, 0))),
                Row(AREA, "fusion: early + late + hybrid trained on 3,000 examples (150 Adam steps each)",
                    once(lambda: fusion.train(fusion.TASKS[1], 0)))]
    finally:
        torch.set_num_threads(previous)
    first, rerun = page_rerun(PAGE, {}, ("slider", "workers", 5), repeat=3)
    rows.append(Row(AREA, "page first render (server; recorded sweep, gloo run and federated bands)", first, target="≤ 2 s"))
    rows.append(Row(AREA, "page rerun after a Workers change (hero recomputed)", rerun, target="< 1 s"))
    return rows
