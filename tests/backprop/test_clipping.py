"""Clipping against torch's own utilities, its bounds on every update, the cliff that throws an
unclipped run away, and the captions."""
import math

import pytest
import torch

from demos.backprop import clipping

pytestmark = pytest.mark.filterwarnings("ignore")


def test_clipping_matches_torch_utilities():
    g = torch.tensor([30.0, -40.0], dtype=torch.float64)  # norm 50
    p = torch.zeros(2, dtype=torch.float64, requires_grad=True)
    p.grad = g.clone()
    torch.nn.utils.clip_grad_norm_([p], 5.0)
    assert torch.allclose(clipping.clip_by_norm(g, 5.0), p.grad, rtol=1e-6)  # torch divides by (norm + 1e-6)
    assert torch.allclose(clipping.clip_by_norm(g, 5.0), torch.tensor([3.0, -4.0], dtype=torch.float64))
    p.grad = g.clone()
    torch.nn.utils.clip_grad_value_([p], 5.0)
    assert torch.equal(clipping.clip_by_value(g, 5.0), p.grad)
    assert torch.equal(clipping.clip_by_norm(g, 100.0), g)  # below the threshold nothing changes


@pytest.mark.parametrize("lr, tau", [(0.2, 1.0), (0.05, 0.3), (0.5, 5.0)])
def test_clipping_bounds_every_update(lr, tau):
    norm, value = clipping.descend("norm", lr, tau, 60), clipping.descend("value", lr, tau, 60)
    assert norm.step_norm.max() <= lr * tau * (1 + 1e-12)
    assert value.step_norm.max() <= lr * tau * math.sqrt(2) * (1 + 1e-12)
    assert norm.turn.max() < 1e-5  # norm clipping keeps the direction
    caption = clipping.clip_norms_caption({"norm": norm, "value": value}, lr, tau)
    assert f"η·τ = {lr * tau:.3g} in" in caption and f"η·τ·√2 = {lr * tau * math.sqrt(2):.3g} and" in caption
    assert f"by up to {value.turn.max():.0f}° here" in caption


def test_the_cliff_throws_the_unclipped_run_away():
    # Defaults (η = 0.2, τ = 1, 80 steps): unclipped, one step of ~23 lands at about (−19.7, −10.3) and is
    # still at loss ~6.3 after 80 steps; both clipped runs reach ~1.5e-5 (the minimum is ~0).
    runs = clipping.descents(0.2, 1.0, 80)
    assert list(runs) == list(clipping.CLIPS) and (runs["norm"].path == clipping.descend("norm").path).all()
    assert runs["none"].step_norm.max() > 10 and runs["none"].loss[-1] > 1
    assert runs["norm"].loss[-1] < 1e-3 and runs["value"].loss[-1] < 1e-3
    assert runs["value"].turn.max() > 5  # value clipping turned the direction somewhere
    sentence = clipping.cliff_caption(runs, 0.2, 1.0)
    assert f"{runs['none'].loss[-1]:.3g} unclipped" in sentence
    assert f"parameters {runs['none'].step_norm.max():.2g} in one step. After 80 steps" in sentence
    assert len(clipping.cliff_figure(clipping.descents(0.2, 1.0, 20)).frames) == 21  # the start, then one per step
