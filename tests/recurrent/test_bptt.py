"""Backpropagation through time: the hand-derived Jacobians and the BPTT products equal autograd, a
scalar RNN by hand, the vanilla RNN's curve stays under ρ^k and vanishes or grows with ρ, and the
hero's left caption states the numbers of its curves."""
import numpy as np
import pytest
import torch

from demos.recurrent import bptt, cells
from models.recall_rnn import STATE_FACTOR, RecallConfig, RecallNet, recall_batch

pytestmark = pytest.mark.filterwarnings("ignore")
CELLS = [("rnn", "tanh"), ("rnn", "relu"), ("lstm", "tanh"), ("gru", "tanh")]


def random_model(cell: str, nonlinearity: str = "tanh", hidden: int = 6, seed: int = 0) -> RecallNet:
    torch.manual_seed(seed)
    return RecallNet(RecallConfig(cell=cell, hidden=hidden, nonlinearity=nonlinearity)).eval()


def number(text: str, before: str) -> float:
    """The number that follows `before` in a caption (e.g. '1.2e-03' or '97%')."""
    token = text.split(before, 1)[1].split()[0].rstrip(",;.)%")
    return float(token)


@pytest.mark.parametrize("cell,nonlinearity", CELLS)
def test_hand_derived_step_jacobian_equals_autograd(cell, nonlinearity):
    model = random_model(cell, nonlinearity)
    w, size = model.weights(), STATE_FACTOR[cell] * 6
    x, state = torch.randn(4, model.config.inputs), torch.randn(4, size)
    ours = bptt.step_jacobian(cell, w, x, state, nonlinearity)
    auto = torch.func.vmap(torch.func.jacrev(lambda a, s: cells.cell_step(cell, w, a, s, nonlinearity)[0], argnums=1))(x, state)
    assert ours.shape == (4, size, size)
    assert torch.allclose(ours, auto, atol=1e-6)


@pytest.mark.parametrize("cell,nonlinearity", CELLS)
def test_gradient_through_time_equals_autograd_through_the_unrolled_steps(cell, nonlinearity):
    model = random_model(cell, nonlinearity, seed=1)
    x, _ = recall_batch(2, 8, generator=torch.Generator().manual_seed(0))  # T = 10
    norms = bptt.gradient_through_time(model, x)
    states = cells.unroll(model, x).states
    w, hidden = model.weights(), model.config.hidden
    for t in (0, 4, 9):
        for b in range(2):
            def h_last(s_t):  # run the remaining steps from the state after step t, all through autograd
                s = s_t[None]
                for k in range(t + 1, x.shape[1]):
                    s = cells.cell_step(cell, w, x[b:b + 1, k], s, nonlinearity)[0]
                return s[0, :hidden]
            jac = torch.autograd.functional.jacobian(h_last, states[b, t])  # (H, S)
            expected = torch.linalg.matrix_norm(jac.double(), ord=2).item()
            assert norms[b, x.shape[1] - 1 - t] == pytest.approx(expected, rel=1e-4, abs=1e-10)
    assert np.allclose(norms[:, 0], 1.0)  # ∂h_T/∂s_T picks h out of the state


def test_scalar_rnn_gradient_by_hand():
    # H = 1, W_hh = 0.5, W_ih = 1 on channel 0, no biases: h_t = tanh(0.5 h_{t-1} + x_t).
    # ∂h_2/∂h_0 = (1 - h_2²)·0.5 · (1 - h_1²)·0.5 with x = (1, 0, 0):
    # h_0 = tanh(1) = 0.761594, h_1 = tanh(0.380797) = 0.363404, h_2 = tanh(0.181702) = 0.179731
    model = RecallNet(RecallConfig(cell="rnn", hidden=1, symbols=1))
    with torch.no_grad():
        for p in model.rnn.parameters():
            p.zero_()
        model.rnn.weight_hh_l0.fill_(0.5)
        model.rnn.weight_ih_l0[0, 0] = 1.0
    x = torch.zeros(1, 3, 3)
    x[0, 0, 0] = 1.0
    norms = bptt.gradient_through_time(model, x)[0]
    h1, h2 = 0.363404, 0.179731
    assert norms[1] == pytest.approx((1 - h2 ** 2) * 0.5, rel=1e-4)
    assert norms[2] == pytest.approx((1 - h2 ** 2) * 0.5 * (1 - h1 ** 2) * 0.5, rel=1e-4)


@pytest.mark.parametrize("rho", [0.7, 1.0, 1.3])
def test_tanh_rnn_curve_never_exceeds_rho_power_and_init_is_orthogonal(rho):
    models = bptt.fresh_models(rho, 3.0, seed=5)
    w = models["rnn"].rnn.weight_hh_l0.detach()
    assert torch.allclose(torch.linalg.svdvals(w), torch.full((32,), rho), atol=1e-5)  # every singular value is ρ
    curve = bptt.curves(models, bptt.probe(30, 5)[0])["rnn"]
    assert np.all(curve <= rho ** np.arange(32) * (1 + 1e-5))
    assert np.array_equal(bptt.ceiling(rho, 30), rho ** np.arange(32))  # the hero's dashed line, k = 0 .. lag + 1
    # the gated cells keep σ(b) and write σ(-b) at initialisation: the biases say so
    lstm, gru = models["lstm"].rnn, models["gru"].rnn
    assert torch.all(lstm.bias_ih_l0[32:64] == 3.0) and torch.all(lstm.bias_ih_l0[:32] == -3.0)
    assert torch.all(gru.bias_ih_l0[32:64] == 3.0)


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
def test_gradient_vanishes_below_one_and_grows_above(nonlinearity):
    x = bptt.probe(40, 0)[0]
    small = bptt.curves(bptt.fresh_models(0.6, 0.0, nonlinearity), x)["rnn"]
    assert small[-1] < 0.6 ** 41 * 1.0001 and small[-1] < 1e-8
    big = bptt.curves(bptt.fresh_models(1.5, 0.0, nonlinearity), x)["rnn"]
    assert big[-1] > 10 and big[-1] > big[10] > 1  # ‖W‖ = 1.5 compounds (damped by tanh' / dead units)


# ---------------------------------------------------------------- the hero's left chart and caption
def test_init_curves_are_the_fresh_models_on_the_probe():
    ours = bptt.init_curves(12, 0.9, 2.0, "relu", 3)
    expected = bptt.curves(bptt.fresh_models(0.9, 2.0, "relu", 3), bptt.probe(12, 3)[0])
    assert list(ours) == ["rnn", "lstm", "gru"]
    for cell in ours:
        assert np.array_equal(ours[cell], expected[cell]) and len(ours[cell]) == 12 + 2


def test_init_caption_states_the_curves_numbers():
    init = bptt.init_curves(40, 1.0, 3.0)
    hero = bptt.gradient_init_caption(init, 40, 1.0)
    assert hero.startswith("Gradient reaching the symbol 41 steps back")
    assert number(hero, "LSTM") == pytest.approx(float(f"{init['lstm'][41]:.1e}"))
    init = bptt.init_curves(20, 0.6, 3.0)
    hero = bptt.gradient_init_caption(init, 20, 0.6)
    assert "21 steps back" in hero and f"ρ^k = {0.6 ** 21:.1e}" in hero
    assert number(hero, "vanilla RNN") == pytest.approx(float(f"{init['rnn'][21]:.1e}"))
    assert number(hero, "GRU") == pytest.approx(float(f"{init['gru'][21]:.1e}"))
    assert number(hero, "vanilla RNN") <= float(f"{0.6 ** 21:.1e}") * 1.05  # "never above ρ^k" holds


def test_gradient_figure_is_a_log_plot_with_the_ceiling():
    init = bptt.init_curves(10, 1.2, 3.0)
    fig = bptt.gradient_figure(init, "At initialisation", bptt.ceiling(1.2, 10))
    assert fig.layout.yaxis.type == "log" and [t.name for t in fig.data] == ["Vanilla RNN", "LSTM", "GRU", "RNN ceiling ρ^k"]
    assert np.allclose(fig.data[3].y, 1.2 ** np.arange(12)) and fig.data[3].line.dash == "dash"
    lo, hi = fig.layout.yaxis.range
    assert 10 ** lo <= min(float(np.min(y)) for y in init.values()) and 10 ** hi >= 1.2 ** 11  # every curve in view
    assert len(bptt.gradient_figure(init, "trained").data) == 3  # no ceiling after training
