"""demos/augmentation/transforms.py: the grid is torchvision v2's own draws under the seed, boxes and
masks follow the geometry exactly, and the exported code reproduces the grid."""
import numpy as np
import pytest
import torch
from torchvision import tv_tensors
from torchvision.transforms import v2

from demos.augmentation import transforms
from demos.augmentation.transforms import Step

CHAIN = (Step("rotate", 1.0, 0.5), Step("shift", 0.5, 0.4), Step("colour", 0.8, 0.5))


@pytest.fixture(scope="module")
def digit(mnist):
    return mnist.test_images[0]  # (1, 28, 28)


def test_each_grid_row_is_torchvisions_own_draws_under_the_seed(digit):
    rows = transforms.grid(digit, CHAIN, seed=7)
    assert len(rows) == 4 and all(len(r) == transforms.DRAWS for r in rows)  # three steps + the chain
    # independently: row 0 re-seeds torch with seed + 0 and draws RandomRotation(90) six times (p = 1)
    torch.manual_seed(7)
    reference = v2.RandomApply([v2.RandomRotation(degrees=90)], p=1.0)
    for sample in rows[0]:
        assert torch.equal(sample.image, reference(tv_tensors.Image(digit)).as_subclass(torch.Tensor).clamp(0, 1))
    # the last row: the whole chain, seeded with seed + 3
    torch.manual_seed(10)
    whole = v2.Compose([v2.RandomApply([v2.RandomRotation(degrees=90)], p=1.0),
                        v2.RandomApply([v2.RandomAffine(degrees=0, translate=(0.12, 0.12))], p=0.5),
                        v2.RandomApply([v2.ColorJitter(brightness=0.5, contrast=0.5)], p=0.8)])
    for sample in rows[3]:
        assert torch.equal(sample.image, whole(tv_tensors.Image(digit)).as_subclass(torch.Tensor).clamp(0, 1))


def test_same_seed_same_grid_and_another_seed_another(digit):
    a, b = transforms.grid(digit, CHAIN, 3), transforms.grid(digit, CHAIN, 3)
    c = transforms.grid(digit, CHAIN, 4)
    assert all(torch.equal(x.image, y.image) for ra, rb in zip(a, b) for x, y in zip(ra, rb))
    assert not all(torch.equal(x.image, y.image) for ra, rc in zip(a, c) for x, y in zip(ra, rc))


def test_a_flip_moves_the_box_and_mask_exactly(digit):
    box, mask = transforms.region(digit, grey=True)
    out = transforms.grid(digit, (Step("flip", 1.0, 0.0),), 0)[0][0]
    x1, y1, x2, y2 = box.tolist()
    assert out.box.tolist() == [28 - x2, y1, 28 - x1, y2]  # mirrored: x -> W − x
    assert torch.equal(out.mask, mask.flip(-1)) and torch.equal(out.image, digit.flip(-1))


def test_a_quarter_turn_moves_the_box_corners_exactly():
    image = torch.zeros(1, 20, 20)
    box, mask = torch.tensor([2.0, 4.0, 8.0, 10.0]), torch.zeros(20, 20, dtype=torch.uint8)
    mask[4:10, 2:8] = 1
    out = transforms.apply(v2.RandomRotation(degrees=(90, 90)), image, box, mask)
    # 90° anticlockwise about the centre (10, 10): (x, y) -> (y, 20 − x): x from 4..10, y from 12..18
    assert torch.allclose(out.box, torch.tensor([4.0, 12.0, 10.0, 18.0]), atol=1e-4)
    assert torch.equal(out.mask, torch.rot90(mask, 1, (0, 1)))  # nearest-neighbour: the mask stays exact
    assert out.mask.sum() == mask.sum()


def test_geometry_moves_the_mask_with_the_ink_and_colour_leaves_both(digit):
    box, mask = transforms.region(digit, grey=True)
    rows = transforms.grid(digit, (Step("shift", 1.0, 1.0), Step("colour", 1.0, 1.0)), 5)
    for sample in rows[0]:  # a shift: the mask is the shifted ink (nearest interpolation, exact pixels)
        assert torch.equal(sample.mask.bool(), sample.image[0] > 0.3)
    for sample in rows[1]:  # photometric only: box and mask unchanged
        assert torch.equal(sample.box, box) and torch.equal(sample.mask, mask)


def test_the_digit_region_is_the_inks_bounding_box(digit):
    box, mask = transforms.region(digit, grey=True)
    rows, cols = np.nonzero(digit[0].numpy() > 0.3)
    assert box.tolist() == [cols.min(), rows.min(), cols.max() + 1, rows.max() + 1]
    assert int(mask.sum()) == len(rows)


def test_exported_code_reproduces_the_chains_row(digit):
    code = transforms.pipeline_code(CHAIN, 28, grey=True)
    scope: dict = {}
    exec(code, scope)
    box, mask = transforms.region(digit, grey=True)
    drawn = scope["augment"](digit, box.tolist(), mask, seed=0 + len(CHAIN))
    page = transforms.grid(digit, CHAIN, 0)[-1]
    for (img, b, m), sample in zip(drawn, page):
        assert torch.equal(img.as_subclass(torch.Tensor).clamp(0, 1), sample.image)
        assert torch.allclose(b.as_subclass(torch.Tensor)[0], sample.box)


def test_every_transform_runs_on_digits_and_photos():
    photo = torch.rand(3, 40, 40)
    for name in transforms.TRANSFORMS:
        for image in (torch.rand(1, 28, 28), photo):
            out = transforms.grid(image, (Step(name, 1.0, 0.7),), 0, draws=2)[0][0]
            assert out.image.shape == image.shape and 0 <= out.image.min() and out.image.max() <= 1
