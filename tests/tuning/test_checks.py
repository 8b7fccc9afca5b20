"""The standard checks find what they should: ln 10 at initialisation, a loss floor under the wrong loss,
zero gradients under zero initialisation, a huge initial loss on unscaled inputs."""
import math

import pytest
import torch

from demos.tuning import checks, clinic


@pytest.fixture(scope="module")
def data():
    torch.set_num_threads(1)
    return clinic.digits()


def test_the_standard_checks(data):
    healthy = checks.checks("healthy", data, steps=60)
    assert healthy["init_loss"] == pytest.approx(math.log(10), abs=0.1)  # near-uniform outputs at init
    assert healthy["one_batch_loss"] < 0.1 and min(healthy["grad_norms"].values()) > 0
    zero = checks.checks("zero_init", data, steps=10)
    assert zero["init_loss"] == pytest.approx(math.log(10), abs=1e-6)  # all logits 0: exactly ln 10
    assert set(zero["grad_norms"].values()) == {0.0}
    assert "zero gradient in layer 1, layer 2, layer 3" in checks.checks_caption("zero_init", zero)
    wrong = checks.checks("wrong_loss", data, steps=60)
    assert wrong["one_batch_loss"] > math.log(1 + 9 / math.e) - 1e-6
    assert "cannot even memorise one batch" in checks.checks_caption("wrong_loss", wrong)
    assert checks.checks("unscaled", data, steps=1)["init_loss"] > 3 * math.log(10)
    fig = checks.checks_figure(zero)
    assert list(fig.data[0].x) == ["layer 1", "layer 2", "layer 3"] and list(fig.data[0].y) == [0.0, 0.0, 0.0]
