"""One process of the real data-parallel run (started by `gloo_run.distributed`, never imported by a
page): joins a gloo process group on 127.0.0.1, takes its half of every batch, all-reduces the
gradients (sum, then ÷ world size) and steps. Rank 0 prints one line per step and writes the result.

    python -m demos.distributed_learning.gloo_worker RANK WORLD PORT STEPS BATCH LR SEED OUT
"""
from __future__ import annotations

import json
import sys
import time
from datetime import timedelta

import torch
import torch.distributed as dist


def main(argv: list[str] | None = None) -> None:
    rank, world, port, steps, batch = (int(a) for a in (argv or sys.argv[1:])[:5])
    lr, seed, out = float((argv or sys.argv[1:])[5]), int((argv or sys.argv[1:])[6]), (argv or sys.argv[1:])[7]
    torch.set_num_threads(1)  # one core per process: the processes are the parallelism
    started = time.perf_counter()
    from demos.distributed_learning import common, gloo_run
    dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank, world_size=world,
                            timeout=timedelta(seconds=30))
    data = common.digits()
    params = common.init_mlp(seed)  # the same seed on every rank: identical replicas
    ready = time.perf_counter() - started
    compute = comm = 0.0
    for step, rows in enumerate(gloo_run.batches(steps, batch, seed)):
        t0 = time.perf_counter()
        mine = rows.tensor_split(world)[rank]  # this rank's shard of the global batch
        _, grads = common.loss_and_grads(params, data["x_fit"][mine], data["y_fit"][mine])
        bucket = common.flat(grads)  # one bucket, as DDP fuses gradients before sending
        t1 = time.perf_counter()
        dist.all_reduce(bucket, op=dist.ReduceOp.SUM)
        bucket /= world
        t2 = time.perf_counter()
        params = gloo_run.sgd_step(params, bucket, lr)
        compute += t1 - t0 + time.perf_counter() - t2
        comm += t2 - t1
        if rank == 0:
            print(f"step {step + 1}", flush=True)
    if rank == 0:
        with open(out, "w") as f:
            json.dump({"weights": common.flat(params).tolist(), "startup_s": ready, "compute_s": compute,
                       "comm_s": comm, "steps": steps, "bytes_per_step": bucket.numel() * 4}, f)
    dist.barrier()
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
