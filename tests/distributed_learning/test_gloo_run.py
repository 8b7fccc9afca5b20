"""The real thing, once and short: two gloo processes for 5 steps end with the one-process weights;
a failure to start comes back as a sentence, not a traceback."""
import json

import numpy as np
import pytest

from demos.distributed_learning import gloo_run


def test_two_gloo_processes_match_one_process():
    r = gloo_run.distributed(5, 16, 0.1, 0)
    assert r.steps == 5 and r.batch == 16
    # the 2-process update is (g_a + g_b)/2 over two halves of 8 digits; one process means all 16 at once:
    # equal in exact arithmetic, float32 rounding apart
    assert r.max_gap < 1e-6 and r.scale > 0.05
    assert 0 < r.comm_s < r.step_s and r.bytes_per_step == 4 * 25_450  # 784·32 + 32 + 32·10 + 10 floats
    assert "differ from the 1-process weights by at most" in gloo_run.run_caption(r)


def test_odd_batches_and_unstartable_processes_are_explained(monkeypatch):
    with pytest.raises(ValueError):
        gloo_run.distributed(2, 15, 0.1, 0)
    monkeypatch.setattr(gloo_run.sys, "executable", "/nonexistent/python")
    message = gloo_run.try_distributed(2, 16, 0.1, 0)
    assert isinstance(message, str) and "could not be done" in message


def test_the_recorded_run_is_the_page_settings():
    rec = json.loads((gloo_run.ROOT / "models/results/distributed_learning_gloo.json").read_text())
    assert rec["settings"] == {"steps": gloo_run.STEPS, "batch": gloo_run.BATCH, "lr": gloo_run.LR, "seed": 0}
    run = gloo_run.recorded(gloo_run.STEPS, gloo_run.BATCH, gloo_run.LR, 0)
    assert run is not None and run.max_gap < 1e-6
    assert gloo_run.recorded(gloo_run.STEPS, gloo_run.BATCH, gloo_run.LR, 1) is None
    assert np.isclose(run.comm_share, run.comm_s / run.step_s)
