"""Deep MLPs at initialisation: init scales against torch.nn.init, the presets' stories (vanishing,
exploding, fixed), statistics against a plain backward, FLOP counts against PyTorch's FlopCounterMode,
and the caption."""
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from demos.backprop import flow

pytestmark = pytest.mark.filterwarnings("ignore")


@pytest.mark.parametrize("fan_in, fan_out", [(784, 64), (64, 64), (256, 1024)])
def test_xavier_and_he_match_torch_nn_init(fan_in, fan_out):
    gen = torch.Generator().manual_seed(0)
    xavier = torch.nn.init.xavier_normal_(torch.empty(fan_out, fan_in), generator=gen)
    he = torch.nn.init.kaiming_normal_(torch.empty(fan_out, fan_in), nonlinearity="relu", generator=gen)
    # torch: xavier std = √(2/(fan_in + fan_out)), kaiming (fan_in, relu gain √2) std = √2/√fan_in
    assert flow.init_std("xavier", fan_in, fan_out) == pytest.approx(math.sqrt(2 / (fan_in + fan_out)))
    assert xavier.std().item() == pytest.approx(flow.init_std("xavier", fan_in, fan_out), rel=0.03)
    assert he.std().item() == pytest.approx(flow.init_std("he", fan_in, fan_out), rel=0.03)
    model = flow.DeepMlp(flow.FlowConfig(depth=3, init="he"))  # what the experiment really draws
    assert model.weights[0].std().item() == pytest.approx(math.sqrt(2 / 784), rel=0.03)


def test_presets_are_the_page_controls_of_four_classic_configs():
    assert {name: flow.preset_config(name) for name in flow.PRESETS} == {
        "Sigmoid + 20 layers vanishes": flow.FlowConfig(20, "sigmoid", "xavier"),
        "ReLU + N(0, 1) explodes": flow.FlowConfig(20, "relu", "normal", sigma=1.0),
        "He init fixes it": flow.FlowConfig(20, "relu", "he"),
        "Residuals fix depth": flow.FlowConfig(20, "sigmoid", "xavier", residual=True),
    }
    assert all(set(p) == {"depth", "flow_act", "init", "sigma", "bn", "res"} for p in flow.PRESETS.values())


@pytest.fixture(scope="module")
def presets():
    return {name: flow.gradient_flow(flow.preset_config(name)) for name in flow.PRESETS}


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
    config = flow.preset_config("He init fixes it")
    model = flow.DeepMlp(config).train()
    x, y = flow.digits()
    F.cross_entropy(model(x)[0], y).backward()
    assert np.allclose([w.grad.norm().item() for w in model.weights], presets["He init fixes it"].grad_norm, rtol=1e-5)
    assert presets["He init fixes it"].hist.sum(1) == pytest.approx(np.ones(20))  # every value lands in a bin


def test_zeros_init_gives_no_gradient_to_any_hidden_layer():
    stats = flow.gradient_flow(flow.FlowConfig(depth=3, init="zeros"))
    assert (stats.grad_norm[:-1] == 0).all() and stats.grad_norm[-1] > 0  # only the output layer learns at first
    caption = flow.flow_caption(stats, flow.FlowConfig(depth=3, init="zeros"))
    assert caption.startswith("With zeros every unit of a layer computes the same value (1 distinct unit per layer)")
    # sigmoid (the default): every hidden unit outputs σ(0) = ½, so ∂L/∂W_out = δ hᵀ ≠ 0: the output weights learn
    assert f"only the output layer's weights (gradient {stats.grad_norm[-1]:.1e}) and biases can start" in caption
    # tanh: f(0) = 0, every hidden output is 0, so ∂L/∂W_out = δ · 0 = 0 too: only the output bias can move
    flat = flow.gradient_flow(flow.FlowConfig(depth=3, init="zeros", activation="tanh"))
    assert (flat.grad_norm == 0).all()
    assert "so even the output weights get no gradient and only the output bias can start learning" in flow.flow_caption(
        flat, flow.FlowConfig(depth=3, init="zeros", activation="tanh"))


@pytest.mark.parametrize("config", [flow.FlowConfig(depth=10, activation="relu", init="he"),
                                    flow.FlowConfig(depth=3, batch_norm=True, residual=True)])
def test_backward_flops_match_pytorchs_flop_counter(config):
    from torch.utils.flop_counter import FlopCounterMode
    model, (x, y) = flow.DeepMlp(config).train(), flow.digits()
    with FlopCounterMode(display=False) as forward_count:
        loss = F.cross_entropy(model(x)[0], y)
    with FlopCounterMode(display=False) as backward_count:
        loss.backward()
    fwd, bwd = flow.backward_cost(config)
    assert (fwd, bwd) == (forward_count.get_total_flops(), backward_count.get_total_flops())
    assert 1 < bwd / fwd < 2  # twice, minus the pixels' gradient nobody needs (the wide first layer weighs most)
    deep_fwd, deep_bwd = flow.backward_cost(flow.FlowConfig(depth=50))
    assert deep_bwd / deep_fwd > 1.75


def test_the_caption_states_the_ratio_the_verdict_and_the_cost(presets):
    # Sigmoid + Xavier: layer 1 / layer 20 ≈ 8.6e-12 (above): vanishing. Cost at 20 layers on 256 digits:
    # forward 2·256·(784·64 + 19·64·64 + 64·10) = 66.0 MFLOP; backward 2·66.0 − 2·256·784·64 = 106 MFLOP.
    vanish = presets["Sigmoid + 20 layers vanishes"]
    caption = flow.flow_caption(vanish, flow.preset_config("Sigmoid + 20 layers vanishes"))
    assert caption.startswith(f"Layer 1's weight gradient is {ratio(vanish):.1e}× layer 20's (it vanishes on the way back).")
    assert caption.endswith("Cost: the backward pass does 1.6× the forward's matrix arithmetic (106 vs 66 MFLOP on 256 digits).")
    he = flow.flow_caption(presets["He init fixes it"], flow.preset_config("He init fixes it"))
    assert "the gradient reaches the first layer" in he
    explode = flow.flow_caption(presets["ReLU + N(0, 1) explodes"], flow.preset_config("ReLU + N(0, 1) explodes"))
    assert "exploding" in explode or "overflow" in explode
