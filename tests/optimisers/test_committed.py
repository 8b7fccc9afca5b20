"""The committed default runs (models/results/optimisers.json, `python -m train.precompute_optimisers`,
~40 s on 2 busy cores): every entry is the page's default call, and each is what a recomputation gives.
The full recomputation costs ~35 s (the batch-size runs ~20 s, B = 1's epoch most of it; the schedules
~12 s), so the slow entries are checked on their cheap parts; the clock-dependent numbers (how many
updates fit in the equal-time budget) are checked for what they imply, and their caption names the
machine that timed them."""
import pytest

from demos.optimisers import batch_size, committed, gradient_noise, range_test, schedules
from demos.precomputed import entry_key, lookup
from models.data import validation_split

# One thread made them; another process, or another CPU (a different SIMD width changes the order of a
# sum), gives results a few parts in 10⁵ apart, which a training run carries along (seen: 1.7e-5 at step 144)
APPROX = dict(rel=1e-3, abs=1e-6)


def stored(fn, args):
    found = lookup(fn, args)
    assert found is not None, entry_key(fn, args)
    return found[0]


def test_the_store_holds_exactly_the_pages_default_calls():
    from demos.precomputed import _store
    assert set(_store("optimisers")["entries"]) == {entry_key(fn, args) for fn, args in committed.grid()}
    assert committed.SCHEDULE_DEFAULTS == (0.050119, 4)  # round(10^-1.3, 6): the slider's default, as the page rounds it
    assert committed.BATCH_DEFAULTS == (1, 0.01)  # 10^-2.0


def test_the_committed_gradient_noise_equals_its_recomputation():  # ~1.5 s
    kept, fresh = stored(gradient_noise.gradient_noise, (committed.SEED,)), committed.plain(
        gradient_noise.gradient_noise(committed.SEED))
    assert kept.keys() == fresh.keys()
    for k in fresh:
        assert kept[k] == pytest.approx(fresh[k], **APPROX), k


def test_the_committed_range_test_equals_its_recomputation_until_it_diverges():  # ~1 s
    # Up to the smoothed loss's minimum the run is stable and both agree closely. Past it the learning
    # rate is large enough to make the run chaotic: a difference of 1e-5 grows to whole units of loss
    # there (seen on another CPU: 8.1 at the last steps), and the stop (4× the best) may come a step
    # earlier or later. What the page reads (the suggestion and the minimum's lr) must not move.
    kept, fresh = stored(range_test.lr_range_test, (committed.SEED,)), committed.plain(
        range_test.lr_range_test(committed.SEED))
    assert kept.keys() == fresh.keys()
    end = kept["lr"].index(kept["min_loss_lr"]) + 1
    for k in ("lr", "loss", "smooth"):
        assert kept[k][:end] == pytest.approx(fresh[k][:end], **APPROX), k
    assert abs(len(kept["lr"]) - len(fresh["lr"])) <= 3
    assert kept["suggested"] == pytest.approx(fresh["suggested"], rel=1e-9)
    assert kept["min_loss_lr"] == pytest.approx(fresh["min_loss_lr"], rel=1e-9)


def test_committed_schedules_equal_torchs_rates_and_a_one_epoch_recomputation():
    runs = stored(schedules.schedule_experiment, (*committed.SCHEDULE_DEFAULTS, committed.SEED))
    lr, epochs = committed.SCHEDULE_DEFAULTS
    for name, rates in schedules.schedules_for_run(lr, epochs).items():  # 440 steps each (4 × ⌈3,500/32⌉)
        key = next(k for k, label in schedules.SCHEDULES.items() if label == name)
        assert runs[key]["lr"] == pytest.approx(rates.tolist(), rel=1e-12)
    # The constant schedule's rate does not depend on the run's length, so one epoch (~3 s) retraces the
    # committed run's first 110 steps exactly.
    short = schedules.schedule_experiment(lr, 1, committed.SEED)["constant"]
    assert runs["constant"]["loss"][:110] == pytest.approx(short["loss"].tolist(), **APPROX)


def train_for(batch, updates, run):
    """`batch_size._train` with the committed run's settings, stopped after `updates` updates."""
    total = max(1, updates // batch_size.EVALS)
    return batch_size._train(batch, run["lr"], committed.SEED, validation_split(), lambda u, s: u >= updates,
                             lambda u, s: u % total == 0, lambda u, s: None)


def test_committed_batch_size_runs_equal_their_recomputation():
    run = stored(batch_size.batch_size_experiment, (*committed.BATCH_DEFAULTS, committed.SEED))
    # Equal epochs, B = 32 and B = 3,500 (B = 1's 3,500 updates take ~8-20 s): logged at the same updates.
    for r in run["equal_epochs"][1:]:
        fresh = train_for(r["batch"] % run["n"], r["updates"][-1], run)
        for k in ("updates", "epochs", "val_loss", "val_acc"):
            assert r[k] == pytest.approx(fresh[k].tolist(), **APPROX), (r["batch"], k)
    # Equal time: how many updates fit is the timing machine's; that many updates give the stored end point.
    for r in run["equal_time"][1:]:
        fresh = train_for(r["batch"] % run["n"], r["updates"][-1], run)
        assert (r["val_loss"][-1], r["val_acc"][-1]) == pytest.approx((fresh["val_loss"][-1], fresh["val_acc"][-1]),
                                                                      **APPROX)
        assert r["seconds"][-1] >= run["budget"]  # each ran until its clock crossed the budget


def test_the_committed_wall_clock_caption_names_where_it_was_timed():
    run = stored(batch_size.batch_size_experiment, (*committed.BATCH_DEFAULTS, committed.SEED))
    cpu, threads, date = run["timed_on"].rsplit(", ", 2)  # "<cpu>, 1 thread(s), 2026-12-07"
    assert cpu and threads == "1 thread(s)" and len(date) == 10 and date[4] == "-"
    caption = batch_size.batch_caption(run, "equal_time")
    assert f"timed on the machine that made the committed run: {run['timed_on']})" in caption
    assert "this server" not in caption
    live = dict(run, timed_on=None)  # a live run says where it ran
    assert "timed on this server)" in batch_size.batch_caption(live, "equal_time")
