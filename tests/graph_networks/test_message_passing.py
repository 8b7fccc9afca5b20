"""demos/graph_networks/message_passing.py: the printed sum is a row of Â x; receptive fields equal
networkx's k-hop neighbourhoods; a click lands on the member drawn there."""
import networkx as nx

from demos.graph_networks import karate, message_passing as mp


def test_the_printed_terms_sum_to_row_i_of_a_hat_times_the_degrees():
    a_hat, deg = karate.normalised_adjacency(karate.adjacency()), karate.adjacency().sum(1)
    for member in (0, 11, 33):
        terms = mp.aggregation_terms(member)
        assert [t[0] for t in terms] == sorted([member] + list(karate.graph().neighbors(member)))
        assert abs(sum(t[4] for t in terms) - float((a_hat @ deg)[member])) < 1e-5
    # member 11 has one friend, member 0 (degree 16): Â_11,0 = 1/√(2·17), Â_11,11 = 1/2
    assert abs(mp.aggregation_terms(11)[0][2] - 1 / (2 * 17) ** 0.5) < 1e-6
    assert mp.aggregation_formula(11).endswith(f"= {16 / 34 ** 0.5 + 0.5:.3f}")


def test_the_receptive_field_is_the_k_hop_neighbourhood():
    for member, k in ((0, 1), (11, 2), (26, 3)):
        hops = nx.single_source_shortest_path_length(karate.graph(), member, cutoff=k)
        assert mp.receptive_field(member, k) == len(hops)
        assert (mp.hops(member) <= k).sum() == len(hops)
    assert "17 after 1 layer" in mp.neighbourhood_caption(0, 2)  # 16 friends + itself


def test_a_click_picks_the_member_drawn_there_and_captions_follow_the_member():
    x, y = karate.positions()[5]
    assert mp.clicked_member({"x": x, "y": y}) == 5 and mp.clicked_member({"x": 9, "y": 9}) is None
    assert mp.clicked_member({}) is None
    assert mp.adjacency_caption(0) != mp.adjacency_caption(33)
    fig = mp.adjacency_figure(4)
    assert fig.layout.shapes[0].y0 == 3.5
