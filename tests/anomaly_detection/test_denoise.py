"""PSNR against its formula, the seeded corruption, and the denoising view on the committed
autoencoders: the DAE cleans noisy digits better than the plain AE at its training noise."""
import math

import pytest
import torch

from demos.anomaly_detection import denoise as D


def test_psnr_follows_its_formula():
    clean = torch.zeros(2, 1, 4, 4)
    estimate = clean.clone()
    estimate[0] += 0.1  # MSE 0.01 -> 10·log10(1 / 0.01) = 20 dB
    estimate[1, 0, 0, 0] = 1.0  # one wrong pixel of 16: MSE 1/16 -> 10·log10(16) ≈ 12.04 dB
    assert D.psnr(estimate, clean).tolist() == pytest.approx([20.0, 10 * math.log10(16)], abs=1e-4)
    assert D.psnr(estimate * 2, clean * 2, peak=2.0)[0] == pytest.approx(20.0, abs=1e-4)  # scale-free


def test_noise_is_seeded_and_clipped():
    x = torch.full((3, 1, 28, 28), 0.5)
    a, b = D.add_noise(x, 0.4, 7), D.add_noise(x, 0.4, 7)
    assert torch.equal(a, b) and not torch.equal(a, D.add_noise(x, 0.4, 8))
    assert a.min() >= 0 and a.max() <= 1 and torch.equal(D.add_noise(x, 0.0, 7), x)
    assert (D.add_noise(x, 0.1, 7) - x).std() == pytest.approx(0.1, rel=0.05)  # 0.1 noise is rarely clipped at 0.5


@pytest.fixture(scope="module")
def models(pretrained):
    return pretrained("mnist_ae"), pretrained("mnist_dae")


def test_the_denoiser_beats_the_plain_autoencoder_and_the_caption_says_so(models, mnist):
    ae, dae = models
    run = D.denoise_run(ae, dae, mnist.test_images, mnist.test_labels, 7, 0.3, 0)
    assert len(run.clean) == 100 and (run.clean == mnist.test_images[mnist.test_labels == 7]).all()
    expected = {name: float(D.psnr(x, run.clean).mean()) for name, x in
                (("noisy", run.noisy), ("plain", run.plain), ("dae", run.dae))}
    assert run.psnr == pytest.approx(expected)
    assert run.psnr["dae"] > run.psnr["plain"] > run.psnr["noisy"]  # trained at 0.3: the DAE's home ground
    caption = D.denoise_caption(run)
    assert f"the denoising AE is {run.psnr['dae'] - run.psnr['plain']:.1f} dB better" in caption
    weak = D.denoise_run(ae, dae, mnist.test_images, mnist.test_labels, 7, 0.05, 0)
    assert weak.psnr["noisy"] > max(weak.psnr["plain"], weak.psnr["dae"])  # little noise: keep the input
    assert "too weak to be worth removing" in D.denoise_caption(weak)
    assert "no noise is added" in D.denoise_caption(D.denoise_run(ae, dae, mnist.test_images, mnist.test_labels,
                                                                  7, 0.0, 0))
    assert len(D.denoise_figure(run).data) == D.SHOWN * 4
