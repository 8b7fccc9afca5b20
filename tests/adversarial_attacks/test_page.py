"""The page through AppTest (two opens: a digit, a photo): every attack runs from the controls, the
hero's sentence is the demo's for the controls' values, the models and ε move it, a targeted attack
at the true class warns, and each tab shows what its demo functions say of the committed results."""
import pytest

from tests.support import captions, open_page, plotly_specs
from demos.adversarial_attacks import attacks, defences, perceptibility, robustness, transfer
from demos.precomputed import lookup
from demos.prediction import predict_topk
from models import class_names

pytestmark = pytest.mark.filterwarnings("ignore")
PAGE = "pages/02_adversarial_attacks.py"
DIGITS = tuple(class_names("mnist_cnn"))


def infos(at) -> str:
    return " ".join(i.value for i in at.info)


@pytest.fixture(scope="module")
def page():
    """A held-out 7 (digit 7, example 0) under PGD at ε = 0.2; each test sets the controls it needs."""
    at = open_page(PAGE, eps="0.2", timeout=180)
    assert not at.exception, at.exception
    return at


def set_controls(at, **values):
    """Set several controls, then run once."""
    for key, value in values.items():
        at.session_state[key] = value
    return at.run()


@pytest.mark.parametrize("attack", list(attacks.ATTACKS))
def test_page_runs_every_attack(page, attack):
    at = set_controls(page, attack=attack, eps=0.2, model="mnist_cnn")
    assert not at.exception
    flip = infos(at)
    # untargeted: flipped or held; targeted (aimed at “3”): reached it, or the page says it missed
    outcomes = ("flipped from “7”", "still says “7”") + (("missed: it aimed for “3”",) if "targeted" in attack else ())
    assert any(o in flip for o in outcomes), flip
    assert len(plotly_specs(at)) >= 5  # original, its bars, perturbation, adversarial, its bars


def test_the_hero_says_what_the_demo_functions_compute(page, mnist, mnist_cnn):
    at = set_controls(page, attack="bim", eps=0.15, model="mnist_cnn", steps=5, alpha=1.5)
    row = int((mnist.test_labels == 7).nonzero()[0])  # digit 7, example 0, as the picker takes it
    x = mnist.test_images[row:row + 1]
    x_adv = attacks.craft("bim", mnist_cnn, x, 7, 0.15, 5, 1.5)
    before, after = predict_topk(mnist_cnn, x, DIGITS), predict_topk(mnist_cnn, x_adv, DIGITS)
    assert infos(at) == attacks.flip_caption(before[0], after[0], "0.15")
    assert perceptibility.perturbation_caption(0.15) in captions(at)
    assert perceptibility.perceptibility_text(perceptibility.perceptibility(x, x_adv)) in [m.value for m in at.markdown]
    set_controls(page, steps=10, alpha=2.5)


def test_page_pgd_flips_the_standard_model_and_not_the_robust_one(page):
    at = set_controls(page, attack="pgd", eps=0.1, model="mnist_cnn")
    assert "flipped from “7”" in infos(at)
    at = set_controls(page, model="mnist_cnn_robust")
    assert "still says “7”" in infos(at)
    set_controls(page, model="mnist_cnn")


def test_page_controls_drive_the_attack(page):
    at = set_controls(page, attack="pgd", model="mnist_cnn")
    at.slider(key="eps").set_value(0.0).run()
    assert "still says “7”" in infos(at)
    assert "**L∞** 0.000" in " ".join(m.value for m in at.markdown)
    at.slider(key="eps").set_value(0.25).run()
    assert "flipped" in infos(at)


def test_targeting_the_true_class_warns(page):
    at = set_controls(page, attack="fgsm_targeted", target_digit="7", model="mnist_cnn")
    assert any("already the model's answer" in w.value for w in at.warning)
    at = set_controls(page, target_digit="3")
    assert not any("already the model's answer" in w.value for w in at.warning)


def test_experiment_tabs_show_their_demos_captions(page):
    """Each tab at 200 digits, on the committed results; the Robust accuracy tab also attacks this
    digit at every budget."""
    at = set_controls(page, view="Robust accuracy", n="200", attack="pgd", eps=0.1, model="mnist_cnn")
    assert not at.exception
    table = lookup(robustness.robustness_experiment, (200,))[0]
    text = " ".join(captions(at) + [infos(at)])
    assert "adversarially trained CNN" in text
    assert robustness.robustness_caption(table, 0.1, 200, True) in captions(at)
    assert any(c.startswith("PGD on this digit at every budget") for c in captions(at))

    at = set_controls(page, view="Transfer")
    assert not at.exception
    mats = lookup(transfer.transfer_experiment, (200, 0.2))[0]
    assert "average success when transferred" in " ".join(captions(at) + [infos(at)])
    assert transfer.transfer_caption(mats, 200, 0.2) in infos(at)
    assert [transfer.matrix_caption(a, m) for a, m in mats.items()] == \
        [c for c in captions(at) if "average success on the other models" in c]

    at = set_controls(page, view="Defences")
    assert not at.exception
    text = " ".join(captions(at) + [infos(at)])
    assert "BPDA breaks the defence" in text  # 2-bit squeezing at eps 0.2: masked, not robust
    assert defences.defence_caption(lookup(defences.defence_experiment, (200, 0.2, 2))[0], 2, 0.2) in captions(at)
    at = set_controls(page, bits=1, d_eps=0.1)
    assert defences.defence_caption(lookup(defences.defence_experiment, (200, 0.1, 1))[0], 1, 0.1) in captions(at)
    set_controls(page, view="Robust accuracy", bits=2, d_eps=0.2)


def test_photo_attack_on_efficientnet():
    at = open_page(PAGE, family="photos", photo="coffee", attack="fgsm", eps255="2", timeout=180)
    assert not at.exception
    assert "model says “espresso”" in " ".join(captions(at))
    assert "flipped from “espresso”" in infos(at)
    assert "2/255" in infos(at)
