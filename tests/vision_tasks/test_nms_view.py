"""demos/vision_tasks/nms_view.py: the IoU playground and the NMS replay on hand-made boxes; each number a
caption states is the one computed from the same data."""
import numpy as np
import torch

from demos.vision_tasks import grid as g, nms_view


def test_iou_caption_states_the_areas_and_their_ratio():
    p = nms_view.iou_parts(nms_view.BOX_A, (45.0, 30.0, 85.0, 70.0))  # 20 x 40 overlap of two 40 x 40 boxes
    assert (p["intersection"], p["union"]) == (800.0, 2400.0)
    assert nms_view.iou_caption(p) == "IoU = intersection / union = 800 / (1600 + 1600 − 800) = 800 / 2400 = 0.333."
    far = nms_view.iou_parts(nms_view.BOX_A, (80.0, 80.0, 90.0, 90.0))
    assert far["iou"] == 0 and nms_view.iou_caption(far).endswith("the boxes do not overlap.")
    fig = nms_view.iou_figure(nms_view.BOX_A, (80.0, 80.0, 90.0, 90.0))
    assert [t.name for t in fig.data] == ["box A", "box B"]  # no intersection drawn when there is none
    # moving B onto A: the caption's ratio becomes 1
    assert nms_view.iou_caption(nms_view.iou_parts(nms_view.BOX_A, nms_view.BOX_A)).endswith("= 1600 / 1600 = 1.000.")


def test_nms_replay_has_one_frame_per_step_and_counts_every_box():
    boxes = torch.tensor([[0., 0., 10., 10.], [1., 0., 11., 10.], [30., 30., 40., 40.], [31., 31., 41., 41.]])
    raw = g.Detections(torch.cat([boxes, torch.tensor([[50., 50., 60., 60.]])]), torch.tensor([.9, .8, .7, .6, .01]),
                       torch.tensor([0, 0, 1, 1, 2]))
    d, steps = nms_view.stepping(raw, 0.05, 0.5)
    assert len(d.scores) == 4 and [s.kept for s in steps] == [0, 2]
    fig = nms_view.nms_figure(np.ones((64, 64, 3), np.float32), d, steps, 0.5)
    assert len(fig.frames) == 3 and fig.layout.sliders[0].steps[1].label == "1: keep circle 0.90, remove 1"
    assert nms_view.nms_caption(raw, d, steps, 0.05, 0.5).startswith(
        "5 anchor boxes → 4 with score ≥ 0.05 → NMS keeps 2 and removes 2")
    rows = nms_view.steps_table(d, steps)
    assert rows[0]["removed (score, IoU with the kept box)"] == "0.80 (IoU 0.82)"
    # a lenient threshold (IoU 0.82 and 0.68 are both below 0.9) removes nothing, and the caption says so
    d, steps = nms_view.stepping(raw, 0.05, 0.9)
    assert len(steps) == 4 and "NMS keeps 4 and removes 0" in nms_view.nms_caption(raw, d, steps, 0.05, 0.9)
