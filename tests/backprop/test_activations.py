"""Activations: the derivatives written out against autograd, the depth factors against hand values,
the dead-ReLU count against a hand-written forward pass of the trained MLP, and the captions."""
import math

import numpy as np
import pytest
import torch

from demos.backprop import activations

pytestmark = pytest.mark.filterwarnings("ignore")
GRID = torch.linspace(-6, 6, 1201, dtype=torch.float64)  # includes 0, where the kinks are


@pytest.mark.parametrize("name", list(activations.ACTIVATIONS))
def test_activation_derivatives_equal_autograd_on_a_grid(name):
    act = activations.ACTIVATIONS[name]
    x = GRID.clone().requires_grad_(True)
    (auto,) = torch.autograd.grad(act.f(x).sum(), x)
    assert torch.allclose(act.df(GRID), auto, rtol=1e-10, atol=1e-12)


@pytest.fixture(scope="module")
def factors():
    return activations.derivative_factors(50)


def test_derivative_factors(factors):
    f = factors
    assert float(f["sigmoid"]["max_slope"]) == pytest.approx(0.25, rel=1e-9)
    assert f["sigmoid"]["bound"][9] == pytest.approx(0.25 ** 10)
    assert float(f["relu"]["rms_slope"]) == pytest.approx(1 / math.sqrt(2), abs=1e-3)  # E[1{z>0}] = 1/2
    assert float(f["tanh"]["max_slope"]) == pytest.approx(1.0)
    assert float(f["gelu"]["max_slope"]) == pytest.approx(1.129, abs=1e-3)  # GELU overshoots 1


@pytest.fixture(scope="module")
def shares(pretrained):
    return activations.validation_firing(pretrained("mnist_mlp"))


def test_relu_firing_matches_a_hand_written_forward_pass(pretrained, shares):
    from models.data import validation_split
    from models.mnist_cnn import MNIST_MEAN, MNIST_STD

    model = pretrained("mnist_mlp")
    images = validation_split()[2]
    assert all(np.array_equal(a, b) for a, b in zip(shares, activations.relu_firing(model, images)))
    lin1, lin2 = model.net[1], model.net[4]
    with torch.no_grad():
        h1 = torch.relu(((images - MNIST_MEAN) / MNIST_STD).flatten(1) @ lin1.weight.T + lin1.bias)
        h2 = torch.relu(h1 @ lin2.weight.T + lin2.bias)
    for share, h in zip(shares, (h1, h2)):
        assert np.allclose(share, (h > 0).double().mean(0).numpy())
    assert len(shares) == 2 and all(len(s) == 512 for s in shares)


def test_the_dead_relu_caption_counts_units_that_never_fire(shares):
    caption = activations.dead_relus_caption(shares)
    dead = [int((s == 0).sum()) for s in shares]
    # 512 units per layer, two layers: 1,024 in all (the issue: "Of 512 units" read as the whole network)
    assert caption.startswith(f"Of the 512 units in each layer (1,024 in all), {dead[0]} in layer 1 and {dead[1]} in "
                              "layer 2 output 0")
    fake = [np.array([0.0, 0.5, 0.0, 1.0]), np.array([0.2, 0.0, 0.3, 0.4])]  # 2 dead, then 1 dead
    assert activations.dead_relus_caption(fake).startswith("Of the 4 units in each layer (8 in all), 2 in layer 1 and 1 in layer 2 output 0")
    fig = activations.dead_relus_figure(shares)
    # per layer: a histogram of the units that fire at all, and a separate "dead" bar (they shared a bin)
    assert [t.type for t in fig.data] == ["histogram", "histogram", "bar", "bar"]
    assert [len(t.x) for t in fig.data[:2]] == [int((s > 0).sum()) for s in shares]
    assert [t.y[0] for t in fig.data[2:]] == dead and fig.data[2].x[0] == activations.DEAD_X
    assert list(fig.layout.xaxis.ticktext)[0] == "dead"


@pytest.mark.parametrize("focus", ["sigmoid", "relu", "gelu"])
def test_the_activation_caption_gives_the_formula_and_the_peak_slope(factors, focus):
    caption = activations.activation_caption(focus, factors)
    peak = {"sigmoid": "0.25", "relu": "1", "gelu": "1.13"}[focus]  # 1/4; 1; GELU's overshoot (above)
    assert caption.startswith(f"{activations.ACTIVATIONS[focus].title}: {activations.ACTIVATIONS[focus].formula}. "
                              f"Its slope peaks at {peak};")


@pytest.mark.parametrize("focus, depth", [("sigmoid", 10), ("relu", 1), ("tanh", 50)])
def test_the_depth_caption_follows_the_slider(factors, focus, depth):
    caption = activations.factors_caption(factors, focus, depth)
    assert f"Through {depth} layers sigmoid's slopes alone scale a gradient by at most 0.25^{depth} = " \
           f"{0.25 ** depth:.1e}" in caption
    assert (f"; {activations.ACTIVATIONS[focus].title}'s by at most" in caption) == (focus != "sigmoid")
    assert caption.endswith("cancels ReLU's RMS slope 0.707 ≈ 1/√2.")  # E[1{z>0}]^½ = 1/√2
    assert activations.compared(focus)[0] == focus and set(activations.compared(focus)) == {focus, "sigmoid", "tanh", "relu"}
