"""Adversarial attacks against independent references: a hand-computed FGSM step, autograd,
scikit-image's SSIM, brute-force robust accuracy; invariants; the committed models; the page."""
import pytest
import torch
from torch import nn

from conftest import captions, open_page, plotly_specs
from demos import adversarial as adv
from demos import robustness as rob
from models import load_pretrained, metadata

pytestmark = pytest.mark.filterwarnings("ignore")
PAGE = "pages/02_adversarial_attacks.py"


@pytest.fixture(scope="module")
def digits(mnist):
    return mnist.balanced_test(200)


@pytest.fixture(scope="module")
def robust():
    return load_pretrained("mnist_cnn_robust")


def run(name, model, x, y, eps, steps=10, seed=0):
    return adv.attack(name, model, x, y, eps, 2.5 * eps / steps, steps, seed)


@pytest.mark.parametrize("name", list(adv.ATTACKS))
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
    x_adv = adv.fgsm(model, x, torch.tensor([0]), eps=0.1)
    assert x_adv.flatten().tolist() == pytest.approx([0.4, 1.0, 0.0])


def test_fgsm_is_one_sign_step_of_the_autograd_gradient(digits, mnist_cnn):
    x, y = digits[0][:8], digits[1][:8]
    xr = x.clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(nn.functional.cross_entropy(mnist_cnn(xr), y), xr)
    expected = (x + 0.07 * grad.sign()).clamp(0, 1)
    assert torch.allclose(adv.fgsm(mnist_cnn, x, y, 0.07), expected)


def test_targeted_fgsm_raises_the_target_probability(digits, mnist_cnn):
    x, y = digits
    target = (y + 3) % 10

    def log_p(images):
        return mnist_cnn(images).log_softmax(1).gather(1, target[:, None]).squeeze(1)

    gain = log_p(adv.fgsm(mnist_cnn, x, target, 0.05, targeted=True)) - log_p(x)
    assert (gain > 0).all()  # a small step in the linear regime helps every single target
    untargeted = log_p(adv.fgsm(mnist_cnn, x, y, 0.05)) - log_p(x)
    assert gain.mean() > untargeted.mean() + 1.0  # and helps it far more than a generic attack


def test_pgd_beats_fgsm_and_breaks_the_standard_model(digits, mnist_cnn):
    x, y = digits
    acc = {name: (adv.predict(mnist_cnn, run(name, mnist_cnn, x, y, 0.3)) == y).float().mean().item()
           for name in ("fgsm", "pgd")}
    assert acc["pgd"] < 0.10  # reached here: 0.0
    assert acc["pgd"] <= acc["fgsm"]


def test_adversarial_training_keeps_clearly_higher_accuracy(digits, mnist_cnn, robust):
    x, y = digits
    accs = {n: adv.robust_accuracy(m, x, y, [0.0, 0.1], steps=10)
            for n, m in (("standard", mnist_cnn), ("robust", robust))}
    assert accs["robust"][1] >= 0.80 and accs["robust"][1] > accs["standard"][1] + 0.5
    assert accs["robust"][0] < accs["standard"][0] + 0.005  # robustness is not free


def test_committed_robust_model_meets_its_metadata():
    meta = metadata("mnist_cnn_robust")
    assert meta["recipe"]["pgd_eps"] == 0.3
    assert {"pgd20_accuracy_eps_0.1", "pgd20_accuracy_eps_0.2", "pgd20_accuracy_eps_0.3"} <= set(meta["metrics"])
    assert meta["metrics"]["test_accuracy"] >= meta["metric_bar"]["test_accuracy"]


def test_pgd_is_deterministic_under_a_seed(digits, mnist_cnn):
    x, y = digits[0][:16], digits[1][:16]
    a = adv.pgd(mnist_cnn, x, y, 0.2, 0.05, 5, generator=torch.Generator().manual_seed(1))
    b = adv.pgd(mnist_cnn, x, y, 0.2, 0.05, 5, generator=torch.Generator().manual_seed(1))
    c = adv.pgd(mnist_cnn, x, y, 0.2, 0.05, 5, generator=torch.Generator().manual_seed(2))
    assert torch.equal(a, b) and not torch.equal(a, c)


def test_mifgsm_without_momentum_is_bim(digits, mnist_cnn):
    x, y = digits[0][:16], digits[1][:16]
    bim = adv.pgd(mnist_cnn, x, y, 0.2, 0.05, 5, random_start=False)
    assert torch.equal(adv.pgd(mnist_cnn, x, y, 0.2, 0.05, 5, random_start=False, momentum=0.0), bim)
    assert not torch.equal(adv.mifgsm(mnist_cnn, x, y, 0.2, 0.05, 5, decay=1.0), bim)


def test_robust_accuracy_pruning_matches_attacking_every_digit_at_every_eps(digits, mnist_cnn):
    x, y = digits[0][:60], digits[1][:60]
    eps_list = [0.0, 0.05, 0.1]
    fast = adv.robust_accuracy(mnist_cnn, x, y, eps_list, steps=5)
    brute = []
    for eps in eps_list:  # a reference that attacks everything, then applies the same monotonicity
        fooled = torch.zeros(len(y), dtype=torch.bool)
        for e in [e for e in eps_list if e <= eps]:
            x_adv = adv.pgd(mnist_cnn, x, y, e, 2.5 * e / 5, 5, generator=torch.Generator().manual_seed(0)) if e else x
            fooled |= adv.predict(mnist_cnn, x_adv) != y
        brute.append(1 - fooled.float().mean().item())
    assert fast[0] == pytest.approx(brute[0])
    assert all(f <= b + 0.05 for f, b in zip(fast, brute))  # pruning only removes wasted work
    assert fast == sorted(fast, reverse=True)


def test_transfer_matrix_diagonal_is_the_white_box_success(digits, mnist_cnn):
    x, y = digits[0][:40], digits[1][:40]
    mlp = load_pretrained("mnist_mlp")
    m = adv.transfer_matrix({"cnn": mnist_cnn, "mlp": mlp}, x, y, "fgsm", 0.2)
    white_box = adv.success_rate(mnist_cnn, adv.fgsm(mnist_cnn, x, y, 0.2), y, clean=x)
    assert m[0, 0].item() == pytest.approx(white_box)
    assert ((0 <= m) & (m <= 1)).all()


def test_bit_depth_gradient_is_zero_and_bpda_gradient_is_the_identity():
    x = torch.rand(1, 1, 4, 4, requires_grad=True)
    q = adv.BitDepth(2)(x)
    assert torch.allclose(q * 3, torch.round(q * 3))  # 4 levels
    (g,) = torch.autograd.grad(q.sum(), x)
    assert g.abs().sum() == 0
    (g,) = torch.autograd.grad(adv.BitDepth(2, bpda=True)(x).sum(), x)
    assert torch.equal(g, torch.ones_like(x))
    assert torch.equal(adv.BitDepth(2, bpda=True)(x), q)  # same forward pass


def test_bpda_breaks_bit_depth_reduction_and_adversarial_training_holds():
    table = rob.defence_experiment(200, eps=0.2, bits=2).set_index("setting")["accuracy"]
    assert table["bit-depth, naive PGD"] > 0.8  # looks robust…
    assert table["bit-depth, BPDA PGD"] < 0.1  # …until the attack adapts
    assert table["adversarial training, PGD"] > 0.7


def test_ssim_matches_scikit_image():
    from skimage.metrics import structural_similarity
    g = torch.Generator().manual_seed(0)
    a = torch.rand(1, 3, 40, 50, generator=g)
    b = (a + 0.1 * torch.randn(a.shape, generator=g)).clamp(0, 1)
    ref = structural_similarity(a[0].permute(1, 2, 0).numpy(), b[0].permute(1, 2, 0).numpy(),
                                channel_axis=2, gaussian_weights=True, sigma=1.5,
                                use_sample_covariance=False, data_range=1.0)
    assert adv.ssim(a, b) == pytest.approx(ref, abs=1e-5)
    assert adv.ssim(a, a) == pytest.approx(1.0)


def test_perceptibility_of_an_unclipped_fgsm_step():
    x = torch.full((1, 1, 28, 28), 0.5)
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
    seen = adv.perceptibility(x, adv.fgsm(model, x, torch.tensor([1]), 0.1))
    assert seen["linf"] == pytest.approx(0.1)
    assert seen["l2"] == pytest.approx(0.1 * 28, rel=1e-3)  # every pixel moved by exactly eps


def test_attacks_leave_the_shared_model_untouched(digits):
    mnist_cnn = load_pretrained("mnist_cnn")  # fresh: no other test can have touched it
    before = {k: v.clone() for k, v in mnist_cnn.state_dict().items()}
    for name in adv.ATTACKS:
        run(name, mnist_cnn, digits[0][:8], digits[1][:8], 0.1)
    assert not mnist_cnn.training
    assert all(p.grad is None and p.requires_grad for p in mnist_cnn.parameters())
    assert all(torch.equal(v, mnist_cnn.state_dict()[k]) for k, v in before.items())
    assert not any(m._forward_hooks or m._backward_hooks for m in mnist_cnn.modules())


def test_flip_sentence_states_the_flip_in_words():
    assert "flipped from “7” (99%) to “3” (80%)" in adv.flip_sentence(("7", 0.99), ("3", 0.8), "0.10")
    assert "still says" in adv.flip_sentence(("7", 0.99), ("7", 0.6), "0.10")


# ---- the page
@pytest.mark.parametrize("attack", list(adv.ATTACKS))
def test_page_runs_every_attack(attack):
    at = open_page(PAGE, attack=attack, eps="0.2")
    assert not at.exception
    flip = " ".join(i.value for i in at.info)
    # untargeted: flipped or held; targeted (aimed at “3”): reached it, or the page says it missed
    outcomes = ("flipped from “7”", "still says “7”") + (("missed: it aimed for “3”",) if "targeted" in attack else ())
    assert any(o in flip for o in outcomes), flip
    assert len(plotly_specs(at)) >= 5  # original, its bars, perturbation, adversarial, its bars


def test_page_pgd_flips_the_standard_model_and_not_the_robust_one():
    at = open_page(PAGE, attack="pgd", eps="0.1")
    assert "flipped from “7”" in " ".join(i.value for i in at.info)
    at = open_page(PAGE, attack="pgd", eps="0.1", model="mnist_cnn_robust")
    assert "still says “7”" in " ".join(i.value for i in at.info)


def test_page_controls_drive_the_attack():
    at = open_page(PAGE)
    at.slider(key="eps").set_value(0.0).run()
    assert "still says “7”" in " ".join(i.value for i in at.info)
    assert "**L∞** 0.000" in " ".join(m.value for m in at.markdown)
    at.slider(key="eps").set_value(0.25).run()
    assert "flipped" in " ".join(i.value for i in at.info)


def test_targeting_the_true_class_warns():
    at = open_page(PAGE, attack="fgsm_targeted", target_digit="7")
    assert any("already the model's answer" in w.value for w in at.warning)


def test_photo_attack_on_efficientnet():
    at = open_page(PAGE, family="photos", photo="coffee", attack="fgsm", eps255="2")
    assert not at.exception
    assert "model says “espresso”" in " ".join(captions(at))
    assert "flipped from “espresso”" in " ".join(i.value for i in at.info)


@pytest.mark.parametrize("fn, args", [(rob.defence_experiment, (200, 0.2, 2)), (rob.transfer_experiment, (200, 0.1))],
                         ids=["defences", "transfer"])
def test_committed_results_are_what_the_functions_give_now(fn, args):
    """The tabs open on results stored by `python -m train.precompute` (models/results/robustness.json);
    a sample recomputed live with the weights on disk gives the same tables, to the digit."""
    from demos.precomputed import encode, lookup
    stored = lookup(fn, args)
    assert stored is not None, "stored, and made with the weights on disk"
    assert encode(fn(*args)) == encode(stored[0])


@pytest.mark.parametrize("view", ["Robust accuracy", "Transfer", "Defences"])
def test_experiment_tabs(view):
    at = open_page(PAGE, view=view, n="200", timeout=240)
    assert not at.exception
    text = " ".join(captions(at) + [i.value for i in at.info])
    expected = {"Robust accuracy": "adversarially trained CNN", "Transfer": "average success when transferred",
                "Defences": "BPDA breaks the defence"}[view]  # 2-bit squeezing at eps 0.2: masked, not robust
    assert expected in text
