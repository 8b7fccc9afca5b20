"""demos/vision_tasks/scenes.py: the seeded painter's ground truth agrees with its pixels."""
import numpy as np

from demos.vision_tasks import scenes as sc


def test_a_seed_always_paints_the_same_scene_and_splits_never_share_seeds():
    a, b = sc.scene(7), sc.scene(7)
    assert np.array_equal(a.image, b.image) and np.array_equal(a.mask, b.mask) and np.array_equal(a.boxes, b.boxes)
    assert not np.array_equal(sc.scene(8).image, a.image)
    seeds = {k: {sc.split_seed(k, i) for i in range(5000)} for k in sc.SPLITS}
    assert not (seeds["train"] & seeds["validation"]) and not (seeds["train"] & seeds["test"])


def test_each_box_is_the_tight_box_of_its_shapes_pixels_and_shapes_never_overlap():
    for s in sc.scenes("train", 60):
        assert s.image.shape == (64, 64, 3) and 0 <= s.image.min() and s.image.max() <= 1
        assert 1 <= len(s.labels) <= sc.MAX_SHAPES
        covered = np.zeros((64, 64), int)
        for (x0, y0, x1, y1), c in zip(s.boxes.astype(int), s.labels):
            inside = s.mask[y0:y1, x0:x1] == c + 1
            # tight: the shape's class touches every edge row and column of its box
            assert inside[0].any() and inside[-1].any() and inside[:, 0].any() and inside[:, -1].any()
            covered[y0:y1, x0:x1] += 1
        assert covered.max() <= 1  # boxes are disjoint
        # every shape pixel lies inside a box of its class, and the background outside every box
        assert ((s.mask > 0) <= (covered > 0)).all()


def test_classes_and_presence_targets_cover_all_three_shapes():
    data = sc.scenes("train", 100)
    counts = np.bincount(np.concatenate([s.labels for s in data]), minlength=3)
    assert (counts > 40).all()
    s = next(s for s in data if len(set(s.labels.tolist())) == 2)
    assert sc.presence(s).sum() == 2 and all(sc.presence(s)[c] == 1 for c in s.labels)
    images, masks = sc.to_tensors(data[:3])
    assert images.shape == (3, 3, 64, 64) and masks.shape == (3, 64, 64)
