"""Dirichlet splits deal every digit once with the skew α asks for; FedAvg with one client and E = 1 is
plain SGD (torch.optim.SGD on torch.nn, same order); FedProx's pull keeps a client nearer the start."""
import numpy as np
import torch

from demos.distributed_learning import common, federated


def test_dirichlet_splits_partition_the_digits_with_the_skew_alpha_asks_for():
    y = common.digits()["y_fit"].numpy()
    for alpha in (0.1, 1000.0):
        parts = federated.dirichlet_split(y, 10, alpha, 0)
        joined = np.sort(np.concatenate(parts))
        assert np.array_equal(joined, np.arange(len(y)))  # every digit once, to one client
    iid = federated.dirichlet_split(y, 10, 1000.0, 0)
    # α = 1000: each class share q_k ~ Dir(1000·1) has std sqrt(0.1·0.9/10001) ≈ 0.003 around 1/10,
    # so every client holds ≈ 35 of each class's ≈ 350 digits (rounding adds at most 1)
    counts = np.array([[int((y[p] == c).sum()) for c in range(10)] for p in iid])
    class_sizes = np.bincount(y)
    assert np.abs(counts / class_sizes - 0.1).max() < 0.02
    skewed = federated.dirichlet_split(y, 10, 0.1, 0)
    top_share = np.mean([np.bincount(y[p], minlength=10).max() / max(len(p), 1) for p in skewed if len(p)])
    assert top_share > 0.4  # α = 0.1: a client's commonest class is a large part of it (IID: ≈ 0.1)
    assert "10% would be IID" in federated.histogram_caption(10, 0.1, 0)


def test_fedavg_with_one_client_and_one_epoch_is_plain_sgd():
    res = federated.run("FedAvg", 1, 1.0, 1, seed=4, rounds=1)
    data = common.digits()
    x, y = data["x_fit"], data["y_fit"]
    params = common.init_mlp(4)
    net = torch.nn.Sequential(torch.nn.Linear(784, common.HIDDEN), torch.nn.ReLU(), torch.nn.Linear(common.HIDDEN, 10))
    with torch.no_grad():
        net[0].weight.copy_(params[0].T), net[0].bias.copy_(params[1])
        net[2].weight.copy_(params[2].T), net[2].bias.copy_(params[3])
    opt = torch.optim.SGD(net.parameters(), lr=federated.LR)
    order = torch.randperm(len(y), generator=torch.Generator().manual_seed(4))  # the run's first shuffle
    for i in range(0, len(y), federated.BATCH):
        rows = order[i:i + federated.BATCH]
        opt.zero_grad()
        torch.nn.functional.cross_entropy(net(x[rows]), y[rows]).backward()
        opt.step()
    with torch.no_grad():
        acc = float((net(data["x_val"]).argmax(1) == data["y_val"]).float().mean())
    assert abs(res["acc"][-1] - acc) < 1e-9 and res["drift"][-1] < 1e-6  # one client: its model is the average


def test_fedprox_keeps_a_skewed_client_nearer_the_global_model():
    data = common.digits()
    y = data["y_fit"]
    rows = (y < 2).nonzero().flatten()[:200]  # a client with only 0s and 1s
    start = common.init_mlp(0)
    moved = {}
    for mu in (0.0, 1.0):
        local = federated.local_sgd(start, data["x_fit"][rows], y[rows], 2, 0.1, 32, mu, torch.Generator().manual_seed(0))
        moved[mu] = float((common.flat(local) - common.flat(start)).norm())
    assert moved[1.0] < moved[0.0]


def test_the_recorded_runs_cover_every_offered_setting():
    for c in federated.CLIENTS:
        for a in federated.ALPHAS:
            for e in federated.LOCAL_EPOCHS:
                runs = federated.recorded(int(c), a, int(e))
                assert runs is not None and all(len(runs[m]) == len(federated.SEEDS) for m in federated.METHODS)
    runs = federated.recorded(10, "0.1", 1)
    assert len(runs["FedAvg"][0]["acc"]) == federated.ROUNDS + 1
    text = federated.curves_caption(runs, 0.1, 1)
    final = np.mean([r["acc"][-1] for r in runs["Centralised"]])
    assert f"centralised {final:.1%}" in text
