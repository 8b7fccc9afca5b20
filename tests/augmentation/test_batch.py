"""demos/augmentation/batch.py: per-digit batch augmentation, seeded; the label-breaking ones do exactly
what they say; the contrastive views are crops of the digit."""
import pytest
import torch

from demos.augmentation import batch


@pytest.fixture(scope="module")
def digits(mnist):
    return mnist.test_images[:16]


@pytest.mark.parametrize("name", list(batch.BATCH_TRANSFORMS))
def test_every_batch_transform_is_seeded_and_stays_in_range(digits, name):
    a = batch.augment_batch(digits, name, torch.Generator().manual_seed(1))
    b = batch.augment_batch(digits, name, torch.Generator().manual_seed(1))
    assert torch.equal(a, b) and a.shape == digits.shape and a.min() >= 0 and a.max() <= 1


def test_each_digit_gets_its_own_draw(digits):
    x = digits[:1].repeat(8, 1, 1, 1)  # eight copies of one digit
    out = batch.augment_batch(x, "rotate", torch.Generator().manual_seed(0))
    assert len({tuple(o.flatten().tolist()) for o in out}) == 8


def test_label_breaking_transforms_flip_or_turn_about_half_the_digits(digits):
    out = batch.augment_batch(digits, "rotate180", torch.Generator().manual_seed(3))
    turned = [torch.equal(o, d.flip(-1, -2)) for o, d in zip(out, digits)]
    kept = [torch.equal(o, d) for o, d in zip(out, digits)]
    assert all(t or k for t, k in zip(turned, kept)) and 0 < sum(turned) < len(digits)
    flipped = batch.augment_batch(digits, "flip", torch.Generator().manual_seed(3))
    assert all(torch.equal(o, d.flip(-1)) or torch.equal(o, d) for o, d in zip(flipped, digits))


def test_a_shift_moves_the_ink_by_whole_pixels_when_the_draw_is_whole():
    x = torch.zeros(1, 1, 28, 28)
    x[0, 0, 10:14, 10:14] = 1
    out = batch._affine(x, torch.zeros(1), torch.ones(1), torch.tensor([[3.0, -2.0]]))
    expected = torch.zeros_like(x)
    expected[0, 0, 8:12, 13:17] = 1  # 3 px right, 2 px up
    assert torch.allclose(out, expected, atol=1e-5)


def test_a_full_crop_is_the_digit_and_views_differ(digits):
    same = batch.random_resized_crop(digits, torch.Generator().manual_seed(0), scale=(1.0, 1.0))
    assert torch.allclose(same, digits, atol=1e-5)
    v1, v2 = batch.two_views(digits, torch.Generator().manual_seed(0))
    assert v1.shape == digits.shape and not torch.equal(v1, v2)
