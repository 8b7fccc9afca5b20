"""Backpropagation and gradient flow against independent references: PyTorch autograd on the same
functions written here with torch ops, central differences, hand-derived gradients, torch.nn.init's
variances, torch's own clipping; invariants (symmetry, accumulation, determinism); a corpus of
hostile expressions; and the page driven through AppTest."""
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from conftest import captions, open_page, plotly_specs
from demos import backprop as bp
from demos import gradient_flow as gf

pytestmark = pytest.mark.filterwarnings("ignore")
PAGE = "pages/08_backprop.py"


# ---------------------------------------------------------------- the scalar graph engine
def test_a_variable_read_twice_collects_both_gradients():
    # f = a·b + a at a = 2, b = 3: ∂f/∂a = b + 1 = 4 (one path through ×, one straight to +), ∂f/∂b = a = 2.
    # A backward pass that overwrote instead of adding (micrograd's famous bug) would give 1 or 3.
    g = bp.expression_graph("a*b + a", {"a": 2.0, "b": 3.0})
    grads = dict(zip(bp.check_gradients(g).names, bp.check_gradients(g).backprop))
    assert grads == {"a": 4.0, "b": 2.0}
    assert g.nodes[-1].value == 8.0


def test_hand_derived_single_neuron():
    # f = sigmoid(w·x + b) at w = 0.5, x = 2, b = -1: z = 0, s = 1/2, s' = s(1 − s) = 1/4,
    # so ∂f/∂w = x/4 = 0.5, ∂f/∂x = w/4 = 0.125, ∂f/∂b = 1/4.
    g = bp.expression_graph("sigmoid(w*x + b)", {"w": 0.5, "x": 2.0, "b": -1.0})
    c = bp.check_gradients(g)
    assert dict(zip(c.names, c.backprop)) == pytest.approx({"w": 0.5, "x": 0.125, "b": 0.25}, rel=1e-12)


GOOD = [  # expression, values, the same function written independently with torch ops
    ("tanh(a*b + c) * a", {"a": 2.0, "b": -0.5, "c": 0.3}, lambda a, b, c: torch.tanh(a * b + c) * a),
    ("exp(-a**2) / (1 + b*b)", {"a": 0.7, "b": 1.3}, lambda a, b: torch.exp(-a ** 2) / (1 + b * b)),
    ("log(a) * sqrt(b) - sin(a*b)", {"a": 1.5, "b": 2.2}, lambda a, b: torch.log(a) * torch.sqrt(b) - torch.sin(a * b)),
    ("a ** b + cos(b) / a", {"a": 1.7, "b": 0.6}, lambda a, b: a ** b + torch.cos(b) / a),
    ("relu(a - b) + abs(b) * sigmoid(-a)", {"a": 0.9, "b": -0.4},
     lambda a, b: torch.relu(a - b) + torch.abs(b) * torch.sigmoid(-a)),
    ("(x1*w1 + x2*w2 + b - y)**2 / 2", {"x1": 1.0, "x2": -2.0, "w1": 0.3, "w2": 0.8, "b": 0.1, "y": 0.5},
     lambda x1, x2, w1, w2, b, y: (x1 * w1 + x2 * w2 + b - y) ** 2 / 2),
    ("+a - -b", {"a": 1.0, "b": 2.0}, lambda a, b: a + b),
]


@pytest.mark.parametrize("expression, values, reference", GOOD, ids=[g[0] for g in GOOD])
def test_expression_gradients_equal_autograd_and_central_differences(expression, values, reference):
    g = bp.expression_graph(expression, values)
    c = bp.check_gradients(g)
    leaves = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in values.items()}
    out = reference(*leaves.values())
    assert g.nodes[-1].value == pytest.approx(out.item(), rel=1e-12)
    expected = dict(zip(leaves, torch.autograd.grad(out, list(leaves.values()))))
    for name, ours, fd in zip(c.names, c.backprop, c.finite_diff):
        assert ours == pytest.approx(expected[name].item(), rel=1e-10, abs=1e-12)
        assert ours == pytest.approx(fd, rel=1e-4, abs=1e-8)
    assert c.rel_autograd.max() < 1e-10  # the page's own autograd route agrees too


@pytest.mark.parametrize("activation", bp.NETWORK_ACTIVATIONS)
@pytest.mark.parametrize("loss", list(bp.LOSSES))
@pytest.mark.parametrize("hidden, seed", [(2, 0), (3, 1), (3, 7)])
def test_network_gradients_equal_an_nn_module_and_central_differences(activation, loss, hidden, seed):
    g = bp.network_graph((0.8, -1.3), 0.25, hidden, activation, loss, seed)
    c = bp.check_gradients(g)
    p = dict(zip(c.names, c.values))  # the same network as nn.Linear layers, built here from the values
    l1, l2 = torch.nn.Linear(2, hidden).double(), torch.nn.Linear(hidden, 1).double()
    with torch.no_grad():
        l1.weight.copy_(torch.tensor([[p[f"w{j}1"], p[f"w{j}2"]] for j in range(1, hidden + 1)]))
        l1.bias.copy_(torch.tensor([p[f"b{j}"] for j in range(1, hidden + 1)]))
        l2.weight.copy_(torch.tensor([[p[f"v{j}"] for j in range(1, hidden + 1)]]))
        l2.bias.fill_(p["c"])
    act = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu}[activation]
    y_hat = torch.sigmoid(l2(act(l1(torch.tensor([0.8, -1.3], dtype=torch.float64)))))
    target = torch.tensor([0.25], dtype=torch.float64)
    out = 0.5 * ((y_hat - target) ** 2).sum() if loss == "sqerr" else F.binary_cross_entropy(y_hat, target)
    out.backward()
    ref = {f"w{j}{i}": l1.weight.grad[j - 1, i - 1].item() for j in range(1, hidden + 1) for i in (1, 2)}
    ref |= {f"b{j}": l1.bias.grad[j - 1].item() for j in range(1, hidden + 1)}
    ref |= {f"v{j}": l2.weight.grad[0, j - 1].item() for j in range(1, hidden + 1)} | {"c": l2.bias.grad.item()}
    assert g.nodes[-1].value == pytest.approx(out.item(), rel=1e-12)
    for name, ours, fd in zip(c.names, c.backprop, c.finite_diff):
        assert ours == pytest.approx(ref[name], rel=1e-10, abs=1e-14)
        if abs(fd) > 1e-7:  # a dead ReLU unit has exactly zero gradient, and so has its difference
            assert ours == pytest.approx(fd, rel=1e-4)
        else:
            assert abs(ours) < 1e-7


def test_a_gradient_step_lowers_the_loss_and_moves_parameters_against_the_gradient():
    g = bp.network_graph()
    new = bp.gradient_step(g, 0.1)
    for i in g.params:
        assert new.nodes[i].value == pytest.approx(g.nodes[i].value - 0.1 * g.nodes[i].grad)
    assert new.nodes[-1].value < g.nodes[-1].value
    assert g.nodes[-1].value == pytest.approx(bp.network_graph().nodes[-1].value)  # the original is untouched


def test_the_walkthrough_fills_values_forward_and_gradients_backward():
    g = bp.network_graph(hidden=3)
    frames = bp.walkthrough(g, 0.5)
    ops = [i for i, n in enumerate(g.nodes) if n.inputs]
    assert [f.phase for f in frames] == ["start"] + ["forward"] * len(ops) + ["backward"] * (len(ops) + 1) + ["update"]
    for k, i in enumerate(ops, 1):  # forward frame k reveals exactly node ops[k-1], in topological order
        known = np.isfinite(frames[k].values)
        assert known[i] and not known[ops[k:]].any() and frames[k].active == i
    done = frames[bp.frame_index(frames, "backward")]
    for i, n in enumerate(g.nodes):
        if n.op != "const":
            assert done.grads[i] == pytest.approx(n.grad, rel=1e-12)
    assert frames[-1].values[-1] == pytest.approx(bp.gradient_step(g, 0.5).nodes[-1].value)
    assert sum("gradients add" in f.narration and "∂L/∂x1 +=" in f.narration for f in frames) == 2  # 3 readers


def test_the_graph_figure_is_a_client_side_player_with_one_frame_per_step():
    g = bp.network_graph()
    frames = bp.walkthrough(g, 0.5)
    fig = bp.graph_figure(g, frames, start=bp.frame_index(frames, "forward"))
    assert len(fig.frames) == len(frames) == 17
    assert fig.layout.sliders[0].active == 7
    assert bp.narration_of(fig.frames[3].data[-1].text, g).startswith("Forward 3/7: z2 = w21·x1 + w22·x2 + b2")


# ---------------------------------------------------------------- hostile input, never evaluated
BAD_EXPRESSIONS = [  # expression, values, a word the message must contain
    ("", {}, "type an expression"),
    ("   ", {}, "type an expression"),
    ("__import__('os').system('echo pwned')", {}, "not an allowed function"),
    ("a.__class__", {"a": 1}, "attribute"),
    ("a[0]", {"a": 1}, "indexing"),
    ("lambda: a", {"a": 1}, "lambda"),
    ("a if a else a", {"a": 1}, "if"),
    ("a and a", {"a": 1}, "and"),
    ("a < 2", {"a": 1}, "comparison"),
    ("(a := 2)", {}, ":="),
    ("a ^ 2", {"a": 1}, "**"),
    ("a // 2", {"a": 1}, "//"),
    ("a % 2", {"a": 1}, "%"),
    ("a @ a", {"a": 1}, "@"),
    ("not a", {"a": 1}, "not"),
    ("~a", {"a": 1}, "~"),
    ("'text'", {}, "real numbers"),
    ("True * a", {"a": 1}, "real numbers"),
    ("2j * a", {"a": 1}, "real numbers"),
    ("[a, a]", {"a": 1}, "list"),
    ("f'{a}'", {"a": 1}, "f-string"),
    ("a; a", {"a": 1}, "not a valid expression"),
    ("import os", {}, "not a valid expression"),
    ("a +", {"a": 1}, "not a valid expression"),
    ("a\x00", {"a": 1}, "not a valid expression"),
    ("exp(a, a)", {"a": 1}, "exactly one argument"),
    ("exp()", {}, "exactly one argument"),
    ("exp(x=a)", {"a": 1}, "exactly one argument"),
    ("exp(*a)", {"a": 1}, "exactly one argument"),
    ("exp", {}, "is a function"),
    ("foo(a)", {"a": 1}, "not an allowed function"),
    ("(a)(a)", {"a": 1}, "not an allowed function"),
    ("q * 2", {"a": 1}, "has no value"),
    ("α * 2", {}, "not a variable name"),
    ("a" * 20, {}, "not a variable name"),
    ("2 + 3", {}, "no variables"),
    ("1e999 * a", {"a": 1}, "outside"),
    ("9" * 190 + " * a", {"a": 1}, "outside"),
    ("(" * 150 + "a" + ")" * 150, {"a": 1}, "characters"),
    ("+".join(["a"] * 45), {"a": 1}, "nodes"),
    ("log(a)", {"a": -1.0}, "positive"),
    ("sqrt(a)", {"a": 0.0}, "infinite"),
    ("1 / (a - a)", {"a": 3.0}, "division by zero"),
    ("exp(1000 * a)", {"a": 1.0}, "overflow"),
    ("a ** 0.5", {"a": -1.0}, "not real"),
    ("(0 - 2) ** a", {"a": 1.0}, "positive base"),
    ("a ** -1", {"a": 0.0}, "infinite"),
]


@pytest.mark.parametrize("expression, values, word", BAD_EXPRESSIONS, ids=[repr(b[0])[:40] for b in BAD_EXPRESSIONS])
def test_every_bad_expression_gets_a_clear_message(expression, values, word, monkeypatch):
    import builtins

    def refuse(*_args, **_kwargs):
        raise AssertionError("user text reached eval/exec")

    monkeypatch.setattr(builtins, "eval", refuse)
    monkeypatch.setattr(builtins, "exec", refuse)
    with pytest.raises(bp.GraphError) as err:
        bp.expression_graph(expression, values)
    assert word in str(err.value), str(err.value)


BAD_VALUES = [("a", "name = number"), ("a =", "not a plain number"), ("= 2", "not a variable name"),
              ("a = 2, a = 3", "twice"), ("a = nan", "not a plain number"), ("a = inf", "not a plain number"),
              ("a = 1e999", "outside"), ("a = 2e7", "outside"), ("exp = 1", "not a variable name"),
              ("1a = 2", "not a variable name"), ("a = 0x10", "not a plain number"), ("a = 1_000", "not a plain number"),
              ("a = __import__('os')", "not a plain number"), ("a = (1)", "not a plain number")]


@pytest.mark.parametrize("text, word", BAD_VALUES, ids=[b[0] for b in BAD_VALUES])
def test_every_bad_value_list_gets_a_clear_message(text, word):
    with pytest.raises(bp.GraphError) as err:
        bp.parse_values(text)
    assert word in str(err.value), str(err.value)


def test_good_value_lists_parse():
    assert bp.parse_values("a = 2, b=-3.5; c=1e-2\n d = .5 ,") == {"a": 2.0, "b": -3.5, "c": 0.01, "d": 0.5}


def test_the_module_never_calls_eval_exec_or_compile():
    import ast
    import inspect
    calls = {n.func.id for n in ast.walk(ast.parse(inspect.getsource(bp)))
             if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    assert not calls & {"eval", "exec", "compile", "__import__", "getattr"}


def test_a_step_out_of_the_domain_and_a_difference_across_its_edge_are_reported():
    g = bp.expression_graph("log(a)", {"a": 0.1})  # ∂/∂a = 10: a step with η = 1 lands at a = −9.9
    assert bp.safe_step(g, 1.0)[0] is None and "positive" in bp.safe_step(g, 1.0)[1]
    assert "fails" in bp.walkthrough(g, 1.0)[-1].narration
    c = bp.check_gradients(bp.expression_graph("sqrt(a)", {"a": 5e-7}))  # a − h < 0: no central difference
    agree, sentence = bp.check_sentence(c)
    assert not agree and "leaves a function's domain" in sentence and c.backprop[0] == pytest.approx(0.5 / 5e-7 ** 0.5)


def test_a_kink_within_h_is_reported_not_hidden():
    # relu(a) at a = 0: backprop and autograd use slope 0, the central difference straddles the kink: 1/2.
    c = bp.check_gradients(bp.expression_graph("relu(a)", {"a": 0.0}))
    assert c.backprop[0] == 0 and c.autograd[0] == 0 and c.finite_diff[0] == pytest.approx(0.5)
    assert c.rel_finite_diff.max() > 1e-4
    agree, sentence = bp.check_sentence(c)
    assert not agree and "kink" in sentence and sentence.startswith("The gradients of a differ")


# ---------------------------------------------------------------- activations
GRID = torch.linspace(-6, 6, 1201, dtype=torch.float64)  # includes 0, where the kinks are


@pytest.mark.parametrize("name", list(gf.ACTIVATIONS))
def test_activation_derivatives_equal_autograd_on_a_grid(name):
    act = gf.ACTIVATIONS[name]
    x = GRID.clone().requires_grad_(True)
    (auto,) = torch.autograd.grad(act.f(x).sum(), x)
    assert torch.allclose(act.df(GRID), auto, rtol=1e-10, atol=1e-12)


def test_derivative_factors():
    f = gf.derivative_factors(50)
    assert float(f["sigmoid"]["max_slope"]) == pytest.approx(0.25, rel=1e-9)
    assert f["sigmoid"]["bound"][9] == pytest.approx(0.25 ** 10)
    assert float(f["relu"]["rms_slope"]) == pytest.approx(1 / math.sqrt(2), abs=1e-3)  # E[1{z>0}] = 1/2
    assert float(f["tanh"]["max_slope"]) == pytest.approx(1.0)
    assert float(f["gelu"]["max_slope"]) == pytest.approx(1.129, abs=1e-3)  # GELU overshoots 1


def test_relu_firing_matches_a_hand_written_forward_pass():
    from models import load_pretrained
    from models.mnist_cnn import MNIST_MEAN, MNIST_STD
    from models.data import validation_split

    model = load_pretrained("mnist_mlp")
    images = validation_split()[2]
    shares = gf.relu_firing(model, images)
    lin1, lin2 = model.net[1], model.net[4]
    with torch.no_grad():
        h1 = torch.relu(((images - MNIST_MEAN) / MNIST_STD).flatten(1) @ lin1.weight.T + lin1.bias)
        h2 = torch.relu(h1 @ lin2.weight.T + lin2.bias)
    for share, h in zip(shares, (h1, h2)):
        assert np.allclose(share, (h > 0).double().mean(0).numpy())
    assert len(shares) == 2 and all(len(s) == 512 for s in shares)


# ---------------------------------------------------------------- initialisation and gradient flow
@pytest.mark.parametrize("fan_in, fan_out", [(784, 64), (64, 64), (256, 1024)])
def test_xavier_and_he_match_torch_nn_init(fan_in, fan_out):
    gen = torch.Generator().manual_seed(0)
    xavier = torch.nn.init.xavier_normal_(torch.empty(fan_out, fan_in), generator=gen)
    he = torch.nn.init.kaiming_normal_(torch.empty(fan_out, fan_in), nonlinearity="relu", generator=gen)
    # torch: xavier std = √(2/(fan_in + fan_out)), kaiming (fan_in, relu gain √2) std = √2/√fan_in
    assert gf.init_std("xavier", fan_in, fan_out) == pytest.approx(math.sqrt(2 / (fan_in + fan_out)))
    assert xavier.std().item() == pytest.approx(gf.init_std("xavier", fan_in, fan_out), rel=0.03)
    assert he.std().item() == pytest.approx(gf.init_std("he", fan_in, fan_out), rel=0.03)
    model = gf.DeepMlp(gf.FlowConfig(depth=3, init="he"))  # what the experiment really draws
    assert model.weights[0].std().item() == pytest.approx(math.sqrt(2 / 784), rel=0.03)


@pytest.fixture(scope="module")
def presets():
    return {name: gf.gradient_flow(config) for name, config in gf.PRESETS.items()}


def ratio(stats):
    return stats.grad_norm[0] / stats.grad_norm[-2]  # first hidden layer / last hidden layer


def test_sigmoid_vanishes_and_he_relu_flows(presets):
    # Measured here (seed 0, 256 fit digits): sigmoid + Xavier, 20 layers: 8.6e-12; He + ReLU: 1.4;
    # residual sigmoid: 0.41; ReLU + N(0, 1) explodes forward (activation std ~1e15 at layer 20).
    assert ratio(presets["Sigmoid + 20 layers vanishes"]) < 1e-2
    assert 0.1 < ratio(presets["He init fixes it"]) < 10
    assert 0.1 < ratio(presets["Residuals fix depth"]) < 10
    explode = presets["ReLU + N(0, 1) explodes"]
    assert explode.act_std[-1] > 1e10 * explode.act_std[0] and explode.loss > 1e6


def test_flow_stats_gradients_equal_a_plain_backward(presets):
    config = gf.PRESETS["He init fixes it"]
    model = gf.DeepMlp(config).train()
    x, y = gf.digits()
    F.cross_entropy(model(x)[0], y).backward()
    assert np.allclose([w.grad.norm().item() for w in model.weights], presets["He init fixes it"].grad_norm, rtol=1e-5)
    assert presets["He init fixes it"].hist.sum(1) == pytest.approx(np.ones(20))  # every value lands in a bin


def test_zeros_init_keeps_all_units_identical_through_training():
    stats = gf.gradient_flow(gf.FlowConfig(depth=3, init="zeros"))
    assert (stats.grad_norm[:-1] == 0).all() and stats.grad_norm[-1] > 0  # only the output layer learns at first
    rec = gf.train_flow(gf.FlowConfig(depth=3, activation="tanh", init="zeros"), steps=12, lr=0.1, n_frames=3)
    assert (rec.frames["distinct"] == 1).all()  # every hidden layer: one distinct unit out of 64, at every frame
    units = rec.frames["units"][-1]
    assert np.allclose(units, units[:, :1])  # each digit's row: 64 equal values
    random = gf.train_flow(gf.FlowConfig(depth=3, activation="tanh", init="xavier"), steps=3, n_frames=2)
    assert (random.frames["distinct"][-1] == 64).all()


def test_training_is_deterministic_and_stops_when_it_explodes():
    a = gf.train_flow(gf.FlowConfig(depth=3, activation="relu", init="he"), steps=12, n_frames=3)
    b = gf.train_flow(gf.FlowConfig(depth=3, activation="relu", init="he"), steps=12, n_frames=3)
    assert np.array_equal(a.curves["train_loss"], b.curves["train_loss"]) and a.curves["train_loss"][-1] < 2.3
    boom = gf.train_flow(gf.PRESETS["ReLU + N(0, 1) explodes"], steps=50, n_frames=3)
    assert boom.steps[-1] < 50 and not math.isfinite(boom.curves["train_loss"][-1])
    assert "overflowed" in gf.training_sentence(boom)


@pytest.mark.parametrize("config", [gf.FlowConfig(depth=10, activation="relu", init="he"),
                                    gf.FlowConfig(depth=3, batch_norm=True, residual=True)])
def test_backward_flops_match_pytorchs_flop_counter(config):
    from torch.utils.flop_counter import FlopCounterMode
    model, (x, y) = gf.DeepMlp(config).train(), gf.digits()
    with FlopCounterMode(display=False) as forward_count:
        loss = F.cross_entropy(model(x)[0], y)
    with FlopCounterMode(display=False) as backward_count:
        loss.backward()
    fwd, bwd = gf.backward_cost(config)
    assert (fwd, bwd) == (forward_count.get_total_flops(), backward_count.get_total_flops())
    assert 1 < bwd / fwd < 2  # twice, minus the pixels' gradient nobody needs (the wide first layer weighs most)
    deep_fwd, deep_bwd = gf.backward_cost(gf.FlowConfig(depth=50))
    assert deep_bwd / deep_fwd > 1.75


# ---------------------------------------------------------------- clipping
def test_clipping_matches_torch_utilities():
    g = torch.tensor([30.0, -40.0], dtype=torch.float64)  # norm 50
    p = torch.zeros(2, dtype=torch.float64, requires_grad=True)
    p.grad = g.clone()
    torch.nn.utils.clip_grad_norm_([p], 5.0)
    assert torch.allclose(gf.clip_by_norm(g, 5.0), p.grad, rtol=1e-6)  # torch divides by (norm + 1e-6)
    assert torch.allclose(gf.clip_by_norm(g, 5.0), torch.tensor([3.0, -4.0], dtype=torch.float64))
    p.grad = g.clone()
    torch.nn.utils.clip_grad_value_([p], 5.0)
    assert torch.equal(gf.clip_by_value(g, 5.0), p.grad)
    assert torch.equal(gf.clip_by_norm(g, 100.0), g)  # below the threshold nothing changes


@pytest.mark.parametrize("lr, tau", [(0.2, 1.0), (0.05, 0.3), (0.5, 5.0)])
def test_clipping_bounds_every_update(lr, tau):
    norm, value = gf.descend("norm", lr, tau, 60), gf.descend("value", lr, tau, 60)
    assert norm.step_norm.max() <= lr * tau * (1 + 1e-12)
    assert value.step_norm.max() <= lr * tau * math.sqrt(2) * (1 + 1e-12)
    assert norm.turn.max() < 1e-5  # norm clipping keeps the direction


def test_the_cliff_throws_the_unclipped_run_away():
    # Defaults (η = 0.2, τ = 1, 80 steps): unclipped, one step of ~23 lands at about (−19.7, −10.3) and is
    # still at loss ~6.3 after 80 steps; both clipped runs reach ~1.5e-5 (the minimum is ~0).
    runs = {k: gf.descend(k) for k in gf.CLIPS}
    assert runs["none"].step_norm.max() > 10 and runs["none"].loss[-1] > 1
    assert runs["norm"].loss[-1] < 1e-3 and runs["value"].loss[-1] < 1e-3
    assert runs["value"].turn.max() > 5  # value clipping turned the direction somewhere
    sentence = gf.cliff_sentence(runs, 0.2, 1.0)
    assert f"{runs['none'].loss[-1]:.3g} unclipped" in sentence


# ---------------------------------------------------------------- the page
@pytest.fixture(scope="module")
def page():
    return open_page(PAGE, timeout=120)


def test_page_hero_shows_the_graph_player_and_the_live_check(page):
    at = page
    assert not at.exception
    g = bp.network_graph()
    frames = bp.walkthrough(g, 0.5)
    spec = plotly_specs(at)[0]
    assert len(spec["frames"]) == len(frames)
    assert spec["layout"]["sliders"][0]["active"] == bp.frame_index(frames, "backward")
    assert [bp.narration_of(f["data"][-1]["text"], g) for f in spec["frames"]] == [bp._wrap(f.narration) for f in frames]
    hero = captions(at)[0]
    assert f"L = {bp.num(g.nodes[-1].value)}" in hero and f"makes it {bp.num(bp.gradient_step(g, 0.5).nodes[-1].value)}" in hero
    assert "All 9 gradients equal PyTorch autograd" in at.success[0].value


def test_page_steps_and_reacts_to_the_controls(page):
    at = page
    at.selectbox(key="open_at").set_value("start").run()
    assert plotly_specs(at)[0]["layout"]["sliders"][0]["active"] == 0
    at.selectbox(key="open_at").set_value("update").run()
    assert plotly_specs(at)[0]["layout"]["sliders"][0]["active"] == 16
    at.slider(key="x1").set_value(-1.5).run()
    at.slider(key="lr").set_value(1.2).run()
    g = bp.network_graph((-1.5, 0.5))
    assert f"L = {bp.num(g.nodes[-1].value)}" in captions(at)[0]
    assert f"makes it {bp.num(bp.gradient_step(g, 1.2).nodes[-1].value)}" in captions(at)[0]
    at.segmented_control(key="graph").set_value("expression").run()
    assert "All 3 gradients equal PyTorch autograd" in at.success[0].value
    at.text_area(key="expr").input("a ^ 2").run()
    assert not at.exception and "**" in at.error[0].value and at.tabs  # a message, and the page goes on
    at.text_area(key="expr").input("relu(a)").run()
    at.text_area(key="values").input("a = 0").run()
    assert "kink" in at.warning[0].value
    at.text_area(key="values").input("a = 1; b = oops").run()
    assert "not a plain number" in at.error[0].value and not at.exception
    at.text_area(key="expr").input("log(a)").run()
    at.text_area(key="values").input("a = 0.1").run()  # η = 1.2 steps a to 0.1 − 12 < 0
    assert not at.exception and "fails" in captions(at)[0]


def test_page_gradient_flow_tab_presets_and_captions():
    at = open_page(PAGE, timeout=180, view="Gradient flow vs depth", steps="10")
    assert not at.exception
    stats = gf.gradient_flow(gf.FlowConfig())
    assert f"{stats.grad_norm[0] / stats.grad_norm[-2]:.1e}× layer 20's" in captions(at)[1]
    next(b for b in at.button if b.label == "He init fixes it").click().run()
    assert at.selectbox(key="init").value == "he" and at.selectbox(key="flow_act").value == "relu"
    he = gf.gradient_flow(gf.PRESETS["He init fixes it"])
    assert f"{he.grad_norm[0] / he.grad_norm[-2]:.1e}× layer 20's" in captions(at)[1]
    assert any("After 10 steps" in c for c in captions(at))


def test_page_clipping_tab_caption_is_computed():
    at = open_page(PAGE, timeout=120, view="Exploding gradients and clipping", tau="2", clip_lr="0.3")
    assert not at.exception
    runs = {k: gf.descend(k, 0.3, 2.0, 80) for k in gf.CLIPS}
    assert gf.cliff_sentence(runs, 0.3, 2.0) in captions(at)
