"""Learning-rate schedules: the hand-written formulas against torch.optim.lr_scheduler, their shapes,
and the captions computed from the rates and from the runs."""
import numpy as np
import pytest

from demos.optimisers import schedules


@pytest.mark.parametrize("name", list(schedules.SCHEDULES))
@pytest.mark.parametrize("total", [30, 110, 333])
def test_schedule_formulas_equal_torch_lr_scheduler(name, total):
    lr = 0.2
    torch_values = schedules.schedule_lrs(name, lr, total)
    hand = np.array([schedules.schedule_formula(name, lr, t, total) for t in range(total)])
    assert np.allclose(hand, torch_values, rtol=1e-9, atol=1e-12)


def test_schedules_have_their_shapes():
    total, lr = 100, 0.1
    v = {k: schedules.schedule_lrs(k, lr, total) for k in schedules.SCHEDULES}
    assert np.all(v["constant"] == lr)
    assert v["step"][33] == pytest.approx(lr) and v["step"][34] == pytest.approx(lr / 10)
    assert v["exponential"][-1] == pytest.approx(lr * 0.01 ** (99 / 100))
    assert v["warmup_cosine"][0] == pytest.approx(lr * 0.01) and v["warmup_cosine"].max() == pytest.approx(lr)
    assert v["onecycle"][0] == pytest.approx(lr / 25) and np.argmax(v["onecycle"]) == 29


@pytest.mark.parametrize("epochs,peak", [(1, 0.05), (4, 0.5)])
def test_the_rates_caption_and_figure_follow_the_controls(epochs, peak):
    lrs = schedules.schedules_for_run(peak, epochs)
    total = epochs * 110  # ⌈3,500/32⌉ = 110 batches an epoch
    assert list(lrs) == list(schedules.SCHEDULES.values()) and all(len(v) == total for v in lrs.values())
    text = schedules.lrs_caption(lrs, epochs, peak)
    assert text.startswith(f"Six schedules over the same {total} steps ({epochs} epoch{'s' * (epochs > 1)} of 110 "
                           f"batches), each starting from or peaking at η = {peak:.3g}; the last step's rates: "
                           f"Constant {peak:.2g}, ")
    assert f"Step (÷10 at ⅓ and ⅔) {peak / 100:.2g}" in text
    fig = schedules.lrs_figure(lrs)
    assert [t.name for t in fig.data] == list(lrs) and list(fig.data[0].x) == list(range(total))


def test_the_same_run_under_each_schedule_is_ranked_by_validation_accuracy():
    fractions = []
    runs = schedules.schedule_experiment(0.05, 1, 0, on_progress=fractions.append)
    assert list(runs) == list(schedules.SCHEDULES) and fractions[-1] == pytest.approx(1.0)
    for name, r in runs.items():  # the rates it trained with are the scheduler's
        assert np.allclose(r["lr"], schedules.schedule_lrs(name, 0.05, 110)) and len(r["val_acc"]) == 1
    text = schedules.schedule_caption(runs)
    best = max(runs, key=lambda k: runs[k]["val_acc"][-1])
    assert text.startswith(f"Validation accuracy after 1 epochs (500 validation digits): {schedules.SCHEDULES[best]} "
                           f"{runs[best]['val_acc'][-1]:.1%}")
    assert len(schedules.schedule_figure(runs).data) == 6
