"""demos/augmentation/mixing.py against torchvision v2's MixUp and CutMix: the same seed gives the same
images and soft labels; the labels sum to 1; CutMix's weight is the pasted area."""
import pytest
import torch
from torchvision.transforms import v2

from demos.augmentation import mixing


@pytest.fixture(scope="module")
def pair():
    g = torch.Generator().manual_seed(0)
    return torch.rand(1, 28, 28, generator=g), torch.rand(1, 28, 28, generator=g)


@pytest.mark.parametrize("seed, alpha", [(0, 1.0), (5, 0.2), (11, 2.0)])
def test_mixup_and_cutmix_equal_torchvisions_under_the_seed(pair, seed, alpha):
    a, b = pair
    mixed = mixing.mix_pair(a, b, 3, 8, alpha, seed)
    batch, labels = torch.stack([a, b]), torch.tensor([3, 8])
    torch.manual_seed(seed)  # v2 pairs each image with the batch rolled by one: a's partner is b
    x, y = v2.MixUp(alpha=alpha, num_classes=10)(batch, labels)
    assert torch.allclose(x[0], mixed.mixup_image) and torch.allclose(y[0], mixed.mixup_label)
    torch.manual_seed(seed)
    x, y = v2.CutMix(alpha=alpha, num_classes=10)(batch, labels)
    assert torch.equal(x[0], mixed.cutmix_image) and torch.allclose(y[0], mixed.cutmix_label)


def test_soft_labels_sum_to_one_and_weigh_the_two_classes(pair):
    a, b = pair
    for seed in range(20):
        m = mixing.mix_pair(a, b, 2, 5, 1.0, seed)
        for label, lam in ((m.mixup_label, m.mixup_lam), (m.cutmix_label, m.cutmix_lam)):
            assert label.sum().item() == pytest.approx(1.0)
            assert label[2].item() == pytest.approx(lam) and label[5].item() == pytest.approx(1 - lam)


def test_cutmix_weight_is_the_pasted_area():
    a, b = torch.zeros(1, 10, 20), torch.ones(1, 10, 20)
    # half-sides r·W, r·H with r = ½√(1 − 0.75) = 0.25, rounded down: 5 and 2 px -> a 10 × 4 box
    box = mixing.cutmix_box(10, 20, 0.75, 10, 5)
    assert box == (5, 3, 15, 7)
    image, label, lam = mixing.cutmix(a, b, mixing.one_hot(0), mixing.one_hot(1), box)
    assert image.sum().item() == 40  # the pasted ones
    assert lam == 1 - 40 / 200 and label[1].item() == pytest.approx(0.2)  # the area, not the drawn 0.75


def test_a_box_clipped_at_the_border_recomputes_lambda():
    box = mixing.cutmix_box(28, 28, 0.5, 0, 0)  # half-side int(0.5·√0.5·28) = 9 px, centred on the corner
    assert box == (0, 0, 9, 9)
    _, label, lam = mixing.cutmix(torch.zeros(1, 28, 28), torch.ones(1, 28, 28), mixing.one_hot(0), mixing.one_hot(1), box)
    assert lam == pytest.approx(1 - 81 / 784) and lam != 0.5


def test_the_caption_states_the_drawn_numbers(pair):
    a, b = pair
    m = mixing.mix_pair(a, b, 1, 7, 1.0, 3)
    text = mixing.mix_caption(m, ("a 1", "a 7"), (28, 28))
    x1, y1, x2, y2 = m.box
    assert f"{m.mixup_lam:.0%} of a 1" in text and f"a box of {x2 - x1}×{y2 - y1} px" in text and "sum to 1" in text
