"""demos/vision_tasks/tasks.py: the hero's three panels and its caption, from the same results; the
out-of-world check on uploads."""
import numpy as np
import torch

from demos.images import PHOTOS, photo
from demos.vision_tasks import grid as g, scenes, tasks


def truth_as_prediction(index: int = 0, presence=(0.9, 0.2, 0.7)) -> tasks.Tasks:
    s = scenes.scene(scenes.split_seed("test", index))
    d = g.Detections(torch.tensor(s.boxes), torch.ones(len(s.labels)), torch.from_numpy(s.labels))
    return tasks.Tasks(s.image, np.array(presence), d, d, None, s.mask, s)


def test_the_hero_caption_names_what_each_model_found():
    r = truth_as_prediction()
    text = tasks.tasks_caption(r, 0.5)
    assert text.startswith("Classification says the scene holds circle, triangle; detection finds ")
    assert "at score ≥ 0.50" in text and f"({'truth: ' + tasks._names(r.truth.labels)};" in text
    assert "mean IoU of the shape classes 1.00" in text  # the true mask as the prediction
    none = tasks.Tasks(r.image, np.zeros(3), g.Detections(torch.zeros(0, 4), torch.zeros(0), torch.zeros(0, dtype=torch.long)),
                       r.raw, None, np.zeros_like(r.mask), None)
    assert tasks.tasks_caption(none, 0.9) == ("Classification says the scene holds none of the three shapes; detection "
                                             "finds nothing at score ≥ 0.90; segmentation labels 0% of the pixels as shape.")


def test_the_hero_draws_one_box_per_detection_and_the_true_boxes_only_when_asked():
    r = truth_as_prediction()
    n = len(r.truth.labels)
    on, off = tasks.tasks_figure(r, True), tasks.tasks_figure(r, False)
    dotted = lambda f: [s for s in f.layout.shapes if s.line.dash == "dot"]  # noqa: E731
    solid = lambda f: [s for s in f.layout.shapes if s.line.dash == "solid"]  # noqa: E731
    assert (len(dotted(on)), len(dotted(off))) == (n, 0) and len(solid(on)) == len(solid(off)) == n
    # a box's corner is drawn at its pixel edge minus half a pixel (go.Image puts pixel i at i)
    assert (solid(on)[0].x0, solid(on)[0].y1) == (float(r.truth.boxes[0, 0]) - 0.5, float(r.truth.boxes[0, 3]) - 0.5)
    assert [t.type for t in on.data[:3]] == ["image"] * 3 and [t.name for t in on.data[3:]] == list(scenes.CLASSES)
    labels = [a.text for a in on.layout.annotations if "%" in a.text]
    assert labels == ["<b>circle 90%</b>", "<b>rectangle 20%</b>", "<b>triangle 70%</b>"]


def test_the_mask_overlay_paints_shape_pixels_their_class_colour():
    image = np.full((2, 2, 3), 1.0, np.float32)
    mask = np.array([[0, 1], [2, 3]])
    out = tasks.mask_overlay(image, mask)
    assert (out[0, 0] == 255).all()  # background: 0.35 · 1 + 0.65 = 1
    assert (out[0, 1] == tasks.to_uint8(tasks.MASK_RGB[1])).all() and (out[1, 1] == tasks.to_uint8(tasks.MASK_RGB[3])).all()


def test_every_test_scene_is_in_the_models_world_and_photos_and_noise_are_not():
    assert all(tasks.out_of_world(scenes.scene(scenes.split_seed("test", i)).image) is None for i in range(200))
    assert "border" in tasks.out_of_world(np.random.default_rng(0).random((64, 64, 3)))
    assert tasks.out_of_world(tasks.scene_input(photo("astronaut"))) is not None
    assert tasks.scene_input(photo(next(iter(PHOTOS)))).shape == (64, 64, 3)
