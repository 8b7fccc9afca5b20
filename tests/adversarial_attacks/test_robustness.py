"""demos.adversarial_attacks.robustness: accuracy under PGD against a brute-force reference, the
committed robust model, and the captions of the sweep and of one digit at every budget."""
import pandas as pd
import pytest
import torch

from demos.adversarial_attacks import attacks, robustness
from models import metadata


def test_adversarial_training_keeps_clearly_higher_accuracy(digits, mnist_cnn, robust):
    x, y = digits
    accs = {n: robustness.robust_accuracy(m, x, y, [0.0, 0.1], steps=10)
            for n, m in (("standard", mnist_cnn), ("robust", robust))}
    assert accs["robust"][1] >= 0.80 and accs["robust"][1] > accs["standard"][1] + 0.5
    assert accs["robust"][0] < accs["standard"][0] + 0.005  # robustness is not free


def test_committed_robust_model_meets_its_metadata():
    meta = metadata("mnist_cnn_robust")
    assert meta["recipe"]["pgd_eps"] == 0.3
    assert {"pgd20_accuracy_eps_0.1", "pgd20_accuracy_eps_0.2", "pgd20_accuracy_eps_0.3"} <= set(meta["metrics"])
    assert meta["metrics"]["test_accuracy"] >= meta["metric_bar"]["test_accuracy"]


def test_robust_accuracy_pruning_matches_attacking_every_digit_at_every_eps(digits, mnist_cnn):
    x, y = digits[0][:60], digits[1][:60]
    eps_list = [0.0, 0.05, 0.1]
    fast = robustness.robust_accuracy(mnist_cnn, x, y, eps_list, steps=5)
    brute = []
    for eps in eps_list:  # a reference that attacks everything, then applies the same monotonicity
        fooled = torch.zeros(len(y), dtype=torch.bool)
        for e in [e for e in eps_list if e <= eps]:
            x_adv = attacks.pgd(mnist_cnn, x, y, e, 2.5 * e / 5, 5, generator=torch.Generator().manual_seed(0)) if e else x
            fooled |= attacks.predict(mnist_cnn, x_adv) != y
        brute.append(1 - fooled.float().mean().item())
    assert fast[0] == pytest.approx(brute[0])
    assert all(f <= b + 0.05 for f, b in zip(fast, brute))  # pruning only removes wasted work
    assert fast == sorted(fast, reverse=True)


# ---- the sweep's chart and caption (a hand-made table: the numbers are easy to check)
TABLE = pd.DataFrame({"eps": list(robustness.SWEEP_EPS),
                      "mnist_cnn": [0.99, 0.9, 0.5, 0.2, 0.05, 0.0, 0.0, 0.0],
                      "mnist_cnn_robust": [0.97, 0.96, 0.95, 0.93, 0.9, 0.85, 0.8, 0.4],
                      "mnist_mlp": [0.98, 0.6, 0.1, 0.0, 0.0, 0.0, 0.0, 0.0]})


@pytest.mark.parametrize("eps, digits, read", [(0.1, True, "0.10"), (0.12, True, "0.10"), (0.13, True, "0.15"),
                                               (0.3, True, "0.30"), (4 / 255, False, "0.10")])
def test_robustness_caption_reads_the_curves_at_the_nearest_swept_eps(eps, digits, read):
    text = robustness.robustness_caption(TABLE, eps, 200, digits)
    row = TABLE.set_index(TABLE["eps"].map(lambda e: f"{e:.2f}")).loc[read]
    assert text.startswith(f"At ε = {read} the standard CNN keeps {row['mnist_cnn']:.0%} of 200 digits")
    assert f"adversarially trained CNN {row['mnist_cnn_robust']:.0%}, the MLP {row['mnist_mlp']:.0%}" in text
    # 0.99 − 0.97 at ε = 0: a cost of 2.0 points, said as a cost (the page said "+2.0%")
    assert text.endswith("robustness costs 2.0% of clean accuracy (97.0% against the standard CNN's 99.0%).")


def test_a_robust_model_as_accurate_on_clean_digits_costs_nothing():
    assert robustness.clean_cost(0.98, 0.985) == "here robustness costs no clean accuracy (98.5% against the standard CNN's 98.0%)."


def test_robustness_figure_marks_the_digit_eps_only():
    fig = robustness.robustness_figure(TABLE, 0.1, "0.10", digits=True).to_plotly_json()
    assert [t["name"] for t in fig["data"]] == list(attacks.DIGIT_MODELS.values())
    assert any("your ε 0.10" in str(a) for a in fig["layout"].get("annotations", []) + fig["layout"].get("shapes", []))
    photos = robustness.robustness_figure(TABLE, 2 / 255, "2/255", digits=False).to_plotly_json()
    assert not photos["layout"].get("shapes")


# ---- one digit at every budget
def test_budgets_are_the_sweep_without_zero():
    assert robustness.BUDGETS == (0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35)


def test_budgets_caption_names_the_first_budget_that_flips():
    says = ["7", "7", "3", "7", "3", "3", "3"]  # a later budget may flip back: the first flip counts
    assert robustness.first_flip(robustness.BUDGETS, says, "7") == 0.15
    text = robustness.budgets_caption("pgd", robustness.BUDGETS, says, "7")
    assert text == ("PGD on this digit at every budget, with the model's answer above each: "
                    "it first leaves “7” at ε = 0.15. The strip, like the sweep, goes one step past the ε slider's "
                    "0.30, to 0.35.")  # the slider stops at 0.30; the strip said nothing of its last budget
    assert robustness.budgets_caption("pgd", (0.1, 0.2), ["7", "3"], "7").endswith("at ε = 0.20.")
    held = robustness.budgets_caption("fgsm", robustness.BUDGETS, ["7"] * 7, "7")
    assert robustness.first_flip(robustness.BUDGETS, ["7"] * 7, "7") is None
    assert "it stays “7” up to ε = 0.35." in held and held.startswith("FGSM on this digit")


def test_answers_and_budgets_figure(digits, mnist_cnn):
    x, y = digits[0][:1], digits[1][:1]
    shots = [attacks.craft("pgd", mnist_cnn, x, int(y), e, 10, 2.5) for e in (0.05, 0.3)]
    names = tuple(str(d) for d in range(10))
    says = robustness.answers(mnist_cnn, shots, names)
    assert says == [names[int(attacks.predict(mnist_cnn, s))] for s in shots]
    fig = robustness.budgets_figure(shots, (0.05, 0.3), says, "pgd").to_plotly_json()
    titles = [a["text"] for a in fig["layout"]["annotations"]]
    assert f"ε 0.05: “{says[0]}”" in titles and f"ε 0.30: “{says[1]}”" in titles and "PGD" in titles
