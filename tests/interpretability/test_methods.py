"""demos/interpretability/methods.py against captum (imported here only), on a digit and on a photo;
IG's completeness; determinism under a seed; the shared model left as it was."""
import pytest
import torch
from captum.attr import (IntegratedGradients, LayerAttribution, LayerGradCam, NoiseTunnel, Occlusion,
                         Saliency, InputXGradient)

from demos.images import photo, photo_input
from demos.interpretability import methods

TOL = dict(rtol=1e-4, atol=1e-6)  # float32: the same sums in another order


@pytest.fixture(scope="module")
def coffee():
    return photo_input(photo("coffee"))



@pytest.fixture(params=["digit", "photo"])
def case(request):
    """(model, input, target): the digit CNN on a 7, EfficientNet-Lite0 on the coffee (espresso = 967)."""
    if request.param == "digit":
        return request.getfixturevalue("mnist_cnn"), request.getfixturevalue("digit"), 7
    return request.getfixturevalue("effnet"), request.getfixturevalue("coffee"), 967


def test_gradient_and_grad_x_input_equal_captums(case):
    model, x, c = case
    torch.testing.assert_close(methods.gradient(model, x, c), Saliency(model).attribute(x, target=c, abs=False), **TOL)
    torch.testing.assert_close(methods.grad_x_input(model, x, c), InputXGradient(model).attribute(x, target=c), **TOL)


def test_smoothgrad_equals_captums_noise_tunnel_with_the_same_noise(case):
    model, x, c = case
    n = 6 if x.shape[1] == 1 else 3
    torch.manual_seed(5)  # captum draws from the global generator; ours from a Generator seeded alike
    expected = NoiseTunnel(Saliency(model)).attribute(x, nt_type="smoothgrad", nt_samples=n, stdevs=0.2,
                                                      target=c, abs=False)
    torch.testing.assert_close(methods.smoothgrad(model, x, c, n=n, sigma=0.2, seed=5), expected, **TOL)


@pytest.mark.parametrize("kind", list(methods.BASELINES))
def test_integrated_gradients_equal_captums_gauss_legendre(case, kind):
    model, x, c = case
    steps = 16 if x.shape[1] == 1 else 8
    ref = methods.baseline(x, kind, seed=3)
    expected = IntegratedGradients(model).attribute(x, baselines=ref, target=c, n_steps=steps,
                                                    internal_batch_size=8)
    torch.testing.assert_close(methods.integrated_gradients(model, x, c, ref, steps), expected, rtol=1e-4, atol=1e-5)


def test_integrated_gradients_are_complete_with_enough_steps(mnist_cnn, digit):
    """Σ attributions = f(x) − f(x′) (Sundararajan et al.'s completeness): within 1 % of the gap at
    64 steps on the digit CNN from every baseline; a 2-step rule is visibly off on the black one."""
    for kind in methods.BASELINES:
        ref = methods.baseline(digit, kind)
        total, gap = methods.completeness(mnist_cnn, digit, 7, ref,
                                          methods.integrated_gradients(mnist_cnn, digit, 7, ref, 64))
        assert total == pytest.approx(gap, rel=0.01, abs=0.05), kind
    ref = methods.baseline(digit, "black")
    total, gap = methods.completeness(mnist_cnn, digit, 7, ref, methods.integrated_gradients(mnist_cnn, digit, 7, ref, 2))
    assert abs(total - gap) > 0.01 * abs(gap)


@pytest.mark.parametrize("layer_of", [lambda m: next(iter(m)), lambda m: list(m)[-1]])
def test_gradcam_equals_captums_layer_gradcam(case, layer_of):
    model, x, c = case
    layer = layer_of(methods.DIGIT_LAYERS if x.shape[1] == 1 else methods.PHOTO_LAYERS)
    expected = LayerGradCam(model, model.get_submodule(layer)).attribute(x, target=c, relu_attributions=True)
    ours = methods.gradcam_layer(model, x, c, layer)
    torch.testing.assert_close(ours, expected, **TOL)
    up = LayerAttribution.interpolate(expected, tuple(x.shape[-2:]), interpolate_mode="bilinear")
    torch.testing.assert_close(methods.gradcam(model, x, c, layer), up, **TOL)


@pytest.mark.parametrize("patch, stride", [(4, 2), (5, 3)])
def test_occlusion_equals_captums_on_digits(mnist_cnn, digit, patch, stride):
    expected = Occlusion(mnist_cnn).attribute(digit, sliding_window_shapes=(1, patch, patch),
                                              strides=(1, stride, stride), baselines=0, target=7)
    torch.testing.assert_close(methods.occlusion(mnist_cnn, digit, 7, patch, stride), expected, rtol=1e-4, atol=1e-5)


def test_occlusion_equals_captums_on_a_photo(effnet, coffee):
    expected = Occlusion(effnet).attribute(coffee, sliding_window_shapes=(3, 64, 64), strides=(3, 48, 48),
                                           baselines=0, target=967, perturbations_per_eval=8)
    torch.testing.assert_close(methods.occlusion(effnet, coffee, 967, 64, 48), expected, rtol=1e-4, atol=1e-5)


def test_attributions_are_deterministic_under_a_seed_and_leave_the_model_as_it_was(mnist_cnn, digit):
    before = {k: v.clone() for k, v in mnist_cnn.state_dict().items()}
    a = methods.smoothgrad(mnist_cnn, digit, 7, n=8, seed=1)
    assert torch.equal(a, methods.smoothgrad(mnist_cnn, digit, 7, n=8, seed=1))
    assert not torch.equal(a, methods.smoothgrad(mnist_cnn, digit, 7, n=8, seed=2))
    noise = methods.baseline(digit, "noise", seed=4)
    assert torch.equal(noise, methods.baseline(digit, "noise", seed=4))
    methods.gradcam(mnist_cnn, digit, 7, "features.4")
    assert not mnist_cnn.training
    assert all(p.grad is None for p in mnist_cnn.parameters())
    assert not any(m._forward_hooks for m in mnist_cnn.modules())  # Grad-CAM's hook left with its `with`
    assert all(torch.equal(v, before[k]) for k, v in mnist_cnn.state_dict().items())


def test_the_blurred_baseline_keeps_the_mean_and_loses_the_detail(digit):
    blurred = methods.baseline(digit, "blur")
    assert blurred.sum() == pytest.approx(float(digit.sum()), rel=0.05)  # reflect padding: about the same ink
    assert blurred.max() < 0.6 * digit.max()
