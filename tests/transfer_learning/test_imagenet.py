"""demos.transfer_learning.imagenet: the features are what EfficientNet's ImageNet head reads; digits
become photos of the size the model is given."""
import pytest
import torch

from demos.images import photo, photo_input
from demos.transfer_learning import imagenet

pytestmark = pytest.mark.filterwarnings("ignore")


def test_imagenet_features_are_what_the_imagenet_head_reads(effnet):
    x = photo_input(photo("coffee"))
    with torch.no_grad():
        assert torch.allclose(effnet._fc(imagenet.imagenet_features(effnet, x)), effnet(x), atol=1e-4)
    digits = imagenet.digits_as_photos(torch.rand(2, 1, 28, 28))
    assert digits.shape == (2, 3, imagenet.DIGIT_SIDE, imagenet.DIGIT_SIDE) and 0 <= digits.min() and digits.max() <= 1
    assert torch.equal(digits[:, 0], digits[:, 2])  # the grey channel copied to red, green and blue


def test_features_come_in_batches_with_progress(effnet):
    x = torch.rand(5, 3, 32, 32)
    seen = []
    with torch.no_grad():
        batched = imagenet.imagenet_features(effnet, x, batch=2, on_progress=seen.append)
        assert torch.allclose(batched, imagenet.imagenet_features(effnet, x, batch=5), atol=1e-5)
    assert batched.shape == (5, 1280) and seen == [0.4, 0.8, 1.0]
