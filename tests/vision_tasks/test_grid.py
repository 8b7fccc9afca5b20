"""demos/vision_tasks/grid.py: target assignment and the detector's loss on a hand-built scene, k-means
anchors, and decoding as the inverse of assignment."""
import math

import numpy as np
import torch

from demos.vision_tasks import grid as g

ANCHORS = torch.tensor([[10.0, 10.0], [20.0, 20.0]])


def hand_scene():
    # a 12x12 box centred at (14, 6) -> cell (row 0, column 1) of an 8 px grid; size fits anchor 0 best
    # (IoU 100/144 vs 144/400); a 20x24 box centred at (50, 42) -> cell (5, 6), anchor 1
    return torch.tensor([[8.0, 0.0, 20.0, 12.0], [40.0, 30.0, 60.0, 54.0]]), torch.tensor([2, 0])


def test_each_box_is_owned_by_its_centres_cell_and_best_fitting_anchor():
    boxes, labels = hand_scene()
    t = g.assign(boxes, labels, ANCHORS, grid=8, image_size=64)
    assert t.owner == [(0, 0, 1), (1, 5, 6)]
    assert t.objectness.sum() == 2 and t.objectness[0, 0, 1] == 1 and t.objectness[1, 5, 6] == 1
    assert t.label[0, 0, 1] == 2 and t.label[1, 5, 6] == 0 and (t.label == -1).sum() == 2 * 64 - 2
    # centre (14, 6) is 6/8 = 0.75 across and 0.75 down its cell; log(12 / 10) for width and height
    assert torch.allclose(t.box[0, :, 0, 1], torch.tensor([0.75, 0.75, math.log(1.2), math.log(1.2)]))
    assert torch.allclose(t.box[1, :, 5, 6], torch.tensor([0.25, 0.25, math.log(1.0), math.log(1.2)]))


def perfect_output(t, big=20.0):
    """Raw outputs that decode exactly to the targets: logit(tx) for the centres, +-big objectness."""
    a, s = t.objectness.shape[0], t.objectness.shape[1]
    out = torch.zeros(a, 8, s, s)
    out[:, 0] = torch.where(t.objectness > 0, big, -big)
    out[:, 1:3] = torch.logit(t.box[:, :2].clamp(1e-6, 1 - 1e-6))
    out[:, 3:5] = t.box[:, 2:]
    onehot = torch.nn.functional.one_hot(t.label.clamp(min=0), 3).permute(0, 3, 1, 2).float()
    out[:, 5:] = onehot * big
    return out


def test_the_loss_is_zero_for_a_perfect_grid_and_counts_each_part_by_hand():
    boxes, labels = hand_scene()
    t = g.assign(boxes, labels, ANCHORS, 8, 64)
    obj, box, lab = g.stack([t])
    perfect = g.detection_loss(perfect_output(t)[None], obj, box, lab)
    assert perfect["total"] < 1e-3
    # all-zero outputs: each of the 2 owners costs BCE(0, 1) = log 2 and λ_coord·|(0.5, 0.5, 0, 0) − target|²;
    # each of the 126 empty anchors λ_noobj·log 2; each owner's class CE over 3 equal logits log 3
    zero = g.detection_loss(torch.zeros(1, 2, 8, 8, 8), obj, box, lab)
    coord = sum(((torch.tensor([0.5, 0.5, 0, 0]) - t.box[a, :, r, c]) ** 2).sum() for a, r, c in t.owner)
    assert torch.isclose(zero["objectness"], torch.tensor(2 * math.log(2) + g.LAMBDA_NOOBJ * 126 * math.log(2)))
    assert torch.isclose(zero["box"], g.LAMBDA_COORD * coord)
    assert torch.isclose(zero["class"], torch.tensor(2 * math.log(3)))
    # the loss is a mean over the batch: two copies of the scene cost the same as one
    two = g.detection_loss(torch.zeros(2, 2, 8, 8, 8), *(x.repeat(2, *[1] * (x.dim() - 1)) for x in (obj, box, lab)))
    assert torch.isclose(two["total"], zero["total"])


def test_decoding_a_perfect_grid_gives_back_the_true_boxes():
    boxes, labels = hand_scene()
    t = g.assign(boxes, labels, ANCHORS, 8, 64)
    d = g.detect(g.decode(perfect_output(t), ANCHORS, 64), 0.5, 0.5)
    order = torch.argsort(d.boxes[:, 0])
    assert torch.allclose(d.boxes[order], boxes, atol=1e-3) and d.labels[order].tolist() == labels.tolist()
    assert g.objectness_map(perfect_output(t))[0, 1] > 0.99


def test_kmeans_anchors_find_two_obvious_size_clusters():
    rng = np.random.default_rng(0)
    wh = np.concatenate([rng.normal(10, 0.5, (50, 2)), rng.normal(30, 1.0, (50, 2))])
    anchors, owner = g.kmeans_anchors(wh, 2)
    assert np.allclose(anchors, [[10, 10], [30, 30]], atol=0.5)
    assert (owner[:50] == 0).all() and (owner[50:] == 1).all()
    # more clusters never fit worse on average here
    fit = [g.size_iou(wh, g.kmeans_anchors(wh, k)[0]).max(1).mean() for k in (1, 2)]
    assert fit[1] > fit[0]
