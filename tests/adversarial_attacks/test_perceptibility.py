"""demos.adversarial_attacks.perceptibility: SSIM against scikit-image's, the norms of a step whose
size is known, and the perturbation's figure and caption."""
import pytest
import torch
from torch import nn

from tests.support import plotly_array
from demos.adversarial_attacks import attacks, perceptibility


def test_ssim_matches_scikit_image():
    from skimage.metrics import structural_similarity
    g = torch.Generator().manual_seed(0)
    a = torch.rand(1, 3, 40, 50, generator=g)
    b = (a + 0.1 * torch.randn(a.shape, generator=g)).clamp(0, 1)
    ref = structural_similarity(a[0].permute(1, 2, 0).numpy(), b[0].permute(1, 2, 0).numpy(),
                                channel_axis=2, gaussian_weights=True, sigma=1.5,
                                use_sample_covariance=False, data_range=1.0)
    assert perceptibility.ssim(a, b) == pytest.approx(ref, abs=1e-5)
    assert perceptibility.ssim(a, a) == pytest.approx(1.0)


def test_perceptibility_of_an_unclipped_fgsm_step():
    x = torch.full((1, 1, 28, 28), 0.5)
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
    seen = perceptibility.perceptibility(x, attacks.fgsm(model, x, torch.tensor([1]), 0.1))
    assert seen["linf"] == pytest.approx(0.1)
    assert seen["l2"] == pytest.approx(0.1 * 28, rel=1e-3)  # every pixel moved by exactly eps
    assert perceptibility.perceptibility_text(seen).startswith("**L∞** 0.100 · **L2** 2.80 · **SSIM** ")


def test_perceptibility_text_of_no_change():
    x = torch.rand(1, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    assert perceptibility.perceptibility_text(perceptibility.perceptibility(x, x)) == \
        "**L∞** 0.000 · **L2** 0.00 · **SSIM** 1.000"


def test_perturbation_figure_is_the_channel_mean_on_a_scale_of_eps():
    x = torch.zeros(1, 3, 4, 4)
    delta = torch.zeros(1, 3, 4, 4)
    delta[0, :, 1, 2] = torch.tensor([0.06, 0.0, 0.03])  # channel mean 0.03
    fig = perceptibility.perturbation_figure(x, x + delta, 0.1).to_plotly_json()
    z = plotly_array(fig["data"][0]["z"])
    assert z[1, 2] == pytest.approx(0.03) and z.sum() == pytest.approx(0.03)
    assert (fig["data"][0]["zmin"], fig["data"][0]["zmax"]) == (-0.1, 0.1)
    assert fig["layout"]["title"]["text"] == "Perturbation (×5)"


@pytest.mark.parametrize("eps, gain", [(0.1, "5"), (0.25, "2"), (2 / 255, "64"), (0.0, "1")])
def test_perturbation_caption_says_how_much_larger_it_is_drawn(eps, gain):
    # 0.5 / eps: the colour range is ±eps where the image's own range is [0, 1] (half-width 0.5)
    assert f"the change is shown {gain}× larger than it is" in perceptibility.perturbation_caption(eps)
