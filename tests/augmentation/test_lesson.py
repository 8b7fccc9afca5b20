"""demos/augmentation/lesson.py: the answers are the digit CNN's verdicts on the page's own grid."""
import pytest

from demos.augmentation import chain, grid_view, lesson, transforms
from demos.augmentation.transforms import Step


def test_answers_count_the_models_verdicts_on_the_views_grid(mnist, mnist_cnn):
    params = {"t1": "rotate", "p1": "1.0", "m1": "1.0", "t2": "off", "t3": "off", "digit": "6"}
    row = int((mnist.test_labels == 6).nonzero()[0])
    rows = transforms.grid(mnist.test_images[row], (Step("rotate", 1.0, 1.0),), 0)
    kept = int((grid_view.meter(mnist_cnn, rows)[0].argmax(1) == 6).sum())
    assert lesson.first_row_kept(params) == ("0–2" if kept <= 2 else "3–4" if kept <= 4 else "5–6")
    # a mirror of every draw: the answer is the model's verdict on the first mirrored 2
    row = int((mnist.test_labels == 2).nonzero()[0])
    flipped = mnist.test_images[row:row + 1].flip(-1)
    said = int(mnist_cnn(flipped).argmax(1))
    assert lesson.first_draw_kept({"t1": "flip", "p1": "1.0", "t2": "off", "t3": "off", "digit": "2"}) == (
        "Yes" if said == 2 else "No")


def test_defaults_are_the_pages_and_a_photo_has_no_meter():
    assert lesson.DEFAULTS["t1"] == chain.DEFAULT_STEPS[0][0] and lesson.DEFAULTS["m2"] == str(chain.DEFAULT_STEPS[1][2])
    with pytest.raises(ValueError):
        lesson.verdicts({"kind": "photo"})
