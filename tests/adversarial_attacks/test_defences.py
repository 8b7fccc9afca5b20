"""demos.adversarial_attacks.defences: the quantiser's gradient and BPDA's, the defence experiment
(recomputed once: its claims, and that the committed table is what it gives now), and its caption."""
import pandas as pd
import pytest
import torch

from demos.adversarial_attacks import defences
from demos.precomputed import lookup


def test_bit_depth_gradient_is_zero_and_bpda_gradient_is_the_identity():
    x = torch.rand(1, 1, 4, 4, requires_grad=True)
    q = defences.BitDepth(2)(x)
    assert torch.allclose(q * 3, torch.round(q * 3))  # 4 levels
    (g,) = torch.autograd.grad(q.sum(), x)
    assert g.abs().sum() == 0
    (g,) = torch.autograd.grad(defences.BitDepth(2, bpda=True)(x).sum(), x)
    assert torch.equal(g, torch.ones_like(x))
    assert torch.equal(defences.BitDepth(2, bpda=True)(x), q)  # same forward pass


@pytest.fixture(scope="module")
def live():
    """defence_experiment(200, 0.2, 2), computed now with the weights on disk (the page's default)."""
    return defences.defence_experiment(200, eps=0.2, bits=2)


def test_bpda_breaks_bit_depth_reduction_and_adversarial_training_holds(live):
    table = live.set_index("setting")["accuracy"]
    assert table["bit-depth, naive PGD"] > 0.8  # looks robust…
    assert table["bit-depth, BPDA PGD"] < 0.1  # …until the attack adapts
    assert table["adversarial training, PGD"] > 0.7


def test_committed_results_are_what_the_functions_give_now(live):
    """The Defences tab opens on results stored by `python -m train.precompute`
    (models/results/adversarial_attacks.json); a sample recomputed live with the weights on disk gives
    the same table, to within two digits (another CPU's float sums can move an attacked digit that sits
    on a decision boundary)."""
    stored = lookup(defences.defence_experiment, (200, 0.2, 2))
    assert stored is not None, "stored, and made with the weights on disk"
    kept = stored[0]
    assert list(live["setting"]) == list(kept["setting"])
    assert (live["accuracy"] - kept["accuracy"]).abs().max() <= 2 / 200  # accuracies over 200 digits


def table(naive: float, bpda: float, plain: float = 0.0, trained: float = 0.85) -> pd.DataFrame:
    rows = {"no defence, clean": 0.99, "no defence, PGD": plain, "bit-depth, clean": 0.98,
            "bit-depth, naive PGD": naive, "bit-depth, BPDA PGD": bpda,
            "adversarial training, clean": 0.97, "adversarial training, PGD": trained}
    return pd.DataFrame({"setting": list(rows), "accuracy": list(rows.values())})


def test_defence_caption_masked_held_or_neither():
    masked = defences.defence_caption(table(0.9, 0.02), 2, 0.2)
    assert masked.startswith("At ε = 0.20, 2-bit squeezing keeps 90% against naive PGD")
    assert "and 2% against BPDA" in masked and "undefended CNN keeps 0% and the adversarially trained CNN 85%" in masked
    assert masked.endswith("BPDA breaks the defence.")
    held = defences.defence_caption(table(0.9, 0.8), 1, 0.1)  # BPDA leaves ≥ 25 points more than no defence
    assert "holds even against the adaptive attack" in held and "rounded to black or white" in held
    assert "half a level" in defences.defence_caption(table(0.9, 0.8), 3, 0.1)
    neither = defences.defence_caption(table(0.15, 0.1), 4, 0.3)  # naive not > BPDA + 10 points: no verdict
    assert neither.endswith("adversarially trained CNN 85%. ") and "BPDA breaks" not in neither


def test_defence_figure_is_one_bar_per_setting():
    fig = defences.defence_figure(table(0.9, 0.02)).to_plotly_json()
    assert list(fig["data"][0]["x"]) == list(table(0.9, 0.02)["setting"])
    assert fig["layout"]["title"]["text"] == "Accuracy under attack"
