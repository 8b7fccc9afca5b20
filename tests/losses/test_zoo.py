"""The loss zoo's data and training: the imbalanced counts, a seeded run that repeats exactly, the stream
of partial results, and the committed recording against a fresh run of one loss and seed."""
import json

import pytest
import torch

from demos.losses import zoo
from tests.support import ROOT


def test_the_subset_is_imbalanced_as_stated():
    counts = zoo.imbalanced_counts()
    assert counts[0] == 300 and counts[9] == 6  # 300 · 50^(−1) = 6
    assert all(a > b for a, b in zip(counts, counts[1:]))
    _, y = zoo.imbalanced_subset()
    assert torch.bincount(y, minlength=10).tolist() == counts


def test_the_batched_runs_equal_one_at_a_time_training_and_stream_every_epoch():
    seen = []
    rec = zoo.train_zoo(2.0, 0.1, (7,), 2, on_progress=lambda f, partial: seen.append((f, partial)))
    assert [f for f, _ in seen] == [0.5, 1.0]  # one report per epoch
    assert [len(c) for c in seen[0][1]["live"]["focal"]] == [1]  # each loss's curve so far, one per seed
    for name in ("focal", "class weights"):  # stacked weights + one Adam == each network alone
        alone = zoo.train_one(name, 7, 2.0, 0.1, 2)
        assert alone["curve"] == pytest.approx(rec["runs"][name][0]["curve"], abs=1e-9)
        assert alone["per_class"] == pytest.approx(rec["runs"][name][0]["per_class"], abs=1e-9)
        assert alone["nll"] == pytest.approx(rec["runs"][name][0]["nll"], rel=1e-4)
    run = rec["runs"]["MSE"][0]
    assert sum(run["confidence"]) == 1000 and sum(run["margins"]) == 1000  # every held-out digit in each histogram
    assert run["accuracy"] == pytest.approx(sum(run["per_class"]) / 10)  # the held-out split is balanced


def test_the_committed_recording_is_reproduced_by_a_fresh_run():
    data = json.loads((ROOT / zoo.RESULTS).read_text())
    assert zoo.committed(zoo.DEFAULT_GAMMA, zoo.DEFAULT_EPS)["settings"] == data["settings"]
    assert zoo.committed(3.0, zoo.DEFAULT_EPS) is None
    stored = data["runs"]["class weights"][0]
    fresh = zoo.train_one("class weights", data["settings"]["seeds"][0], zoo.DEFAULT_GAMMA, zoo.DEFAULT_EPS,
                          data["settings"]["epochs"])
    assert fresh["accuracy"] == pytest.approx(stored["accuracy"], abs=0.005)  # a few digits may flip across BLAS threads
    assert fresh["curve"] == pytest.approx(stored["curve"], abs=0.01)
