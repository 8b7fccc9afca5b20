"""Every zoo loss and its gradient equal torch.nn.functional's (or a formula built from it) and autograd."""
import pytest
import torch
import torch.nn.functional as F

from demos.losses import objectives as O

torch.manual_seed(0)
Z = torch.randn(16, 10, dtype=torch.float64) * 3
Y = torch.randint(0, 10, (16,))
COUNTS = torch.tensor([300, 194, 126, 81, 53, 34, 22, 14, 9, 6])


def grads(fn):
    z = Z.clone().requires_grad_(True)
    loss = fn(z, Y)
    loss.backward()
    return loss.item(), z.grad


def reference(name, gamma=2.0, eps=0.1):
    if name == "cross-entropy":
        return lambda z, y: F.cross_entropy(z, y)
    if name == "MSE":  # F.mse_loss averages over N·K elements; the zoo's sums over classes: × K
        return lambda z, y: F.mse_loss(z.softmax(1), F.one_hot(y, 10).double()) * 10
    if name == "focal":  # (1 − p_y)^γ · CE_i with p_y = exp(−CE_i)
        return lambda z, y: ((1 - torch.exp(-F.cross_entropy(z, y, reduction="none"))) ** gamma
                             * F.cross_entropy(z, y, reduction="none")).mean()
    if name == "label smoothing":
        return lambda z, y: F.cross_entropy(z, y, label_smoothing=eps)
    w = (COUNTS.sum() / (10 * COUNTS)).double()
    return lambda z, y: F.cross_entropy(z, y, weight=w)


@pytest.mark.parametrize("name", O.LOSSES)
def test_each_loss_and_its_gradient_equal_the_reference(name):
    mine = O.loss_function(name, 2.0, 0.1, COUNTS)
    value, grad = grads(mine)
    ref_value, ref_grad = grads(reference(name))
    assert value == pytest.approx(ref_value, rel=1e-6)
    assert torch.allclose(grad.float(), ref_grad.float(), atol=1e-6)


def test_closed_form_logit_gradients_equal_autograd():
    _, g = grads(O.cross_entropy)
    assert torch.allclose(O.ce_logit_gradient(Z, Y), g, atol=1e-12)
    _, g = grads(lambda z, y: O.label_smoothing(z, y, 0.2))
    assert torch.allclose(O.smoothing_logit_gradient(Z, Y, 0.2), g, atol=1e-12)


def test_special_cases_and_huge_logits():
    assert O.focal(Z, Y, 0.0).item() == pytest.approx(O.cross_entropy(Z, Y).item())  # γ = 0 is CE
    assert O.label_smoothing(Z, Y, 0.0).item() == pytest.approx(O.cross_entropy(Z, Y).item())
    assert O.balanced_weights(COUNTS)[9].item() == pytest.approx(839 / 60)  # N / (K · n_9) = 839 / (10 · 6)
    huge = torch.tensor([[1000.0, 0.0, -1000.0]])
    assert torch.isfinite(O.cross_entropy(huge, torch.tensor([2]))) and O.cross_entropy(huge, torch.tensor([2])).item() == 2000
    with pytest.raises(ValueError):
        O.loss_function("hinge", 2.0, 0.1, COUNTS)
