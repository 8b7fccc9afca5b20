"""Latent space: PCA by SVD against scikit-learn."""
import numpy as np

from demos.anomaly_detection import latent


def test_pca_2d_matches_scikit_learn_up_to_sign():
    from sklearn.decomposition import PCA
    codes = np.random.default_rng(2).normal(size=(50, 6)) @ np.diag([5, 3, 1, 1, 1, 1])
    ours, ref = latent.pca_2d(codes), PCA(2).fit_transform(codes)
    assert np.allclose(np.abs(ours), np.abs(ref), atol=1e-8)
    assert latent.latent_caption(codes).startswith("Each point is one test image's 6-number code")
    assert len(latent.latent_figure(codes, ["a"] * 25 + ["b"] * 25).data) == 2
