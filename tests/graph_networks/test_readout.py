"""demos/graph_networks/readout.py: each aggregator against a loop over neighbours, readouts invariant
to node order, the verdicts of the WL intuition, the atlas task's labels."""
import networkx as nx
import torch

from demos.graph_networks import readout as ro


def test_aggregators_equal_a_loop_over_neighbours_and_readouts_ignore_node_order():
    g = nx.Graph([(0, 1), (0, 2), (0, 3), (1, 2)])
    g.add_node(4)  # isolated: mean and max of nothing are 0
    a, _, mask = ro.batch([g], "constant")
    h = torch.randn(1, 7, 3, generator=torch.Generator().manual_seed(0))
    for how, f in (("sum", lambda v: v.sum(0)), ("mean", lambda v: v.mean(0)), ("max", lambda v: v.max(0).values)):
        out = ro.aggregate(h, a, how)
        for i in range(5):
            nb = list(g.neighbors(i))
            want = f(h[0, nb]) if nb else torch.zeros(3)
            assert torch.allclose(out[0, i], want, atol=1e-6)
    params = ro.init(7, 0, torch.float64)
    a2, x2, m2 = ro.batch([g], "degree")
    perm = torch.tensor([3, 0, 4, 1, 2, 5, 6])  # relabel the five real nodes, padding stays last
    for how in ro.AGGREGATORS:
        v = ro.forward(params, a2, x2, m2, how, graph_vector=True)
        vp = ro.forward(params, a2[:, perm][:, :, perm], x2[:, perm], m2[:, perm], how, graph_vector=True)
        assert torch.allclose(v, vp)


def test_the_verdicts_follow_the_wl_intuition():
    # constant features: mean and max of identical neighbours are identical, sum counts them (2 vs 3 here)
    assert ro.verdicts("4-cycle vs complete graph K4", "constant") == {"1-WL test": True, "sum": True,
                                                                      "mean": False, "max": False}
    # every node of both has two neighbours of degree 2: 1-WL, hence every message-passing GNN, fails
    assert not any(ro.verdicts("6-cycle vs two triangles", "degree").values())
    assert all(ro.verdicts("star vs path (4 nodes)", "degree").values())
    assert "no method tells them apart" in ro.pair_caption("6-cycle vs two triangles", "constant")


def test_the_atlas_task_labels_and_a_short_race():
    graphs = (nx.star_graph(5), nx.path_graph(6), nx.complete_graph(3))
    assert ro.task_labels(graphs, ro.TASKS[0]).tolist() == [1, 0, 0]  # K1,5's centre has degree 5
    assert ro.task_labels(graphs, ro.TASKS[1]).tolist() == [1, 0, 1]  # diameters 2, 5, 1
    assert len(ro.atlas_graphs()) == 994  # connected graphs of 3-7 nodes: 2 + 6 + 21 + 112 + 853
    r = ro.race(ro.TASKS[0], "constant", 0, epochs=3)
    assert r.n_train + r.n_test == 994 and all(len(v) == 3 for v in r.test_accuracy.values())
    # with constant features a mean or max GNN gives every connected graph the same vector: one answer for all
    assert r.test_accuracy["mean"][-1] in (r.majority, 1 - r.majority)
    assert r.task.capitalize() in ro.race_caption(r)
