"""PCA by SVD against scikit-learn, principal angles against SciPy, a tiny linear autoencoder that
finds the PCA subspace, and the committed run (its PCA errors re-derived by an eigendecomposition)."""
import numpy as np
import pytest
import torch

from demos.anomaly_detection import compress as C


def low_rank_data(n: int = 400, d: int = 12, seed: int = 0) -> torch.Tensor:
    """Rows with variances 9, 4, 1 along three random orthonormal directions, 0.01 elsewhere, offset 2."""
    g = torch.Generator().manual_seed(seed)
    q, _ = torch.linalg.qr(torch.randn(d, d, generator=g))
    scales = torch.tensor([3.0, 2.0, 1.0] + [0.1] * (d - 3))
    return 2.0 + (torch.randn(n, d, generator=g) * scales) @ q.T


def test_pca_matches_scikit_learn():
    from sklearn.decomposition import PCA

    x = low_rank_data()
    mean, basis = C.pca_fit(x, 3)
    ref = PCA(n_components=3, svd_solver="full").fit(x.numpy())
    np.testing.assert_allclose(mean.numpy(), ref.mean_, atol=1e-5)
    # directions agree up to sign: compare the projectors V Vᵀ
    np.testing.assert_allclose((basis @ basis.T).numpy(), ref.components_.T @ ref.components_, atol=1e-4)
    recon = C.pca_reconstruct(x, mean, basis).numpy()
    np.testing.assert_allclose(recon, ref.inverse_transform(ref.transform(x.numpy())), atol=1e-4)


def test_principal_angles_match_scipy():
    from scipy.linalg import subspace_angles

    g = torch.Generator().manual_seed(1)
    a, b = torch.randn(20, 4, generator=g, dtype=torch.float64), torch.randn(20, 4, generator=g, dtype=torch.float64)
    ours = C.principal_angles(a, b).numpy()
    np.testing.assert_allclose(np.sort(ours), np.sort(np.degrees(subspace_angles(a.numpy(), b.numpy()))), atol=1e-6)
    # same span, other basis: every angle is 0
    assert C.principal_angles(a, a @ torch.randn(4, 4, generator=g, dtype=torch.float64)).max() < 1e-4


def test_a_linear_autoencoder_recovers_the_pca_subspace():
    """Baldi and Hornik (1989): the minimum of a linear AE's squared error spans the top-k PCA
    directions. With a clear eigengap (9, 4, 1 vs 0.01) the trained decoder lies within a degree of
    them, whereas a random 3-d subspace of 12-d space lies tens of degrees away."""
    x = low_rank_data()
    _, basis = C.pca_fit(x, 3)
    model, history = C.train_autoencoder(x, 3, True, epochs=150, seed=0, lr=1e-2, batch_size=50)
    assert history[-1] < history[0]
    assert C.principal_angles(C.decoder_basis(model), basis).max() < 1.0
    assert C.principal_angles(torch.randn(12, 3, generator=torch.Generator().manual_seed(2)), basis).max() > 20


@pytest.fixture(scope="module")
def run():
    return C.recorded()


def test_committed_pca_errors_agree_with_an_eigendecomposition(run, mnist):
    """Independent route to PCA: eigenvectors of the training covariance (not an SVD of the data)."""
    from models.data import validation_split

    fit = validation_split()[0].flatten(1).double()
    mean = fit.mean(0)
    _, vectors = torch.linalg.eigh((fit - mean).T @ (fit - mean))  # ascending eigenvalues
    test = mnist.test_images.flatten(1).double()
    for k in (2, 16):
        v = vectors[:, -k:]
        err = float(((mean + (test - mean) @ v @ v.T - test) ** 2).mean())
        assert run.errors["PCA"][run.at(k)] == pytest.approx(err, rel=1e-3)


def test_committed_linear_autoencoders_span_the_pca_subspace(run):
    """Every principal angle between each linear AE's decoder and the top-k PCA directions is under
    5° (a random k-dim subspace of 784-dim space is near 90° away), and its held-out error is within
    1 % of PCA's (the best any rank-k linear map can do on the training data). The non-linear AE
    beats PCA for k ≤ 16 and not at 32 and 64, as the page's prose says."""
    for i, k in enumerate(run.sizes):
        assert run.angles[i].shape == (k,) and run.angles[i].max() < 5.0, k
        assert run.errors["linear AE"][i] <= 1.01 * run.errors["PCA"][i], k
        assert (run.errors["AE"][i] < run.errors["PCA"][i]) == (k <= 16), k
    assert np.all(np.diff(run.errors["PCA"]) < 0)  # more components, less held-out error


def test_the_caption_follows_the_bottleneck(run):
    small, large = C.errors_caption(run, 2), C.errors_caption(run, 64)
    assert small != large and small.startswith("At k = 2 ") and "its 64 principal angles" in large
    assert f"{run.errors['PCA'][run.at(16)]:.4f} for PCA" in C.errors_caption(run, 16)
    assert "spans (almost) the PCA subspace" in small and "non-linear AE's error is" in small  # AE < PCA at k = 2
    assert "does no better than PCA" in large  # and not at 64
    far = C.CompressRun(run.sizes, run.errors, [a + 40 for a in run.angles], run.originals, run.reconstructions)
    assert "has not reached the PCA subspace" in C.errors_caption(far, 2)
    with pytest.raises(ValueError):
        run.at(5)
    fig = C.reconstructions_figure(run, 8)
    assert len(fig.data) == len(run.originals) * 4
