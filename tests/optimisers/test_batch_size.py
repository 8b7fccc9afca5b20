"""Batch size on digits: iterations per epoch against torch's DataLoader, the runs' update counts and
clocks, and the text and captions computed from them."""
import math

import pytest

from demos.optimisers import batch_size


@pytest.mark.parametrize("n,batch", [(3500, 32), (5000, 100), (10, 3), (7, 7), (7, 1)])
def test_iterations_per_epoch_equals_a_dataloaders_length(n, batch):
    from torch.utils.data import DataLoader
    for drop_last in (False, True):
        assert batch_size.iterations_per_epoch(n, batch, drop_last) == len(DataLoader(range(n), batch,
                                                                                       drop_last=drop_last))
    assert batch_size.iterations_per_epoch(5000, 100) == 50  # the seed's worked example: 50 batches, not 100


@pytest.fixture(scope="module")
def small_batch_run():
    return batch_size.batch_size_experiment(1, 0.05, 0, batch_sizes=(16, 128, batch_size.FULL), max_seconds=0.3)


def test_batch_size_runs_count_updates_as_ceil_n_over_b(small_batch_run):
    run = small_batch_run
    assert run["n"] == 3500  # the validation split's fit part: the held-out test digits are never used
    for r, b in zip(run["equal_epochs"], (16, 128, 3500)):
        assert r["batch"] == b and r["updates"][-1] == math.ceil(3500 / b)
        assert r["epochs"][-1] == pytest.approx(1)  # samples seen / N, the short last batch included
        assert 0 <= r["val_acc"][-1] <= 1
    assert run["equal_epochs"][0]["val_acc"][-1] > run["equal_epochs"][2]["val_acc"][-1]  # 219 updates beat 1
    for r in run["equal_time"]:  # each ran until its clock reached the budget (how far past it depends
        assert r["seconds"][-1] >= run["budget"]  # on the host: the exact stop is tested on a fake clock)
    assert "⌈3,500/16⌉ = **219**" in batch_size.iterations_text(run)
    assert "B = 16: 219 updates" in batch_size.batch_caption(run, "equal_epochs")


def test_equal_time_runs_stop_at_the_first_update_that_crosses_the_budget(monkeypatch):
    # A fake clock on which every update takes exactly 1/1024 s (a binary fraction: sums are exact).
    # Capped at 0.05 s, each run needs ceil(0.05 * 1024) = ceil(51.2) = 52 updates to cross it, and stops there.
    ticks = iter(range(10**6))
    monkeypatch.setattr(batch_size, "time", type("Clock", (), {"perf_counter": staticmethod(
        lambda: (next(ticks) + 1) // 2 / 1024)}))  # reads 0, 1, 1, 2, 2, 3…: before/after one update differ by 1/1024
    run = batch_size.batch_size_experiment(1, 0.05, 0, batch_sizes=(16, 128, batch_size.FULL), max_seconds=0.05)
    assert run["capped"] and run["budget"] == 0.05  # B = 16 needed 219/1024 s = 0.214 s > 0.05
    assert run["equal_epochs"][0]["seconds"][-1] == 219 / 1024
    for r in run["equal_time"]:
        assert r["updates"][-1] == 52 and r["seconds"][-1] == 52 / 1024


def test_the_captions_and_figures_say_what_each_run_did(small_batch_run):
    run = small_batch_run
    text = batch_size.iterations_text(run)  # 3,500 = 218 × 16 + 12 and 27 × 128 + 44; 3,500 is one batch
    assert "218 full batches and a last one of 12; with `drop_last=True` 218" in text
    assert "⌈3,500/128⌉ = **28** updates per epoch (27 full batches and a last one of 44" in text
    assert "B = 3,500: ⌈3,500/3,500⌉ = **1** update per epoch, so 1 in 1 epoch" in text
    epochs = batch_size.batch_caption(run, "equal_epochs")
    best = max(run["equal_epochs"], key=lambda r: r["val_acc"][-1])
    assert epochs.startswith("After 1 epoch: B = 16: 219 updates in ") and epochs.endswith(f"Best: B = {best['batch']:,}.")
    assert "B = 3,500: 1 update in " in epochs
    timed = batch_size.batch_caption(run, "equal_time")
    first = run["equal_epochs"][0]["seconds"][-1]
    why = f"B = 16 needed {first:.2f} s; capped" if run["capped"] else "what B = 16 needed"
    assert timed.startswith(f"In {run['budget']:.2f} s of training each ({why}, timed on this server): B = 16: ")
    assert run["budget"] == min(first, 0.3)
    fig = batch_size.batch_figure(run, "equal_time")
    assert [t.name for t in fig.data] == ["B = 16", "B = 128", "B = 3,500"]
    assert fig.layout.title.text == f"Equal wall-clock: {run['budget']:.2f} s of training each"
    assert batch_size.batch_figure(run, "equal_epochs").layout.title.text == "Equal epochs: 1 pass each"
    assert batch_size.count(1, "epoch") == "1 epoch" and batch_size.count(3500, "update") == "3,500 updates"
