"""A real data-parallel run with `torch.distributed`: two processes on this machine (gloo backend,
TCP on 127.0.0.1), each holding a full replica of the MLP and half of every batch, averaging gradients
with all-reduce, against the same SGD in one process. Same data order, same initial weights: the final
weights agree to float precision."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import plotly.graph_objects as go
import torch

from demos.distributed_learning import common
from demos.plots import OKABE_ITO, layout

ROOT = Path(__file__).resolve().parents[2]
WORLD = 2
STEPS, BATCH, LR = 30, 64, 0.1  # the recorded run's settings (models/results/distributed_learning_gloo.json)
TIMEOUT_S = 60.0


class DistributedUnavailable(RuntimeError):
    """The processes could not be started or did not finish (message says why)."""


def batches(steps: int, batch: int, seed: int) -> list[torch.Tensor]:
    """The global batches' row indices, step by step: every process and the one-process run use these."""
    g = torch.Generator().manual_seed(seed + 1)
    n = len(common.digits()["y_fit"])
    return [torch.randperm(n, generator=g)[:batch] for _ in range(steps)]


def sgd_step(params: list[torch.Tensor], flat_grad: torch.Tensor, lr: float) -> list[torch.Tensor]:
    out, i = [], 0
    for p in params:
        out.append(p - lr * flat_grad[i:i + p.numel()].view_as(p))
        i += p.numel()
    return out


def single_process(steps: int, batch: int, lr: float, seed: int) -> tuple[np.ndarray, float]:
    """Final weights (flat) and seconds per step of the same SGD on the whole batch in one process."""
    data, params = common.digits(), common.init_mlp(seed)
    t = time.perf_counter()
    for rows in batches(steps, batch, seed):
        _, grads = common.loss_and_grads(params, data["x_fit"][rows], data["y_fit"][rows])
        params = sgd_step(params, common.flat(grads), lr)
    return common.flat(params).numpy(), (time.perf_counter() - t) / steps


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class DistributedRun:
    max_gap: float  # max |w_2 processes − w_1 process| after all steps
    scale: float  # max |w| (for the relative size of the gap)
    steps: int
    batch: int
    startup_s: float  # wall time from launching the processes to the end of their first step
    total_s: float  # wall time of the whole run, start-up included
    step_s: float  # per step in the 2-process run (compute + all-reduce)
    comm_s: float  # per step inside all_reduce (waiting for the other process included)
    single_step_s: float  # per step in one process on the whole batch
    bytes_per_step: int

    @property
    def comm_share(self) -> float:
        return self.comm_s / self.step_s if self.step_s else 0.0


def distributed(steps: int, batch: int, lr: float, seed: int,
                on_progress: Callable[..., None] | None = None) -> DistributedRun:
    """Launch WORLD worker processes (`gloo_worker`), stream rank 0's progress, compare with
    `single_process`. Raises DistributedUnavailable with a readable reason on failure or timeout."""
    if batch % WORLD:
        raise ValueError(f"the batch ({batch}) must split evenly over {WORLD} processes")
    port, started = free_port(), time.perf_counter()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "rank0.json")
        args = [str(a) for a in (WORLD, port, steps, batch, lr, seed, out)]
        try:
            procs = [subprocess.Popen([sys.executable, "-m", "demos.distributed_learning.gloo_worker", str(r), *args],
                                      cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                     for r in range(WORLD)]
        except OSError as err:
            raise DistributedUnavailable(f"could not start the worker processes ({err})") from err
        timer = threading.Timer(TIMEOUT_S, lambda: [p.kill() for p in procs])
        timer.start()
        first = None
        try:
            for line in procs[0].stdout:  # one line per finished step
                first = first or time.perf_counter()
                if on_progress and line.startswith("step "):
                    on_progress(int(line.split()[1]) / steps)
            codes = [p.wait() for p in procs]
        finally:
            timer.cancel()
            for p in procs:
                if p.poll() is None:
                    p.kill()
                    p.wait()
        if any(codes) or not os.path.exists(out):
            errors = (procs[0].stderr.read() + procs[1].stderr.read()).strip().splitlines()
            reason = "timed out" if any(c == -9 for c in codes) else f"exit codes {codes}"
            raise DistributedUnavailable(f"the 2-process run failed ({reason}): "
                                         + (errors[-1] if errors else "no message"))
        with open(out) as f:
            res = json.load(f)
    total = time.perf_counter() - started
    startup = (first - started) if first else float(res["startup_s"])
    single, single_step = single_process(steps, batch, lr, seed)
    w = np.asarray(res["weights"], dtype=np.float32)
    return DistributedRun(float(np.abs(w - single).max()), float(np.abs(single).max()), steps, batch,
                          startup, total, (res["compute_s"] + res["comm_s"]) / steps,
                          res["comm_s"] / steps, single_step, int(res["bytes_per_step"]))


def recorded(steps: int, batch: int, lr: float, seed: int) -> DistributedRun | None:
    """The committed run (train/distributed_learning.py --gloo) when the settings are its own."""
    path = ROOT / "models" / "results" / "distributed_learning_gloo.json"
    if not path.exists():
        return None
    rec = json.loads(path.read_text())
    if (rec["settings"]["steps"], rec["settings"]["batch"], rec["settings"]["lr"], rec["settings"]["seed"]) != (
            steps, batch, lr, seed):
        return None
    return DistributedRun(**rec["run"])


def timing_figure(r: DistributedRun, height: int = 260) -> go.Figure:
    """Time per step: one process on the whole batch vs each of 2 processes (compute + all-reduce)."""
    rows = ["1 process, whole batch", f"{WORLD} processes (gloo)"]
    fig = go.Figure([
        go.Bar(y=rows, x=[r.single_step_s * 1e3, (r.step_s - r.comm_s) * 1e3], name="compute (forward, backward, step)",
               orientation="h", marker_color=OKABE_ITO[0]),
        go.Bar(y=rows, x=[0, r.comm_s * 1e3], name="all-reduce (incl. waiting)", orientation="h",
               marker_color=OKABE_ITO[3])])
    fig.update_layout(barmode="stack", legend=dict(orientation="h", y=-0.35))
    fig.update_xaxes(title="milliseconds per step")
    return layout(fig, None, height)


def run_caption(r: DistributedRun) -> str:
    faster = r.single_step_s / r.step_s if r.step_s and r.single_step_s else 1.0
    verdict = (f"{faster:.1f}× faster per step" if faster > 1.05 else
               f"{1 / faster:.1f}× slower per step" if faster < 0.95 else "about as fast per step")
    why = " — a model this small is too cheap to hide the communication" if faster < 0.95 else ""
    return (f"After {r.steps} steps on batches of {r.batch} ({r.batch // WORLD} per process), the 2-process weights "
            f"differ from the 1-process weights by at most {r.max_gap:.1e} (largest weight {r.scale:.2f}): "
            f"the same training. Each step sends {r.bytes_per_step / 1e3:.0f} kB of gradients; the all-reduce takes "
            f"{r.comm_share:.0%} of a step, and the pair is {verdict} than one process{why}. Starting the "
            f"processes took {r.startup_s:.1f} s of the run's {r.total_s:.1f} s.")


def try_distributed(steps: int, batch: int, lr: float, seed: int,
                    on_progress: Callable[..., None] | None = None) -> DistributedRun | str:
    """`distributed(...)`, or the reason it could not run as a sentence for the page."""
    try:
        return distributed(steps, batch, lr, seed, on_progress)
    except DistributedUnavailable as err:
        return (f"The real 2-process run could not be done on this machine: {err}. The in-process comparison "
                "above shows the same arithmetic.")
