"""The update rules written by hand against torch.optim, step by step; the page's controls turned into
the race's entrants."""
import pytest
import torch

from demos.optimisers import rules, surfaces
from tests.optimisers.helpers import NON_DEFAULT


@pytest.mark.parametrize("name", list(rules.OPTIMISERS))
def test_hand_written_update_equals_torch_optim_over_100_steps(name):
    s = surfaces.surface("rosenbrock")  # curved: any difference in a rule would grow along the path
    hp = NON_DEFAULT[name]
    w_torch = torch.tensor([-1.2, 1.0], dtype=torch.float64, requires_grad=True)
    torch_opt = rules.TORCH_CLASS[name]([w_torch], **hp)
    w_hand, state = torch.tensor([-1.2, 1.0], dtype=torch.float64), {}
    for _ in range(100):
        w_torch.grad = torch.tensor(s.grad(*w_torch.tolist()), dtype=torch.float64)
        torch_opt.step()
        w_hand = rules.update(name, w_hand, torch.tensor(s.grad(*w_hand.tolist()), dtype=torch.float64), state, hp)
        assert torch.allclose(w_hand, w_torch.detach(), rtol=1e-12, atol=1e-14)
    assert not torch.equal(w_hand, torch.tensor([-1.2, 1.0], dtype=torch.float64))


def test_controls_become_torch_optim_settings_and_entrants():
    values = surfaces.PRESETS["rosenbrock"]  # lr as log10: lr_mom = −3.7, μ = 0.9, β = (0.9, 0.999), λ = 0.01
    assert rules.settings("momentum", values) == {"lr": pytest.approx(10 ** -3.7), "momentum": 0.9}
    assert rules.settings("nesterov", values)["nesterov"] is True
    assert rules.settings("adamw", values) == {"lr": pytest.approx(10 ** -1.3), "betas": (0.9, 0.999),
                                               "weight_decay": 0.01}
    on = dict.fromkeys(rules.OPTIMISERS, False) | {"adam": True, "sgd": True}
    entrants = rules.runners(on, values)
    assert [n for n, _ in entrants] == ["sgd", "adam"]  # OPTIMISERS order, whatever order `on` has
    assert entrants[1][1] == (("betas", (0.9, 0.999)), ("lr", pytest.approx(10 ** -1.3)))
    hash(entrants)  # the race's job key
    assert [n for n, _ in rules.runners(dict.fromkeys(rules.OPTIMISERS, False), values)] == ["sgd"]  # all off
    assert len(rules.runners(dict.fromkeys(rules.OPTIMISERS, True), values)) == 7
    with pytest.raises(ValueError, match="unknown optimiser"):
        rules.update("lion", torch.zeros(2), torch.zeros(2), {}, {"lr": 0.1})
