"""demos/graph_networks/depth.py: the Dirichlet energy against its pairwise formula, 0 on the smoothest
signal, falling under repeated propagation; the deep GCN trains and the captions read the sweep."""
import numpy as np
import torch

from demos.graph_networks import depth, karate


def test_the_energy_is_the_pairwise_sum_and_vanishes_on_the_smoothest_signal():
    a = karate.adjacency().double()
    a_hat, at = karate.normalised_adjacency(karate.adjacency()), a + torch.eye(34, dtype=torch.float64)
    d = at.sum(1)
    h = torch.randn(34, 3, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    g = h / d.sqrt()[:, None]
    # ½ Σ_ij Ã_ij ‖h_i/√d̃_i − h_j/√d̃_j‖² over ‖H‖²
    pairwise = 0.5 * float((at * ((g[:, None, :] - g[None, :, :]) ** 2).sum(2)).sum()) / float((h * h).sum())
    assert np.isclose(depth.dirichlet_energy(h, a_hat), pairwise)
    smooth = d.sqrt()[:, None].repeat(1, 2)  # Â's eigenvector of eigenvalue 1
    assert abs(depth.dirichlet_energy(smooth, a_hat)) < 1e-6  # Â is float32: 0 up to rounding
    assert 0 <= depth.dirichlet_energy(h, a_hat) < 2


def test_propagation_smooths_towards_zero_energy():
    a_hat = karate.normalised_adjacency(karate.adjacency())
    e = depth.propagation_energy(karate.node_features("one-hot"), a_hat, (1, 2, 10, 40))
    assert e[-1] < e[2] < e[0] and e[-1] < 1e-3


def test_a_deep_gcn_trains_deterministically_and_the_captions_read_the_sweep():
    out1, acc1 = depth.train_deep(3, "one-hot", 30, 0.01, 0)
    out2, acc2 = depth.train_deep(3, "one-hot", 30, 0.01, 0)
    assert torch.equal(out1, out2) and acc1 == acc2 and out1.shape == (34, 2)
    s = depth.Sweep((1, 2), [0.5, 0.9], [0.3, 0.1], [0.4, 0.2], [np.zeros((34, 2)), np.ones((34, 2))])
    assert "scores best with 2 layers (90%)" in depth.sweep_caption(s)
    assert "lie on average 0 from" in depth.output_caption(s, 2)


def test_the_committed_sweep_is_the_live_one_at_the_pages_defaults(tmp_path):
    from demos.graph_networks.lesson import DEFAULTS
    settings = (DEFAULTS["features"], int(DEFAULTS["epochs"]), float(DEFAULTS["lr"]), int(DEFAULTS["seed"]))
    s = depth.committed_sweep(*settings)
    assert s is not None and s.depths == depth.DEPTHS  # the Depth tab's first view reads no training
    for d in (1, 4):  # two depths retrained here (the whole sweep is the tab's live run)
        out, acc = depth.train_deep(d, *settings)
        assert np.allclose(s.outputs[d - 1], out.numpy(), atol=1e-5) and s.accuracy[d - 1] == acc
    assert depth.committed_sweep(settings[0], settings[1], settings[2], settings[3] + 1) is None  # another seed: live
    depth.save_sweep(s, settings, tmp_path / "sweep.json")  # and the file round-trips
    again = depth.committed_sweep(*settings, path=tmp_path / "sweep.json")
    assert again.accuracy == s.accuracy and all(np.array_equal(a, b) for a, b in zip(again.outputs, s.outputs))
