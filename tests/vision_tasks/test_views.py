"""The figure builders' captions and checks (tasks, nms_view, unet_view) on hand-made inputs: each number a
caption states is the one computed from the same data."""
import numpy as np
import torch

from demos.images import PHOTOS, photo
from demos.vision_tasks import grid as g, nms_view, scenes, tasks, unet_view


def test_iou_caption_states_the_areas_and_their_ratio():
    p = nms_view.iou_parts(nms_view.BOX_A, (45.0, 30.0, 85.0, 70.0))  # 20 x 40 overlap of two 40 x 40 boxes
    assert (p["intersection"], p["union"]) == (800.0, 2400.0)
    assert nms_view.iou_caption(p) == "IoU = intersection / union = 800 / (1600 + 1600 − 800) = 800 / 2400 = 0.333."
    far = nms_view.iou_parts(nms_view.BOX_A, (80.0, 80.0, 90.0, 90.0))
    assert far["iou"] == 0 and nms_view.iou_caption(far).endswith("the boxes do not overlap.")
    fig = nms_view.iou_figure(nms_view.BOX_A, (80.0, 80.0, 90.0, 90.0))
    assert [t.name for t in fig.data] == ["box A", "box B"]  # no intersection drawn when there is none


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


def test_the_hero_caption_names_what_each_model_found():
    s = scenes.scene(scenes.split_seed("test", 0))
    r = tasks.Tasks(s.image, np.array([0.9, 0.2, 0.7]), g.Detections(torch.tensor(s.boxes), torch.ones(len(s.labels)),
                                                                     torch.from_numpy(s.labels)),
                    None, None, s.mask, s)
    text = tasks.tasks_caption(r, 0.5)
    assert text.startswith("Classification says the scene holds circle, triangle; detection finds ")
    assert "mean IoU of the shape classes 1.00" in text  # the true mask as the prediction


def test_every_test_scene_is_in_the_models_world_and_photos_and_noise_are_not():
    assert all(tasks.out_of_world(scenes.scene(scenes.split_seed("test", i)).image) is None for i in range(200))
    assert "border" in tasks.out_of_world(np.random.default_rng(0).random((64, 64, 3)))
    assert tasks.out_of_world(tasks.scene_input(photo("astronaut"))) is not None
    assert tasks.scene_input(photo(next(iter(PHOTOS)))).shape == (64, 64, 3)


def test_error_overlay_marks_exactly_the_wrong_pixels():
    true = np.zeros((4, 4), int)
    pred = true.copy()
    pred[1, 2] = 3
    out = unet_view.error_overlay(np.full((4, 4, 3), 0.5, np.float32), pred, true)
    red = (out == tasks.to_uint8(np.array([0.84, 0.1, 0.0]))).all(-1)
    assert red.sum() == 1 and red[1, 2]
    assert unet_view.masks_caption(true, pred).startswith("1 of 16 pixels (6.2%) are labelled wrongly")
