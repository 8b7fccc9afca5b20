"""demos/interpretability/adversarial.py: FGSM re-derived (the attack's definition, checked by hand),
and the caption of the maps on the attacked image."""
import torch
import torch.nn.functional as F

from demos.interpretability import adversarial, hero


def test_fgsm_moves_every_pixel_by_eps_along_the_loss_gradient_sign(mnist_cnn, digit):
    x_adv = adversarial.fgsm(mnist_cnn, digit, 7, 0.1)
    x = digit.clone().requires_grad_(True)
    grad = torch.autograd.grad(F.cross_entropy(mnist_cnn(x), torch.tensor([7])), x)[0]
    torch.testing.assert_close(x_adv, (digit + 0.1 * grad.sign()).clamp(0, 1))
    assert float((x_adv - digit).abs().max()) <= 0.1 + 1e-6
    assert torch.equal(adversarial.fgsm(mnist_cnn, digit, 7, 0.0), digit)


def test_the_caption_says_whether_the_answer_flipped(mnist_cnn, digit, explained):
    x_adv = adversarial.fgsm(mnist_cnn, digit, 7, 0.15)
    with torch.no_grad():
        after = int(mnist_cnn(x_adv).argmax())
    attacked = hero.attribute_all(mnist_cnn, x_adv, after, hero.Settings(steps=16, n=8))
    changes = adversarial.map_changes(explained, attacked)
    text = adversarial.adversarial_caption("7", str(after), 0.9, "0.15", changes)
    assert ("flips the answer" in text) == (after != 7)
    assert adversarial.adversarial_caption("7", "7", 0.9, "0", changes).startswith("FGSM at ε = 0 leaves")
