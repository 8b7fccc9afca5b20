"""demos/augmentation/grid_view.py: the meter is the model's verdict on every draw and the caption
counts it; one box per draw; the mosaic holds every cell."""
import pytest
import torch

from demos.augmentation import grid_view, transforms
from demos.augmentation.transforms import Step


@pytest.fixture(scope="module")
def digit(mnist):
    return mnist.test_images[0]


def test_meter_caption_counts_the_models_verdicts(digit, mnist_cnn):
    six = digit  # any digit: the caption must count what the model says, whatever it says
    truth = 7
    rows = transforms.grid(six, (Step("rotate", 1.0, 1.0),), 0)
    probs = grid_view.meter(mnist_cnn, rows)
    kept = int((probs[0].argmax(1) == truth).sum())
    caption = grid_view.grid_caption((Step("rotate", 1.0, 1.0),), probs, truth, 0)
    assert f"Rotate {kept} of 6" in caption
    assert "move with the rotation;" in caption
    fig = grid_view.grid_figure(rows, (Step("rotate", 1.0, 1.0),), True, True, probs, truth, 300)
    assert len(fig.layout.shapes) == 6  # one box per draw
    assert grid_view.grid_caption((Step("noise", 1.0, 0.5),), None, None, 0).endswith("(the meter reads held-out digits, whose labels are known).")


def test_the_mosaic_holds_every_cell_at_its_place(digit):
    rows = transforms.grid(digit, (Step("noise", 1.0, 0.3), Step("flip", 1.0, 0.0)), 0)
    picture, side = grid_view.mosaic(rows, show_mask=False)
    assert side == 28 * grid_view.DIGIT_ZOOM
    assert picture.shape == (3 * (side + grid_view.ROW_GAP), 6 * (side + grid_view.GAP) - grid_view.GAP, 3)
    r, c = 2, 5  # the whole chain's last draw, zoomed with nearest neighbours: its top-left pixel
    y, x = r * (side + grid_view.ROW_GAP), c * (side + grid_view.GAP)
    assert picture[y, x, 0] == round(float(rows[r][c].image[0, 0, 0]) * 255)


def test_the_meter_is_the_models_softmax(digit, mnist_cnn):
    rows = transforms.grid(digit, (Step("rotate", 1.0, 0.5),), 1, draws=3)
    probs = grid_view.meter(mnist_cnn, rows)
    with torch.no_grad():
        direct = torch.softmax(mnist_cnn(rows[0][2].image[None]), 1)[0].numpy()
    assert probs.shape == (1, 3, 10) and abs(probs[0, 2] - direct).max() < 1e-5
