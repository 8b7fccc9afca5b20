"""demos.transfer_learning.teach: crops from their own part of the picture, strips and specks,
the confusion matrix by hand, the bundled textures told apart, the names and captions."""
import copy

import numpy as np
import pytest
import torch

from demos.images import PHOTOS, photo, to_tensor
from demos.transfer_learning import teach

pytestmark = pytest.mark.filterwarnings("ignore")


def test_crops_come_from_their_own_part_of_the_picture():
    picture = torch.zeros(1, 3, 200, 300)
    picture[..., int(300 * teach.TRAIN_PART):] = 1.0  # left 60 % black, right 40 % white
    train, test = teach.crops(picture, 6, "train", 0), teach.crops(picture, 6, "test", 0)
    assert train.shape == (6, 3, teach.CROP_SIDE, teach.CROP_SIDE)
    assert train.mean() < 0.02 and test.mean() > 0.98
    assert torch.equal(teach.crops(picture, 6, "train", 0), train)


@pytest.mark.parametrize("shape", [(1, 1000), (1000, 2), (1, 1), (3, 5)])
def test_crops_of_strips_and_specks_stay_small(shape):
    # a 1 x 1000 strip scaled to a 256-px shorter side would be 256,000 px wide: its middle is kept
    picture = torch.rand(1, 3, *shape)
    for part in ("train", "test"):
        out = teach.crops(picture, 3, part, 0)
        assert out.shape == (3, 3, teach.CROP_SIDE, teach.CROP_SIDE) and torch.isfinite(out).all()


def test_confusion_matrix_by_hand():
    m = teach.confusion_matrix(torch.tensor([0, 0, 1, 2, 2]), torch.tensor([0, 1, 1, 2, 0]), 3)
    assert m.tolist() == [[1, 1, 0], [0, 1, 0], [1, 0, 1]]


def test_teach_tells_the_bundled_textures_apart_and_leaves_the_model_alone(effnet):
    before = copy.deepcopy(effnet.state_dict())
    brick, grass = to_tensor(photo("brick")), to_tensor(photo("grass"))
    taught = teach.teach(effnet, [[brick], [grass, grass.flip(-1)]], shots_per_class=3, test_per_class=8)
    assert taught["confusion"].sum() == 16 and taught["accuracy"] >= 0.9  # measured: 1.0
    assert taught["train_crops"].shape[0] == 6
    assert all(torch.equal(v, before[k]) for k, v in effnet.state_dict().items()) and not effnet.training
    assert teach._spread(5, 2) == [3, 2] and teach._spread(3, 3) == [1, 1, 1] and teach._spread(1, 3) == [1, 0, 0]
    montage = teach.crops_figure(taught, 2, 3)
    assert montage.layout.title.text.startswith("What each class was taught with")


def test_montage_puts_one_class_per_row():
    batch = torch.zeros(6, 3, 4, 4)
    batch[3:] = 1.0  # class 1's crops are white
    out = teach.montage(batch, 2, 2, gap=1)  # 2 rows of 2 (of 3) crops: (2*4+1) x (2*4+1)
    assert out.shape == (9, 9, 3) and out.dtype == np.uint8
    assert (out[:4, :4] == 0).all() and (out[5:, :4] == 255).all() and (out[4] == 255).all()


def test_names_and_captions_come_from_the_classes_and_numbers():
    assert teach.class_names(["brick", ("id1", "id2")]) == [f"1. {PHOTOS['brick'].title}", "2. your 2 picture(s)"]
    assert teach.same_picture_twice(["brick", "grass", "brick"]) and not teach.same_picture_twice(["brick", ("u",)])
    assert teach.option_name("upload") == "Upload your own" and teach.option_name("grass") == PHOTOS["grass"].title
    assert teach.OPTIONS[-1] == "upload" and set(teach.OPTIONS[:-1]) == set(PHOTOS)
    assert teach.crops_caption(2).startswith("2 crop(s) per class, cut from the left 60% of its picture(s)")
    # 2 classes x 4 crops: class 0 all right; class 1: 3 taken for class 0 -> 5 of 8 right
    taught = {"confusion": np.array([[4, 0], [3, 1]]), "accuracy": 5 / 8, "fit_seconds": 0.0123}
    assert teach.confusion_caption(taught, ["1. Brick", "2. Grass"]) == (
        "62% of 8 crops from the pictures' unseen right parts are classified correctly; the linear probe took "
        "12 ms to fit. Most confused: 2. Grass taken for 1. Brick (3 of 4).")
    perfect = {"confusion": np.eye(2, dtype=int) * 4, "accuracy": 1.0, "fit_seconds": 0.002}
    assert "Most confused" not in teach.confusion_caption(perfect, ["a", "b"])
