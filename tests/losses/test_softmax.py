"""The hero's maths against torch: softmax, cross-entropy and both logit gradients (autograd), the
float32 overflow of the naive softmax, and the caption's verdict at a confidently wrong view."""
import numpy as np
import pytest
import torch

from demos.losses import softmax


@pytest.mark.parametrize("z,true,t", [((2.0, 1.0, 0.5, -1.0), 0, 1.0), ((-4.0, 6.0, 0.0, -1.0, 3.0), 0, 0.3),
                                      ((0.1, -9.0, 7.5, 2.0, 0.0, 1.0, -3.0), 5, 4.0)])
def test_loss_and_both_gradients_equal_torch_and_autograd(z, true, t):
    zt = torch.tensor(z, dtype=torch.float64, requires_grad=True)
    ce = torch.nn.functional.cross_entropy((zt / t)[None], torch.tensor([true]))
    ce.backward()
    assert softmax.cross_entropy(np.array(z), true, t) == pytest.approx(ce.item(), abs=1e-12)
    assert np.allclose(softmax.ce_gradient(np.array(z), true, t), zt.grad.numpy(), atol=1e-12)
    zt.grad = None
    onehot = torch.nn.functional.one_hot(torch.tensor(true), len(z)).double()
    mse = torch.nn.functional.mse_loss(torch.softmax(zt / t, 0), onehot, reduction="sum")
    mse.backward()
    assert softmax.mse_on_softmax(np.array(z), true, t) == pytest.approx(mse.item(), abs=1e-12)
    assert np.allclose(softmax.mse_gradient(np.array(z), true, t), zt.grad.numpy(), atol=1e-12)
    assert np.allclose(softmax.softmax(np.array(z) / t), torch.softmax(zt / t, 0).detach().numpy(), atol=1e-14)


def test_the_stable_softmax_equals_the_naive_one_where_both_are_finite_and_survives_where_it_breaks():
    rng = np.random.default_rng(0)
    for _ in range(20):
        z = rng.normal(0, 5, 6)
        assert np.allclose(softmax.softmax(z), softmax.softmax_naive(z), atol=1e-6)  # float32 precision
    big = np.array([100.0, 90.0, 0.0])  # exp(100) > float32 max ≈ 3.4e38 (log ≈ 88.72) -> inf, inf/inf = nan
    assert np.isnan(softmax.softmax_naive(big)).any()
    p = softmax.softmax(big)
    assert np.isfinite(p).all() and p[0] == pytest.approx(1 / (1 + np.exp(-10) + np.exp(-100)))  # divide by e^100
    assert softmax.FLOAT32_EXP_LIMIT == pytest.approx(88.72, abs=0.01)


def test_a_confidently_wrong_model_gets_almost_no_push_from_mse_and_the_caption_says_so():
    pg = softmax.playground((-4.0, 6.0, 0.0, -1.0), 0, 1.0)
    # p_true ≈ e^-10 ≈ 4.5e-5: CE's push is p − 1 ≈ −1, MSE's carries the factor p_true, ≈ 1e-4
    assert pg.grad_ce[0] == pytest.approx(-1, abs=1e-3) and abs(pg.grad_mse[0]) < 1e-3
    text = softmax.playground_caption(pg)
    assert "the model is wrong: class 1" in text and "harder than MSE" in text
    assert "pushes the true logit 1.44× as hard" in softmax.playground_caption(softmax.playground((2, 1, .5, -1), 0, 1))


def test_the_overflow_rows_and_caption_follow_the_scale():
    ok, broken = softmax.playground((2.0, 1.0), 0, 1.0, 1), softmax.playground((2.0, 1.0), 0, 1.0, 50)
    assert "finite" in softmax.overflow_caption(ok) and "non-finite" in softmax.overflow_caption(broken)
    rows = softmax.overflow_rows(broken)  # z = 100, 50: exp(100) is inf in float32, exp(50) ≈ 5.18e21 is not
    assert rows[0]["exp(z/T) in float32"] == "inf" and rows[0]["naive softmax"] == "nan"
    assert rows[1]["exp(z/T) in float32"] == "5.18e+21" and rows[0]["log-sum-exp softmax"] == "1"
    assert len(softmax.playground_figure(broken).data) == 3
