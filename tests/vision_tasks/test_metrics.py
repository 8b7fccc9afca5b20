"""demos/vision_tasks/metrics.py: AP/mAP on a tiny case computed by hand; IoU and Dice on known masks."""
import numpy as np
import torch

from demos.vision_tasks import metrics


def test_map_on_a_tiny_hand_computed_case():
    # class 0: two true boxes; predictions by score: 0.9 hits A, 0.8 misses, 0.7 hits B.
    # precision 1, 1/2, 2/3 at recall 1/2, 1/2, 1 -> envelope 1, 2/3, 2/3 -> AP = 1/2·1 + 1/2·2/3 = 5/6
    # class 1: one true box, one prediction on it -> AP 1. mAP = (5/6 + 1) / 2 = 11/12
    A, B = [0., 0., 10., 10.], [20., 20., 30., 30.]
    preds = [(torch.tensor([A, [40., 40., 50., 50.], B, [0., 20., 10., 30.]]), torch.tensor([0.9, 0.8, 0.7, 0.6]),
              torch.tensor([0, 0, 0, 1]))]
    truths = [(torch.tensor([A, B, [0., 20., 10., 30.]]), torch.tensor([0, 0, 1]))]
    m, curves = metrics.mean_average_precision(preds, truths, 2)
    assert abs(curves[0].ap - 5 / 6) < 1e-9 and abs(curves[1].ap - 1) < 1e-9 and abs(m - 11 / 12) < 1e-9
    assert np.allclose(curves[0].precision, [1, 1 / 2, 2 / 3]) and np.allclose(curves[0].recall, [0.5, 0.5, 1])


def test_a_duplicate_of_a_matched_box_is_a_false_positive_and_iou_below_half_misses():
    truth = torch.tensor([[0., 0., 10., 10.]])
    dup = torch.tensor([[0., 0., 10., 10.], [0., 0., 10., 9.]])
    assert metrics.match(dup, torch.tensor([0.9, 0.8]), truth).tolist() == [True, False]
    # shifted by 5: IoU 1/3 < 0.5
    assert metrics.match(torch.tensor([[5., 0., 15., 10.]]), torch.tensor([0.9]), truth).tolist() == [False]


def test_iou_and_dice_of_known_masks():
    true = torch.zeros(4, 4, dtype=torch.long)
    true[:2, :2] = 1  # 4 pixels of class 1
    pred = torch.zeros(4, 4, dtype=torch.long)
    pred[:2, :3] = 1  # 6 pixels, 4 shared: IoU 4/6, Dice 8/10
    s = metrics.mask_scores(pred, true, 3)
    assert np.isclose(s["iou"][1], 4 / 6) and np.isclose(s["dice"][1], 0.8)
    assert np.isclose(s["iou"][0], 10 / 12) and np.isnan(s["iou"][2])  # background: 10 shared of 12
    assert np.allclose(s["dice"][:2], 2 * s["iou"][:2] / (1 + s["iou"][:2]))


def test_soft_dice_loss_is_near_zero_for_certain_right_answers_and_near_one_for_wrong():
    masks = torch.randint(0, 3, (2, 8, 8), generator=torch.Generator().manual_seed(0))
    right = torch.nn.functional.one_hot(masks, 3).permute(0, 3, 1, 2).float() * 50
    assert metrics.soft_dice_loss(right, masks) < 1e-3
    wrong = torch.nn.functional.one_hot((masks + 1) % 3, 3).permute(0, 3, 1, 2).float() * 50
    assert metrics.soft_dice_loss(wrong, masks) > 0.95
