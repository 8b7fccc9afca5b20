"""Adam's bias correction: torch.optim.Adam's first step against η, the uncorrected step by formula,
and the caption computed from them."""
import math

import pytest
import torch

from demos.optimisers import bias_correction


@pytest.mark.parametrize("scale", [1e-4, 1e-2, 1.0, 1e2, 1e4])
def test_adams_first_step_is_the_learning_rate_whatever_the_gradient_scale(scale):
    w = torch.zeros(3, dtype=torch.float64, requires_grad=True)
    adam = torch.optim.Adam([w], lr=0.07)
    w.grad = torch.tensor([scale, -3 * scale, 0.5 * scale], dtype=torch.float64)
    adam.step()
    assert torch.allclose(w.detach().abs(), torch.full((3,), 0.07, dtype=torch.float64), rtol=1e-3)
    sizes = bias_correction.adam_step_sizes(0.07, (0.9, 0.999), steps=5, scale=scale)
    assert sizes["adam"][0] == pytest.approx(0.07, rel=1e-3)
    # without correction, step 1 is η m/(√v + ε) = η (1 − β₁) g / (g √(1 − β₂) + ε) ≈ 3.162 η
    assert sizes["uncorrected"][0] == pytest.approx(0.07 * 0.1 * scale / (scale * math.sqrt(0.001) + 1e-8), rel=1e-9)


@pytest.mark.parametrize("lr,betas", [(0.1, (0.9, 0.999)), (0.01, (0.5, 0.99)), (1.0, (0.0, 0.5))])
def test_the_bias_caption_and_figure_follow_the_settings(lr, betas):
    sizes = bias_correction.adam_step_sizes(lr, betas)
    text = bias_correction.bias_caption(sizes, lr, betas)
    assert text.startswith("torch.optim.Adam's first step is 1.0000 η, 1.0000 η and 1.0000 η")
    first = (1 - betas[0]) / math.sqrt(1 - betas[1])  # the uncorrected first step, in units of η
    assert f"(1 − β₁)/√(1 − β₂) = {first:.2f} η" in text
    u = sizes["uncorrected"] / lr
    assert f"the largest {u.max():.2f} η (step {int(u.argmax()) + 1})." in text
    fig = bias_correction.bias_figure(sizes, lr)
    assert [t.name for t in fig.data] == ["torch.optim.Adam (bias-corrected)", "without bias correction"]
    assert fig.data[1].y[0] == pytest.approx(first, rel=1e-6)
