"""demos.transfer_learning.siamese: error rates and ROC against hand counts, pair distances of true
pairs, the captions and figures at several thresholds."""
import numpy as np
import pytest
import torch

from demos.transfer_learning import siamese

pytestmark = pytest.mark.filterwarnings("ignore")


@pytest.fixture(scope="module")
def pairs(backbone, data):
    with torch.no_grad():
        return siamese.pair_distances(backbone.embed(data["test_x"]), data["test_y"], n_pairs=500, seed=1)


def test_error_rates_and_roc_by_hand():
    same, diff = np.array([0.1, 0.2, 0.5]), np.array([0.4, 0.9, 1.2])
    # threshold 0.45: accepted different pairs {0.4} -> FAR 1/3; rejected same pairs {0.5} -> FRR 1/3
    assert siamese.error_rates(same, diff, 0.45) == pytest.approx((1 / 3, 1 / 3))
    # AUC = P(same distance < different distance) over the 9 pairs: 3 + 3 + 2 = 8 -> 8/9
    r = siamese.roc(same, diff)
    assert r["auc"] == pytest.approx(8 / 9) and r["eer"] == pytest.approx(1 / 3)


def test_pair_distances_are_unit_vector_distances_of_true_pairs(backbone, data, pairs):
    same, diff = pairs
    assert len(same) == len(diff) == 500
    assert same.min() >= 0 and diff.max() <= 2 + 1e-9
    assert np.median(same) < np.median(diff)
    with torch.no_grad():
        again = siamese.pair_distances(backbone.embed(data["test_x"]), data["test_y"], n_pairs=500, seed=1)
    assert np.array_equal(same, again[0])


def test_captions_by_hand():
    same, diff = np.array([0.1, 0.2, 0.5]), np.array([0.4, 0.9, 1.2])
    # threshold 0.45: FAR = FRR = 1/3 (above); the ROC's area 8/9 = 0.889, equal error 1/3 at 0.40
    assert siamese.histogram_caption(same, diff, 0.45) == (
        "At distance threshold 0.45: 33.3% of different-digit pairs are accepted as the same (false accepts), "
        "33.3% of same-digit pairs are rejected (false rejects). Area under the ROC 0.889; false accepts equal "
        "false rejects (33.3%) at 0.40.")
    # threshold 1.0: different pairs accepted {0.4, 0.9} -> 66.7%; no same pair rejected
    assert siamese.roc_caption(same, diff, 1.0) == ("Moving the threshold trades false accepts (66.7%) for false "
                                                    "rejects (0.0%); the diamond is the current threshold.")


@pytest.mark.parametrize("threshold", [0.0, 0.8, 2.0])
def test_figures_mark_the_threshold(pairs, threshold):
    same, diff = pairs
    far, frr = siamese.error_rates(same, diff, threshold)
    roc = siamese.roc_figure(same, diff, threshold)
    diamond = roc.data[-1]
    assert (diamond.x[0], diamond.y[0]) == pytest.approx((far, 1 - frr))
    assert f"false accepts ({far:.1%})" in siamese.roc_caption(same, diff, threshold)
    assert siamese.histogram_caption(same, diff, threshold).startswith(f"At distance threshold {threshold:.2f}: {far:.1%} ")
    hist = siamese.histogram_figure(same, diff, threshold)
    assert [t.name for t in hist.data] == ["same digit (500)", "different digits (500)"]
    assert hist.layout.shapes[0].x0 == threshold
