"""The walkthrough: values fill in forward and gradients backward, frame by frame; the player has one
frame per step; its caption and height follow the graph and the learning rate."""
import numpy as np
import pytest

from demos.backprop import engine, expressions, network, walkthrough
from demos.text import num

pytestmark = pytest.mark.filterwarnings("ignore")


def test_the_walkthrough_fills_values_forward_and_gradients_backward():
    g = network.network_graph(hidden=3)
    frames = walkthrough.walkthrough(g, 0.5)
    ops = [i for i, n in enumerate(g.nodes) if n.inputs]
    assert [f.phase for f in frames] == ["start"] + ["forward"] * len(ops) + ["backward"] * (len(ops) + 1) + ["update"]
    for k, i in enumerate(ops, 1):  # forward frame k reveals exactly node ops[k-1], in topological order
        known = np.isfinite(frames[k].values)
        assert known[i] and not known[ops[k:]].any() and frames[k].active == i
    done = frames[walkthrough.frame_index(frames, "backward")]
    for i, n in enumerate(g.nodes):
        if n.op != "const":
            assert done.grads[i] == pytest.approx(n.grad, rel=1e-12)
    assert frames[-1].values[-1] == pytest.approx(engine.gradient_step(g, 0.5).nodes[-1].value)
    assert sum("gradients add" in f.narration and "∂L/∂x1 +=" in f.narration for f in frames) == 2  # 3 readers


def test_the_graph_figure_is_a_client_side_player_with_one_frame_per_step():
    g = network.network_graph()
    frames = walkthrough.walkthrough(g, 0.5)
    fig = walkthrough.graph_figure(g, frames, start=walkthrough.frame_index(frames, "forward"))
    assert len(fig.frames) == len(frames) == 17
    assert fig.layout.sliders[0].active == 7
    assert walkthrough.narration_of(fig.frames[3].data[-1].text, g).startswith("Forward 3/7: z2 = w21·x1 + w22·x2 + b2")


@pytest.mark.parametrize("graph", [lambda: network.network_graph(), lambda: network.network_graph(hidden=3),
                                   lambda: expressions.expression_graph("x*y + x*z + y*z", {"x": 1.0, "y": 2.0, "z": 3.0})])
def test_edge_labels_of_one_frame_never_overlap(graph):
    # the issue: labels of edges into one node were drawn on top of each other
    g = graph()
    frames = walkthrough.walkthrough(g, 0.5)
    fig = walkthrough.graph_figure(g, frames)
    n = len(g.nodes) + 1  # one text per node, then the narration, then the edge labels
    for frame in fig.frames:
        texts = frame.data[-1]
        spots = list(zip(texts.x[n:], texts.y[n:]))
        for a in range(len(spots)):
            for b in range(a):
                assert (abs(spots[a][0] - spots[b][0]) >= walkthrough.LABEL_W
                        or abs(spots[a][1] - spots[b][1]) >= walkthrough.LABEL_H), frame.name
    assert walkthrough.label_spot(1.0, 2.0, [(1.2, 2.1)]) == (1.0, 2.0 - walkthrough.LABEL_H - 0.05)
    assert walkthrough.label_spot(3.0, 2.0, [(1.2, 2.1)]) == (3.0, 2.0)


@pytest.mark.parametrize("lr", [0.01, 0.5, 2.0])
@pytest.mark.parametrize("x1, hidden", [(1.0, 2), (-1.5, 3)])
def test_the_caption_counts_the_operations_and_states_the_output_before_and_after_one_step(lr, x1, hidden):
    g = network.network_graph((x1, 0.5), hidden=hidden)
    n_ops = 2 * hidden + 3  # per hidden unit z and h, then z, ŷ and L
    caption = walkthrough.graph_caption(g, lr)
    assert caption.startswith(f"{n_ops} operations forward, then the same {n_ops} backward")
    assert f"L = {num(g.nodes[-1].value)}; one step with η = {lr:g} makes it " \
           f"{num(engine.gradient_step(g, lr).nodes[-1].value)}." in caption


def test_the_caption_says_when_the_step_fails():
    g = expressions.expression_graph("log(a)", {"a": 0.1})  # η = 1.2 steps a to 0.1 − 12 < 0
    caption = walkthrough.graph_caption(g, 1.2)
    assert caption.startswith("1 operations forward") and f"f = {num(g.nodes[-1].value)}" in caption
    assert "one step with η = 1.2 fails: log needs a positive number" in caption


def test_the_player_fits_a_slide_and_is_taller_for_a_big_graph():
    small, big = network.network_graph(hidden=2), expressions.expression_graph("+".join(["a"] * 25), {"a": 1.0})
    assert len(small.nodes) <= 20 < len(big.nodes)
    assert [walkthrough.graph_height(g, False) for g in (small, big)] == [520, 600]
    assert walkthrough.graph_height(big, True) == 450  # 60 % of a 720 px slide is 432


def test_text_scale_enlarges_nodes_and_every_text_together():
    g = network.network_graph(hidden=2)
    frames = walkthrough.walkthrough(g, 0.5)
    plain, big = (walkthrough.graph_figure(g, frames, text_scale=k) for k in (1.0, 1.25))
    node = [min(s for s in f.data[2].marker.size if s) for f in (plain, big)]  # 0: the text-only markers
    assert node == [32, 40]  # round(32 * 1.25)
    assert (plain.data[3].textfont.size, big.data[3].textfont.size) == (12, 15)
    sizes = [f.data[1].textfont.size for f in (plain.frames[0], big.frames[0])]  # trace 2 in each frame
    assert [round(a * 1.25) for a in sizes[0]] == list(sizes[1])


def test_wrap_keeps_every_word_and_the_line_width():
    text = " ".join(f"word{k}" for k in range(60))
    lines = walkthrough.wrap(text, 50).split("<br>")
    assert " ".join(lines) == text and max(map(len, lines)) <= 50 and len(lines) > 1
