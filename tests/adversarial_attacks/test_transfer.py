"""demos.adversarial_attacks.transfer: the matrix's diagonal is the white-box success, the committed
matrices are what the function gives now, and the captions read the matrices shown."""
import numpy as np
import pandas as pd
import pytest

from demos.adversarial_attacks import attacks, transfer
from demos.precomputed import lookup


def test_transfer_matrix_diagonal_is_the_white_box_success(digits, mnist_cnn, pretrained):
    x, y = digits[0][:40], digits[1][:40]
    mlp = pretrained("mnist_mlp")
    m = transfer.transfer_matrix({"cnn": mnist_cnn, "mlp": mlp}, x, y, "fgsm", 0.2)
    white_box = transfer.success_rate(mnist_cnn, attacks.fgsm(mnist_cnn, x, y, 0.2), y, clean=x)
    assert m[0, 0].item() == pytest.approx(white_box)
    assert ((0 <= m) & (m <= 1)).all()


def test_committed_results_are_what_the_functions_give_now():
    """The Transfer tab opens on results stored by `python -m train.precompute`
    (models/results/adversarial_attacks.json); a sample recomputed live with the weights on disk gives
    the same tables, to within two digits: a rate is a count of flipped digits over the ~197 the models
    get right, and another CPU's float sums can move an attacked digit that sits on a decision boundary
    (seen: MI-FGSM crafted on the MLP against the CNN, 120 of 197 committed, 119 here)."""
    args = (200, 0.1)
    stored = lookup(transfer.transfer_experiment, args)
    assert stored is not None, "stored, and made with the weights on disk"
    fresh = transfer.transfer_experiment(*args)
    assert fresh.keys() == stored[0].keys()
    for name, table in fresh.items():
        kept = stored[0][name]
        assert list(kept.index) == list(table.index) and list(kept.columns) == list(table.columns)
        assert np.abs(kept.values - table.values).max() <= 2 / 190, name  # two digits of at least 190


# ---- captions (hand-made matrices: rows crafted on, columns tested on)
def matrix(off: float, diagonal: float = 1.0) -> pd.DataFrame:
    values = np.full((3, 3), off)
    np.fill_diagonal(values, diagonal)
    return pd.DataFrame(values, index=list(attacks.DIGIT_MODELS), columns=list(attacks.DIGIT_MODELS))


def test_off_diagonal_leaves_out_the_white_box_cells():
    mat = matrix(0.2)
    mat.iloc[0, 1] = 0.8  # off-diagonal mean: (0.8 + 5 * 0.2) / 6 = 0.3
    assert transfer.off_diagonal(mat) == pytest.approx(0.3)
    assert transfer.matrix_caption("pgd", mat) == ("PGD: 30% average success on the other models "
                                                   "(rows: crafted on, columns: tested on).")


def test_matrix_figure_labels_rows_and_columns_by_short_name():
    fig = transfer.matrix_figure("mifgsm", matrix(0.25)).to_plotly_json()
    assert list(fig["data"][0]["x"]) == list(fig["data"][0]["y"]) == ["CNN", "Robust CNN", "MLP"]
    assert fig["layout"]["title"]["text"] == "MI-FGSM"


def test_two_se_is_the_sampling_noise_of_a_rate():
    assert transfer.two_se(0.5, 100) == pytest.approx(0.1)  # 2 * sqrt(0.25 / 100)
    assert transfer.two_se(0.0, 100) > 0  # never exactly zero


def test_transfer_caption_ranks_the_families_and_weighs_the_noise():
    mats = {"fgsm": matrix(0.3), "pgd": matrix(0.1), "mifgsm": matrix(0.5)}
    text = transfer.transfer_caption(mats, 200, 0.2)
    # spread 40 points; noise 2 * sqrt(0.3 * 0.7 / 200) = 6.5 points
    assert text.startswith("At ε = 0.20, average success when transferred to another model: "
                           "MI-FGSM 50%, FGSM 30%, PGD 10%; ")
    assert "MI-FGSM transfers best, 40 points ahead of PGD (noise about ±6 points on 200 digits)" in text
    close = transfer.transfer_caption({"fgsm": matrix(0.30), "pgd": matrix(0.28), "mifgsm": matrix(0.31)}, 200, 0.1)
    assert "the spread (3 points) is within the sampling noise of about ±6 points on 200 digits" in close
    assert "transfer equally well" in close and "transfers best" not in close
