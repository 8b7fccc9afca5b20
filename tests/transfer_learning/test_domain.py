"""Domain adaptation (demos/transfer_learning/domain.py): the MMD estimate against a double loop, the
shifts against torch's own rotation and their definitions, the recording deterministic and reproduced."""
import math

import pytest
import torch

from demos.transfer_learning import domain


def test_mmd_is_the_biased_double_loop_estimate_and_zero_for_identical_samples():
    gen = torch.Generator().manual_seed(0)
    a, b = torch.randn(7, 3, generator=gen), torch.randn(5, 3, generator=gen) + 0.5
    sigmas = (0.7, 1.5)

    def k(u, v):  # the kernel written out, one pair at a time
        return sum(math.exp(-float(((u - v) ** 2).sum()) / (2 * s * s)) for s in sigmas)

    def mean_k(x, y):  # V-statistic: every pair, i = j included
        return sum(k(x[i], y[j]) for i in range(len(x)) for j in range(len(y))) / (len(x) * len(y))

    direct = mean_k(a, a) + mean_k(b, b) - 2 * mean_k(a, b)
    assert domain.mmd2(a, b, sigmas).item() == pytest.approx(direct, rel=1e-5)
    assert direct > 0.01  # different distributions: clearly above zero
    assert abs(domain.mmd2(a, a.clone(), sigmas).item()) < 1e-6  # identical samples: 0 (biased estimator)


def test_the_shifts_do_what_they_say():
    x = torch.rand(4, 1, 28, 28, generator=torch.Generator().manual_seed(1))
    # 90° counter-clockwise about the centre maps pixel centres onto pixel centres: exactly torch.rot90
    assert torch.allclose(domain.rotate(x, 90), torch.rot90(x, 1, dims=(2, 3)), atol=1e-5)
    assert torch.allclose(domain.rotate(x, 0), x, atol=1e-5)
    assert torch.allclose(domain.shift(x, "rotated"), domain.rotate(x, domain.ANGLE))
    one = torch.zeros(1, 1, 28, 28)  # a pixel 10 rows above the centre (13.5, 13.5), as displayed
    one[0, 0, 3, 13] = one[0, 0, 3, 14] = 1.0
    ys, xs = torch.meshgrid(torch.arange(28.0), torch.arange(28.0), indexing="ij")
    r = domain.rotate(one, domain.ANGLE)[0, 0]
    cy, cx = float((r * ys).sum() / r.sum()), float((r * xs).sum() / r.sum())
    # counter-clockwise by 45°: up-and-left, 10.5·(sin 45°, cos 45°) from the centre ≈ (7.4 up, 7.4 left)
    assert cy == pytest.approx(13.5 - 10.5 * math.cos(math.pi / 4), abs=0.3)
    assert cx == pytest.approx(13.5 - 10.5 * math.sin(math.pi / 4), abs=0.6)
    assert torch.equal(domain.shift(x, "inverted"), 1 - x)
    noisy = domain.shift(x, "noisy", seed=3)
    assert torch.equal(noisy, domain.shift(x, "noisy", seed=3)) and noisy.min() >= 0 and noisy.max() <= 1
    assert not torch.equal(noisy, domain.shift(x, "noisy", seed=4))
    with pytest.raises(ValueError):
        domain.shift(x, "upside-down")


def _strip(res):
    return {k: v for k, v in res.items() if k != "seconds"}


def test_recording_is_deterministic_under_a_seed():
    first = domain.compare("noisy", 1.0, seeds=(5,), epochs=1, n_fit=128)
    assert _strip(first) == _strip(domain.compare("noisy", 1.0, seeds=(5,), epochs=1, n_fit=128))
    assert [r["weight"] for r in first["runs"]] == [0.0, 1.0] and set(first["pca"]) == {"before", "after"}


def test_committed_result_reproduces_and_its_captions_are_computed():
    stored = domain.committed("noisy", domain.WEIGHT)
    assert stored is not None, "run python -m train.transfer_domain"
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # recorded on one thread
    try:
        again = domain.compare("noisy", domain.WEIGHT, seeds=(0,))
    finally:
        torch.set_num_threads(threads)
    assert again["runs"] == stored["runs"][:2] and again["pca"] == stored["pca"]
    base, aligned = (stored["runs"][i]["target_acc"] for i in (0, 1))
    verdict = "helps here" if aligned > base else "does not help here"  # seed 0 alone, for the caption below
    one_seed = dict(stored, runs=stored["runs"][:2])
    assert verdict in domain.accuracy_caption(one_seed) and f"{aligned:.1%}" in domain.accuracy_caption(one_seed)
    worse = dict(one_seed, runs=[dict(one_seed["runs"][0], target_acc=0.5), dict(one_seed["runs"][1], target_acc=0.4)])
    assert "does not help here" in domain.accuracy_caption(worse) and "-10.0 points" in domain.accuracy_caption(worse)
    only_source = domain.committed("noisy", 0.0)  # λ = 0: the source-only half of the same recording
    assert [r["weight"] for r in only_source["runs"]] == [0.0] * len(domain.SEEDS) and set(only_source["pca"]) == {"before"}


def test_a_stop_keeps_the_finished_runs_and_the_captions_say_so():
    class Stopped(Exception):  # the kit's Stop, recognised by name
        pass

    snapshots = []

    def on_progress(fraction, partial):
        snapshots.append(partial)
        if len(snapshots) == 3:  # the empty start, then epoch 1 and 2 of the first (source-only) run
            raise Stopped

    res = domain.compare("inverted", 1.0, seeds=(0,), epochs=2, n_fit=64, on_progress=on_progress)
    assert res["stopped"] and res["runs"] == [] and snapshots[0]["runs"] == []
    assert [len(s["runs"][0]["curve"]) for s in snapshots[1:]] == [1, 2]  # the live run, one point per epoch
    assert domain.accuracy_caption(snapshots[2]).startswith("Stopped before the first run finished")
