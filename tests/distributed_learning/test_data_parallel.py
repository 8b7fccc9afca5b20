"""The hero's claim checked against an independent autograd computation: the size-weighted mean of
shard gradients is the full-batch gradient (the plain mean too when shards are equal, not otherwise)."""
import numpy as np
import torch

from demos.distributed_learning import common, data_parallel


def full_batch_gradient(workers, batch, seed):
    """The whole batch's gradient via torch.nn on the same weights and digits (independent of the demo)."""
    data = common.digits()
    rows = torch.randperm(len(data["y_fit"]), generator=torch.Generator().manual_seed(seed))[:batch]
    w1, b1, w2, b2 = [p.clone().requires_grad_(True) for p in common.init_mlp(seed)]
    logits = torch.nn.functional.linear(torch.relu(torch.nn.functional.linear(data["x_fit"][rows], w1.T, b1)), w2.T, b2)
    torch.nn.functional.cross_entropy(logits, data["y_fit"][rows]).backward()
    return torch.cat([p.grad.reshape(-1) for p in (w1, b1, w2, b2)]).numpy()


def test_equal_shards_average_to_the_full_batch_gradient():
    r = data_parallel.data_parallel_step(4, 128, 0.1, 0)
    assert r.sizes == [32] * 4 and r.equal_shards
    full = full_batch_gradient(4, 128, 0)
    # float32 sums of 128 terms in two orders: agreement to ~1e-7 of the largest coordinate, not exact
    assert np.abs(r.plain_mean - full).max() < 1e-6 * max(1.0, np.abs(full).max())
    assert np.abs(r.full - full).max() < 1e-7
    assert r.step_gap < 1e-7  # w − η·mean vs w − η·full with η = 0.1
    assert "(32 + 32 + 32 + 32)" in data_parallel.hero_caption(r)


def test_unequal_shards_need_weights():
    r = data_parallel.data_parallel_step(3, 100, 0.1, 0)
    assert r.sizes == [34, 33, 33] and not r.equal_shards
    full = full_batch_gradient(3, 100, 0)
    assert np.abs(r.weighted_mean - full).max() < 1e-6
    assert r.plain_gap > 1e-5  # (1/3)(g1+g2+g3) weights the 34-digit shard like the 33-digit ones
    assert "unequal" in data_parallel.hero_caption(r)
    # one worker: its gradient is the batch's gradient, bit for bit
    one = data_parallel.data_parallel_step(1, 64, 0.1, 5)
    assert np.array_equal(one.worker_grads[0], one.full)


def test_the_scaling_sweep_matches_its_record_and_an_epoch_is_ceil_n_over_b_steps():
    rec = data_parallel.recorded_scaling(0.1, 0)
    assert rec is not None and rec["batches"] == list(data_parallel.SCALING_BATCHES)
    assert data_parallel.recorded_scaling(0.2, 0) is None
    # one epoch with B = N is a single full-batch gradient step
    data = common.digits()
    x, y = data["x_fit"][:40], data["y_fit"][:40]
    p0 = common.init_mlp(1)
    stepped = data_parallel.train_epochs(p0, x, y, 40, 0.5, 1, 0)
    _, g = common.loss_and_grads(p0, x, y)
    assert all(torch.allclose(s, p - 0.5 * gr, atol=1e-6) for s, p, gr in zip(stepped, p0, g))
    assert "B = 1024" in data_parallel.scaling_caption(rec)
