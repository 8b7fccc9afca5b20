"""The worker script run in this process as a world of one (gloo accepts it): its weights are those of
the one-process SGD, since an all-reduce over one process is the identity."""
import json

import numpy as np
import torch.distributed as dist

from demos.distributed_learning import gloo_run, gloo_worker


def test_a_world_of_one_is_plain_sgd(tmp_path):
    out = tmp_path / "rank0.json"
    gloo_worker.main(["0", "1", str(gloo_run.free_port()), "3", "8", "0.1", "2", str(out)])
    assert not dist.is_initialized()  # the worker cleans up its process group
    res = json.loads(out.read_text())
    single, _ = gloo_run.single_process(3, 8, 0.1, 2)
    assert np.abs(np.asarray(res["weights"], dtype=np.float32) - single).max() < 1e-7
    assert res["steps"] == 3 and res["comm_s"] >= 0
