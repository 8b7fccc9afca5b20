"""The scalar graph engine against hand-derived gradients and its own invariants (accumulation, an
untouched original after a step), and what the page says about the three-way check."""
import math

import pytest

from demos.backprop import engine, expressions, network

pytestmark = pytest.mark.filterwarnings("ignore")


def test_a_variable_read_twice_collects_both_gradients():
    # f = a·b + a at a = 2, b = 3: ∂f/∂a = b + 1 = 4 (one path through ×, one straight to +), ∂f/∂b = a = 2.
    # A backward pass that overwrote instead of adding (micrograd's famous bug) would give 1 or 3.
    g = expressions.expression_graph("a*b + a", {"a": 2.0, "b": 3.0})
    grads = dict(zip(engine.check_gradients(g).names, engine.check_gradients(g).backprop))
    assert grads == {"a": 4.0, "b": 2.0}
    assert g.nodes[-1].value == 8.0


def test_hand_derived_single_neuron():
    # f = sigmoid(w·x + b) at w = 0.5, x = 2, b = -1: z = 0, s = 1/2, s' = s(1 − s) = 1/4,
    # so ∂f/∂w = x/4 = 0.5, ∂f/∂x = w/4 = 0.125, ∂f/∂b = 1/4.
    g = expressions.expression_graph("sigmoid(w*x + b)", {"w": 0.5, "x": 2.0, "b": -1.0})
    c = engine.check_gradients(g)
    assert dict(zip(c.names, c.backprop)) == pytest.approx({"w": 0.5, "x": 0.125, "b": 0.25}, rel=1e-12)


def test_a_gradient_step_lowers_the_loss_and_moves_parameters_against_the_gradient():
    g = network.network_graph()
    new = engine.gradient_step(g, 0.1)
    for i in g.params:
        assert new.nodes[i].value == pytest.approx(g.nodes[i].value - 0.1 * g.nodes[i].grad)
    assert new.nodes[-1].value < g.nodes[-1].value
    assert g.nodes[-1].value == pytest.approx(network.network_graph().nodes[-1].value)  # the original is untouched


def test_a_step_out_of_the_domain_and_a_difference_across_its_edge_are_reported():
    from demos.backprop import walkthrough

    g = expressions.expression_graph("log(a)", {"a": 0.1})  # ∂/∂a = 10: a step with η = 1 lands at a = −9.9
    assert engine.safe_step(g, 1.0)[0] is None and "positive" in engine.safe_step(g, 1.0)[1]
    assert "fails" in walkthrough.walkthrough(g, 1.0)[-1].narration
    c = engine.check_gradients(expressions.expression_graph("sqrt(a)", {"a": 5e-7}))  # a − h < 0: no central difference
    agree, sentence = engine.check_note(c)
    assert not agree and "leaves a function's domain" in sentence and c.backprop[0] == pytest.approx(0.5 / 5e-7 ** 0.5)


def test_a_kink_within_h_is_reported_not_hidden():
    # relu(a) at a = 0: backprop and autograd use slope 0, the central difference straddles the kink: 1/2.
    c = engine.check_gradients(expressions.expression_graph("relu(a)", {"a": 0.0}))
    assert c.backprop[0] == 0 and c.autograd[0] == 0 and c.finite_diff[0] == pytest.approx(0.5)
    assert c.rel_finite_diff.max() > 1e-4
    agree, sentence = engine.check_note(c)
    assert not agree and "kink" in sentence and sentence.startswith("The gradients of a differ")


def test_the_check_note_counts_the_gradients_when_all_agree():
    agree, note = engine.check_note(engine.check_gradients(network.network_graph()))
    assert agree and note.startswith("All 9 gradients equal PyTorch autograd")  # 2 hidden units: 4 w, 2 b, 2 v, c
    agree, note = engine.check_note(engine.check_gradients(expressions.expression_graph("a*a", {"a": 3.0})))
    assert agree and note.startswith("The gradient equals PyTorch autograd")


@pytest.mark.parametrize("lr", [0.5, 2.0])
def test_the_table_holds_each_gradient_three_ways_and_the_value_after_one_step(lr):
    g = network.network_graph(hidden=3, seed=4)
    c = engine.check_gradients(g)
    table = engine.check_table(c, g, lr)
    assert list(table) == ["parameter", "value", "backprop", "PyTorch autograd", "central difference",
                           f"after one step (η = {lr:g})"]
    assert list(table["parameter"]) == c.names and len(c.names) == 13  # 6 w, 3 b, 3 v, c
    after = table[f"after one step (η = {lr:g})"]
    assert after == pytest.approx([v - lr * d for v, d in zip(c.values, c.backprop)], rel=1e-12)


def test_the_table_shows_nan_where_the_step_leaves_the_domain():
    g = expressions.expression_graph("log(a)", {"a": 0.1})
    table = engine.check_table(engine.check_gradients(g), g, 1.0)
    assert math.isnan(table["after one step (η = 1)"][0])
