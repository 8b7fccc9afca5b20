"""GAN losses against hand computations, torch's BCE and autograd; the gradient penalty of a linear critic."""
import math

import pytest
import torch
import torch.nn.functional as F

from demos.generative import losses


def test_discriminator_losses_equal_hand_computations():
    real, fake = torch.tensor([0.0, 2.0]), torch.tensor([-1.0, 1.0])
    # BCE: -log sigmoid(a) = log(1 + e^-a) on real, -log(1 - sigmoid(a)) = log(1 + e^a) on fakes
    bce = (math.log(2) + math.log(1 + math.exp(-2))) / 2 + (math.log(1 + math.exp(-1)) + math.log(1 + math.e)) / 2
    for loss in ("minimax", "nonsaturating"):
        assert losses.d_loss(loss, real, fake).item() == pytest.approx(bce, rel=1e-6)
    reference = (F.binary_cross_entropy_with_logits(real, torch.ones(2))
                 + F.binary_cross_entropy_with_logits(fake, torch.zeros(2)))
    assert losses.d_loss("minimax", real, fake).item() == pytest.approx(reference.item(), rel=1e-6)
    # hinge: mean(relu(1 - [0, 2])) = (1 + 0) / 2; mean(relu(1 + [-1, 1])) = (0 + 2) / 2
    assert losses.d_loss("hinge", real, fake).item() == pytest.approx(0.5 + 1.0)
    # WGAN critic: mean(fake) - mean(real) = 0 - 1
    assert losses.d_loss("wgan_gp", real, fake).item() == pytest.approx(-1.0)


def test_generator_losses_and_their_gradients():
    a = torch.tensor([-6.0, -1.0, 0.0, 3.0], requires_grad=True)
    d = torch.sigmoid(a)
    assert torch.allclose(losses.g_loss_per_sample("minimax", a), torch.log(1 - d), atol=1e-5)
    assert torch.allclose(losses.g_loss_per_sample("nonsaturating", a), -torch.log(d), atol=1e-5)
    assert torch.equal(losses.g_loss_per_sample("hinge", a), -a) and torch.equal(losses.g_loss_per_sample("wgan_gp", a), -a)
    # d/da log(1 - sigmoid(a)) = -sigmoid(a): it vanishes as D(G(z)) -> 0; -log sigmoid(a) gives -(1 - sigmoid(a))
    (g_mm,) = torch.autograd.grad(losses.g_loss_per_sample("minimax", a).sum(), a)
    (g_ns,) = torch.autograd.grad(losses.g_loss_per_sample("nonsaturating", a).sum(), a)
    assert torch.allclose(g_mm, -d.detach(), atol=1e-6) and torch.allclose(g_ns, -(1 - d.detach()), atol=1e-6)
    assert abs(g_mm[0]) < 0.003 and abs(g_ns[0]) > 0.99  # at D(G(z)) = sigmoid(-6) = 0.0025


def test_unknown_loss_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown loss"):
        losses.d_loss("kl", torch.zeros(1), torch.zeros(1))
    with pytest.raises(ValueError, match="unknown loss"):
        losses.g_loss_per_sample("kl", torch.zeros(1))


def test_gradient_penalty_of_a_linear_critic():
    # f(x) = w.x with |w| = 2 has gradient norm 2 everywhere: penalty (2 - 1)^2 = 1
    critic = torch.nn.Linear(2, 1, bias=False)
    with torch.no_grad():
        critic.weight.copy_(torch.tensor([[1.2, 1.6]]))
    g = torch.Generator().manual_seed(0)
    value = losses.gradient_penalty(critic, torch.randn(16, 2), torch.randn(16, 2), g)
    assert value.item() == pytest.approx(1.0, rel=1e-6)


def test_arrows_point_down_the_generator_loss():
    # one explicit gradient step along the recorded arrows lowers every point's generator loss
    g = torch.Generator().manual_seed(0)
    D = losses.mlp([2, 16, 1], g)
    x = torch.randn(32, 2, generator=g).requires_grad_(True)
    (grad,) = torch.autograd.grad(losses.g_loss_per_sample("nonsaturating", D(x).squeeze(1)).sum(), x)
    with torch.no_grad():
        before = losses.g_loss_per_sample("nonsaturating", D(x).squeeze(1))
        after = losses.g_loss_per_sample("nonsaturating", D(x - 1e-3 * grad).squeeze(1))
    assert (after < before).all()


def test_mlp_is_initialised_from_its_generator():
    a, b = (losses.mlp([2, 8, 1], torch.Generator().manual_seed(5)) for _ in range(2))
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))
    assert a[0].weight.abs().max() <= 1 / math.sqrt(2) and isinstance(a[1], torch.nn.LeakyReLU) and len(a) == 3
