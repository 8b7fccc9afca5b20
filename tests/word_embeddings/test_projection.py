"""demos/word_embeddings/projection.py: PCA equals scikit-learn's up to sign; the hand-written t-SNE's
affinities equal scikit-learn's, it is deterministic under its seed, and it lowers KL(P‖Q) to within
reach of scikit-learn's exact t-SNE."""
import numpy as np
import pytest

from demos.word_embeddings import projection


@pytest.fixture(scope="module")
def clusters():
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(4, 40)) * 3
    x = np.concatenate([c + rng.normal(size=(12, 40)) for c in centres])
    return x, [str(i) for i in range(48)], [f"g{i // 12}" for i in range(48)]


def test_pca_equals_sklearns_up_to_sign(clusters):
    from sklearn.decomposition import PCA

    x = clusters[0]
    mine, explained = projection.pca_2d(x)
    ref = PCA(2).fit(x)
    flat = ref.transform(x)
    assert np.allclose(np.abs(mine), np.abs(flat), atol=1e-8)
    assert explained == pytest.approx(ref.explained_variance_ratio_.sum())


def test_affinities_equal_sklearns(clusters):
    from scipy.spatial.distance import squareform
    from sklearn.manifold._t_sne import _joint_probabilities
    from sklearn.metrics import pairwise_distances

    x = clusters[0]
    distances = pairwise_distances(x, metric="cosine")
    ref = squareform(_joint_probabilities(distances, 8.0, 0))
    assert np.allclose(projection.affinities(distances, 8.0), ref, atol=1e-8)


def test_tsne_is_seeded_deterministic_and_fits_about_as_well_as_sklearn(clusters):
    from sklearn.manifold import TSNE

    x, words, groups = clusters
    a = projection.project(x, words, groups, 8, seed=1)
    assert np.array_equal(a.tsne, projection.project(x, words, groups, 8, seed=1).tsne)
    assert not np.array_equal(a.tsne, projection.project(x, words, groups, 8, seed=2).tsne)
    mine = projection.kl_divergence(x, a.tsne, 8)
    ref = TSNE(perplexity=8, metric="cosine", init="pca", method="exact", random_state=0, max_iter=500).fit(x)
    assert mine < 2 * ref.kl_divergence_ + 0.05  # same objective, same schedule: a comparable optimum
    start = projection.pca_2d(x)[0]
    assert mine < projection.kl_divergence(x, start, 8)  # better than the PCA picture it started from
    # four well-separated clusters of 12: each point's 5 nearest in the drawing are from its own cluster
    d = ((a.tsne[:, None] - a.tsne[None]) ** 2).sum(-1) + np.eye(48) * 1e9
    assert all(set(np.argsort(d[i])[:5] // 12) == {i // 12} for i in range(48))
    assert a.kept_tsne > a.kept_pca


def test_kept_neighbours_by_hand():
    # points on a line: full space and drawing agree → 1; the drawing reversed in pairs → fewer kept
    line = np.array([[1.0, 0.0], [1.0, 0.1], [1.0, 0.2], [1.0, 5.0], [1.0, 5.1], [1.0, 5.2]])
    assert projection.kept_neighbours(line, line[:, 1:] * [[1.0]] @ np.ones((1, 2)), k=2) == 1.0
    scrambled = line[[3, 4, 0, 5, 1, 2]][:, 1:] @ np.ones((1, 2))
    assert projection.kept_neighbours(line, scrambled, k=2) < 1.0


def test_the_caption_and_csv_carry_the_same_numbers(clusters):
    x, words, groups = clusters
    p = projection.project(x, words, groups, 100, seed=0)
    assert p.perplexity == 47  # capped below the number of points
    caption = projection.projection_caption(p)
    assert f"PCA keeps {p.kept_pca:.0%}" in caption and f"t-SNE {p.kept_tsne:.0%}" in caption
    rows = projection.projection_csv(p).splitlines()
    assert rows[0] == "word,group,pca_x,pca_y,tsne_x,tsne_y" and len(rows) == 49
