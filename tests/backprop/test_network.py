"""The tiny network as a graph against the same network built from torch.nn.Linear layers, and central
differences."""
import pytest
import torch
import torch.nn.functional as F

from demos.backprop import engine, network

pytestmark = pytest.mark.filterwarnings("ignore")


@pytest.mark.parametrize("activation", network.NETWORK_ACTIVATIONS)
@pytest.mark.parametrize("loss", list(network.LOSSES))
@pytest.mark.parametrize("hidden, seed", [(2, 0), (3, 1), (3, 7)])
def test_network_gradients_equal_an_nn_module_and_central_differences(activation, loss, hidden, seed):
    g = network.network_graph((0.8, -1.3), 0.25, hidden, activation, loss, seed)
    c = engine.check_gradients(g)
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


def test_a_control_outside_the_choices_is_refused():
    with pytest.raises(engine.GraphError):
        network.network_graph(hidden=4)
    with pytest.raises(engine.GraphError):
        network.network_graph(activation="gelu")
