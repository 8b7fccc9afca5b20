"""demos/word_embeddings/recommender.py: matrix factorisation's prediction is the dot product plus
biases, both models beat predicting the mean, and the item vectors recover the hidden genres."""
import numpy as np
import pytest
import torch

from demos.word_embeddings import recommender


def test_matrix_factorisation_is_a_dot_product_plus_biases():
    torch.manual_seed(0)
    mf = recommender.MatrixFactorisation(3, mean=3.2)
    with torch.no_grad():
        mf.user_bias.weight.normal_()
        mf.item_bias.weight.normal_()
        u, i = torch.tensor([0, 5, 5]), torch.tensor([7, 7, 1])
        expected = [float(mf.user.weight[a] @ mf.item.weight[b] + mf.user_bias.weight[a, 0]
                          + mf.item_bias.weight[b, 0] + 3.2) for a, b in zip(u, i)]
        assert mf(u, i).numpy() == pytest.approx(expected, rel=1e-6)


def test_the_ratings_are_seeded_and_sparse():
    a, b = recommender.synthetic_ratings(0), recommender.synthetic_ratings(0)
    assert np.array_equal(a.values, b.values) and set(np.unique(a.values)) <= {1, 2, 3, 4, 5}
    share = len(a.values) / (recommender.N_USERS * recommender.N_ITEMS)
    assert 0.10 < share < 0.14  # 12 % observed, within sampling noise


@pytest.fixture(scope="module")
def fit():
    return recommender.train(8, 0)


def test_both_models_beat_the_mean_and_the_items_find_their_genres(fit):
    for name, curve in fit.rmse.items():
        assert curve[fit.best_epoch[name] - 1] < fit.baseline - 0.2, name
    assert recommender.genre_separation(fit) > 0.8  # chance: about 1 in 4
    text = recommender.recommender_caption(fit)
    assert f"against {fit.baseline:.2f} for predicting the mean" in text
    assert f"{recommender.genre_separation(fit):.0%} of the items' nearest neighbours" in text


def test_genre_separation_by_hand():
    items = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 0.9]])
    fit = recommender.Fit({}, {}, {}, 0.0, items, np.array([0, 0, 1, 1]), 2)
    assert recommender.genre_separation(fit) == 1.0
    fit = recommender.Fit({}, {}, {}, 0.0, items, np.array([0, 1, 0, 1]), 2)
    assert recommender.genre_separation(fit) == 0.0
