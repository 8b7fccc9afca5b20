"""demos/vision_tasks/boxes.py against torchvision.ops (box_iou, nms, batched_nms) on random boxes."""
import torch
from torchvision import ops

from demos.vision_tasks import boxes


def random_boxes(n, seed):
    g = torch.Generator().manual_seed(seed)
    xy = torch.rand(n, 2, generator=g) * 50
    wh = torch.rand(n, 2, generator=g) * 30 + 1
    return torch.cat([xy, xy + wh], 1)


def test_iou_equals_torchvision_box_iou():
    a, b = random_boxes(40, 0), random_boxes(30, 1)
    assert torch.allclose(boxes.iou(a, b), ops.box_iou(a, b), atol=1e-6)
    # by hand: two 10x10 squares offset by 5 in x share 5x10 = 50, union 150 -> 1/3
    sq = torch.tensor([[0., 0., 10., 10.]])
    assert torch.isclose(boxes.iou(sq, sq + torch.tensor([5., 0., 5., 0.]))[0, 0], torch.tensor(1 / 3))


def test_nms_equals_torchvision_nms_at_every_threshold():
    for seed in range(5):
        b, s = random_boxes(60, seed), torch.rand(60, generator=torch.Generator().manual_seed(100 + seed))
        for t in (0.1, 0.3, 0.5, 0.7):
            assert torch.equal(boxes.nms(b, s, t), ops.nms(b, s, t))


def test_per_class_nms_equals_torchvision_batched_nms():
    b, s = random_boxes(50, 3), torch.rand(50, generator=torch.Generator().manual_seed(9))
    labels = torch.randint(0, 3, (50,), generator=torch.Generator().manual_seed(4))
    assert torch.equal(boxes.batched_nms(b, s, labels, 0.4), ops.batched_nms(b, s, labels, 0.4))


def test_each_step_names_the_box_it_kept_and_the_iou_that_removed_each_other_box():
    b = torch.tensor([[0., 0., 10., 10.], [1., 0., 11., 10.], [30., 30., 40., 40.], [0., 5., 10., 15.]])
    s = torch.tensor([0.9, 0.8, 0.7, 0.6])
    steps = boxes.nms_steps(b, s, 0.5)
    # box 1 overlaps box 0 by 90/110 = 0.818 > 0.5: removed; box 3 by 50/150 = 0.333: kept
    assert [st.kept for st in steps] == [0, 2, 3]
    assert steps[0].suppressed == (1,) and abs(steps[0].ious[0] - 90 / 110) < 1e-4
    assert all(st.suppressed == () for st in steps[1:])
