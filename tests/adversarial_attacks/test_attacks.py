"""demos.adversarial_attacks.attacks against independent references: a hand-computed FGSM step,
autograd; invariants (the ε-ball, the pixel range, determinism, the shared model untouched); the
hero's words."""
import pytest
import torch
from torch import nn

from demos.adversarial_attacks import attacks
from models import load_pretrained

pytestmark = pytest.mark.filterwarnings("ignore")


def run(name, model, x, y, eps, steps=10, seed=0):
    return attacks.attack(name, model, x, y, eps, 2.5 * eps / steps, steps, seed)


@pytest.mark.parametrize("name", list(attacks.ATTACKS))
@pytest.mark.parametrize("eps", [0.0, 0.05, 0.3])
def test_every_attack_stays_in_the_ball_and_the_pixel_range(name, eps, digits, mnist_cnn):
    x, y = digits[0][:32], digits[1][:32]
    x_adv = run(name, mnist_cnn, x, y, eps)
    assert (x_adv - x).abs().max() <= eps + 1e-6
    assert x_adv.min() >= 0 and x_adv.max() <= 1
    if eps == 0:
        assert torch.equal(x_adv, x)


def test_fgsm_equals_a_hand_computed_sign_gradient_step():
    # f(x) = W x on a 3-pixel image, two classes, true class 0. For cross-entropy,
    # dL/dx = W^T (p - onehot(0)) = W^T (-p1, p1) = p1 (W[1] - W[0]) = p1 * (-2, 3, -0.5),
    # so sign(grad) = (-1, +1, -1) whatever p1 is, and with eps = 0.1:
    # x' = clip((0.5 - 0.1, 0.95 + 0.1, 0.02 - 0.1)) = (0.4, 1.0, 0.0)  <- both clamps show.
    model = nn.Sequential(nn.Flatten(), nn.Linear(3, 2, bias=False))
    with torch.no_grad():
        model[1].weight.copy_(torch.tensor([[1.0, -2.0, 0.5], [-1.0, 1.0, 0.0]]))
    x = torch.tensor([0.5, 0.95, 0.02]).view(1, 1, 1, 3)
    x_adv = attacks.fgsm(model, x, torch.tensor([0]), eps=0.1)
    assert x_adv.flatten().tolist() == pytest.approx([0.4, 1.0, 0.0])


def test_fgsm_is_one_sign_step_of_the_autograd_gradient(digits, mnist_cnn):
    x, y = digits[0][:8], digits[1][:8]
    xr = x.clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(nn.functional.cross_entropy(mnist_cnn(xr), y), xr)
    expected = (x + 0.07 * grad.sign()).clamp(0, 1)
    assert torch.allclose(attacks.fgsm(mnist_cnn, x, y, 0.07), expected)


def test_targeted_fgsm_raises_the_target_probability(digits, mnist_cnn):
    x, y = digits
    target = (y + 3) % 10

    def log_p(images):
        return mnist_cnn(images).log_softmax(1).gather(1, target[:, None]).squeeze(1)

    gain = log_p(attacks.fgsm(mnist_cnn, x, target, 0.05, targeted=True)) - log_p(x)
    assert (gain > 0).all()  # a small step in the linear regime helps every single target
    untargeted = log_p(attacks.fgsm(mnist_cnn, x, y, 0.05)) - log_p(x)
    assert gain.mean() > untargeted.mean() + 1.0  # and helps it far more than a generic attack


def test_pgd_beats_fgsm_and_breaks_the_standard_model(digits, mnist_cnn):
    x, y = digits
    acc = {name: (attacks.predict(mnist_cnn, run(name, mnist_cnn, x, y, 0.3)) == y).float().mean().item()
           for name in ("fgsm", "pgd")}
    assert acc["pgd"] < 0.10  # reached here: 0.0
    assert acc["pgd"] <= acc["fgsm"]


def test_pgd_is_deterministic_under_a_seed(digits, mnist_cnn):
    x, y = digits[0][:16], digits[1][:16]
    a = attacks.pgd(mnist_cnn, x, y, 0.2, 0.05, 5, generator=torch.Generator().manual_seed(1))
    b = attacks.pgd(mnist_cnn, x, y, 0.2, 0.05, 5, generator=torch.Generator().manual_seed(1))
    c = attacks.pgd(mnist_cnn, x, y, 0.2, 0.05, 5, generator=torch.Generator().manual_seed(2))
    assert torch.equal(a, b) and not torch.equal(a, c)


def test_mifgsm_without_momentum_is_bim(digits, mnist_cnn):
    x, y = digits[0][:16], digits[1][:16]
    bim = attacks.pgd(mnist_cnn, x, y, 0.2, 0.05, 5, random_start=False)
    assert torch.equal(attacks.pgd(mnist_cnn, x, y, 0.2, 0.05, 5, random_start=False, momentum=0.0), bim)
    assert not torch.equal(attacks.mifgsm(mnist_cnn, x, y, 0.2, 0.05, 5, decay=1.0), bim)


def test_attacks_leave_the_shared_model_untouched(digits):
    mnist_cnn = load_pretrained("mnist_cnn")  # fresh: no other test can have touched it
    before = {k: v.clone() for k, v in mnist_cnn.state_dict().items()}
    for name in attacks.ATTACKS:
        run(name, mnist_cnn, digits[0][:8], digits[1][:8], 0.1)
    assert not mnist_cnn.training
    assert all(p.grad is None and p.requires_grad for p in mnist_cnn.parameters())
    assert all(torch.equal(v, mnist_cnn.state_dict()[k]) for k, v in before.items())
    assert not any(m._forward_hooks or m._backward_hooks for m in mnist_cnn.modules())


@pytest.mark.parametrize("name", list(attacks.ATTACKS))
def test_craft_is_the_named_attack_with_step_ratio_times_eps_over_steps(name, digits, mnist_cnn):
    x, y = digits[0][:1], digits[1][:1]
    expected = attacks.attack(name, mnist_cnn, x, y, 0.2, 1.5 * 0.2 / 4, 4, seed=3)
    assert torch.equal(attacks.craft(name, mnist_cnn, x, int(y), 0.2, 4, 1.5, seed=3), expected)


def test_unknown_attack_is_refused():
    with pytest.raises(ValueError, match="unknown attack 'cw'"):
        attacks.attack("cw", nn.Identity(), torch.zeros(1, 1, 2, 2), torch.tensor([0]), 0.1, 0.01, 1)


# ---- the hero's words
def test_aim_is_the_target_else_the_truth_else_the_models_answer():
    assert attacks.aim("3", "7", "1") == "3"
    assert attacks.aim(None, "7", "1") == "7"  # a held-out digit: its label
    assert attacks.aim(None, None, "espresso") == "espresso"  # a photo or an upload: what the model says


def test_target_note_warns_only_when_the_target_is_already_the_answer():
    assert "“7” is already the model's answer" in attacks.target_note("7", "7", "1")
    assert "“espresso” is already" in attacks.target_note("espresso", None, "espresso")
    assert attacks.target_note("3", "7", "7") is None
    assert attacks.target_note(None, "7", "7") is None  # untargeted: nothing to warn about


def test_eps_text_and_download_name():
    assert attacks.eps_text(0.1, digits=True) == "0.10"
    assert attacks.eps_text(2 / 255, digits=False) == "2/255"
    assert attacks.download_name("pgd", "2/255") == "adversarial_pgd_eps_2-255.png"
    assert attacks.download_name("fgsm", "0.10") == "adversarial_fgsm_eps_0.10.png"


def test_flip_caption_states_the_flip_in_words():
    assert "flipped from “7” (99%) to “3” (80%)" in attacks.flip_caption(("7", 0.99), ("3", 0.8), "0.10")
    assert "still says" in attacks.flip_caption(("7", 0.99), ("7", 0.6), "0.10")
    reached = attacks.flip_caption(("7", 0.99), ("3", 0.8), "0.10", target="3")
    assert "to “3”, the target it aimed for, (80%)" in reached
    missed = attacks.flip_caption(("7", 0.99), ("1", 0.5), "0.10", target="3")
    assert "missed: it aimed for “3”" in missed and "moved the answer to “1”, 50%" in missed
    assert "(it moved" not in attacks.flip_caption(("7", 0.99), ("7", 0.9), "0.10", target="3")
