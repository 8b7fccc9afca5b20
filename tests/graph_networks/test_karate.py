"""demos/graph_networks/karate.py: the club's data and Â = D^-½ (A + I) D^-½ against hand computation."""
import math

import networkx as nx
import torch

from demos.graph_networks import karate


def test_the_club_is_zacharys_graph_with_its_two_factions():
    a, y = karate.adjacency(), karate.factions()
    assert a.shape == (34, 34) and torch.equal(a, a.T) and int(a.sum()) == 2 * 78 and not a.diagonal().any()
    assert int((y == 0).sum()) == 17 and int((y == 1).sum()) == 17  # networkx's 'club': 17 and 17
    # the two best-connected of each side: Mr. Hi's 0 (deg 16) and 2 (deg 10); the officer's 33 (17) and 32 (12)
    assert karate.labelled_members() == (0, 2, 32, 33)
    assert y[0] == 0 and y[33] == 1


def test_normalisation_matches_a_hand_computed_four_node_graph():
    # edges 0-1, 0-2, 0-3, 1-2: degrees 3, 2, 2, 1, plus the self-loop: d̃ = 4, 3, 3, 2
    a = torch.zeros(4, 4)
    for i, j in [(0, 1), (0, 2), (0, 3), (1, 2)]:
        a[i, j] = a[j, i] = 1
    s = lambda v: 1 / math.sqrt(v)  # noqa: E731
    expected = torch.tensor([[1 / 4, s(12), s(12), s(8)],
                             [s(12), 1 / 3, 1 / 3, 0],
                             [s(12), 1 / 3, 1 / 3, 0],
                             [s(8), 0, 0, 1 / 2]])
    assert torch.allclose(karate.normalised_adjacency(a), expected)
    # without self-loops (label propagation's S): degrees 3, 2, 2, 1
    assert math.isclose(float(karate.normalised_adjacency(a, self_loops=False)[0, 3]), 1 / math.sqrt(3), rel_tol=1e-6)
    assert torch.equal(karate.normalised_adjacency(torch.zeros(2, 2), self_loops=False), torch.zeros(2, 2))


def test_features_have_their_documented_shapes_and_the_random_ones_follow_the_seed():
    assert torch.equal(karate.node_features("one-hot"), torch.eye(34))
    deg = karate.node_features("degree")
    assert tuple(deg.shape) == (34, 1) and float(deg.max()) == 1.0 and math.isclose(float(deg[0, 0]), 16 / 17, rel_tol=1e-6)
    assert torch.equal(karate.node_features("random", 3), karate.node_features("random", 3))
    assert not torch.equal(karate.node_features("random", 3), karate.node_features("random", 4))
    assert nx.is_connected(karate.graph()) and karate.positions().shape == (34, 2)
