"""demos/graph_networks/node_classification.py: the GCN layer against the dense formula, permutation
equivariance, label propagation against its iteration, determinism under a seed."""
import numpy as np
import torch

from demos.graph_networks import karate, node_classification as nc


def test_the_gcn_layer_equals_the_dense_formula():
    a = karate.adjacency().double().numpy()
    d = (a + np.eye(34)).sum(1)  # degrees with self-loops
    a_hat = np.diag(d ** -0.5) @ (a + np.eye(34)) @ np.diag(d ** -0.5)
    g = torch.Generator().manual_seed(0)
    h, w = torch.randn(34, 5, generator=g, dtype=torch.float64), torch.randn(5, 3, generator=g, dtype=torch.float64)
    out = nc.gcn_layer(karate.normalised_adjacency(karate.adjacency()).double(), h, w)
    assert np.allclose(out.numpy(), a_hat @ h.numpy() @ w.numpy())


def test_the_gcn_is_permutation_equivariant():
    # relabel the nodes by P: Â -> P Â Pᵀ and X -> P X must give P times the output
    params = nc.init_params([34, 8, 2, 2], torch.Generator().manual_seed(1))
    a_hat, x = karate.normalised_adjacency(karate.adjacency()), karate.node_features("random", 0)
    perm = torch.randperm(34, generator=torch.Generator().manual_seed(2))
    with torch.no_grad():
        out = nc.logits(params, a_hat, x)
        permuted = nc.logits(params, a_hat[perm][:, perm], x[perm])
    assert torch.allclose(permuted, out[perm], atol=1e-5)
    assert not torch.allclose(out[perm], out, atol=1e-3)  # the permutation does move the rows


def test_label_propagation_is_its_closed_form_and_the_limit_of_its_iteration():
    a, y = karate.adjacency(), karate.factions()
    members = karate.labelled_members()
    f = nc.label_propagation(a, members, y, alpha=0.9)
    s = karate.normalised_adjacency(a, self_loops=False).double().numpy()
    y0 = np.zeros((34, 2))
    y0[list(members), y[list(members)].numpy()] = 1
    assert np.allclose(f.numpy(), np.linalg.inv(np.eye(34) - 0.9 * s) @ y0)
    it = y0.copy()
    for _ in range(600):  # F <- αSF + Y: the error shrinks by at least α = 0.9 per step (ρ(S) ≤ 1)
        it = 0.9 * s @ it + y0
    assert np.allclose(it, f.numpy(), atol=1e-8)


def test_training_is_deterministic_under_a_seed_and_the_gcn_beats_the_mlp_by_default():
    r1, r2 = nc.record("one-hot", 200, 0.01, 0), nc.record("one-hot", 200, 0.01, 0)
    assert np.array_equal(r1.frames["embedding"], r2.frames["embedding"]) and r1.n_frames == 60
    assert np.array_equal(r1.steps[[0, -1]], [0, 200])
    labelled = np.zeros(34, bool)
    labelled[list(karate.labelled_members())] = True
    truth = karate.factions().numpy()
    acc = (r1.frame(-1)["pred"][~labelled] == truth[~labelled]).mean()
    assert np.isclose(acc, r1.curves["accuracy"][-1])  # the curve's last point is the last frame's accuracy
    # one-hot features tell the MLP nothing about unlabelled members: it cannot beat the GCN, which reads edges
    assert acc >= 0.8 and acc > r1.meta["mlp_accuracy"]
    stored = nc.committed_record("one-hot", 200, 0.01, 0)  # the committed first view is this very run
    assert np.array_equal(stored.frames["embedding"], r1.frames["embedding"]) and stored.meta["labelled"] == (0, 2, 32, 33)
    assert np.array_equal(stored.meta["lp_pred"], r1.meta["lp_pred"]) and nc.committed_record("degree", 200, 0.01, 0) is None
    assert not np.array_equal(nc.record("one-hot", 20, 0.01, 1).frames["embedding"][-1], r1.frames["embedding"][10])
