"""Preset kernels against hand-computed values, typed grids (a hostile input corpus), and what the
controls ask for (kernel, input grid, fallback messages)."""
import numpy as np
import pytest
import torch

from demos.convolutions import kernels, sliding

pytestmark = pytest.mark.filterwarnings("ignore")


def test_presets():
    assert kernels.kernel("sobel_x", 3).tolist() == [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]
    np.testing.assert_array_equal(kernels.kernel("sobel_x", 5), np.outer([1, 4, 6, 4, 1], [-1, -2, 0, 2, 1]))
    for k in range(1, 8):
        assert kernels.kernel("blur", k).sum() == pytest.approx(1) and kernels.kernel("box", k).sum() == pytest.approx(1)
        assert kernels.kernel("edge", k).sum() == pytest.approx(0) and kernels.kernel("sharpen", k).sum() == pytest.approx(1)
        np.testing.assert_array_equal(kernels.kernel("sobel_y", k), kernels.kernel("sobel_x", k).T)
    x = np.random.default_rng(0).random((9, 9))  # identity with 'same' padding returns the image
    np.testing.assert_array_equal(sliding.convolve(x[None], kernels.kernel("identity", 5)[None], padding=2), x)
    with pytest.raises(ValueError):
        kernels.kernel("nonsense", 3)


# ---------------------------------------------------------------- typed grids (hostile input corpus)
BAD_GRIDS = {
    "": "empty", "   \n \n": "empty", "1 2\n3": "different lengths", "1 2 x": "not a number",
    "nan 1": "not a number", "inf 1": "not a number", "1e999 1": "between", "2000 1": "between",
    "<script>alert(1)</script>": "not a number", "`rm -rf` 1": "not a number", "1,,2;3 4 5": "different lengths",
    "\n".join(["1"] * 13): "too many", " ".join(["1"] * 13): "too many", "١ ٢": "not a number", "0x10 1": "not a number",
}


@pytest.mark.parametrize("text", list(BAD_GRIDS))
def test_bad_typed_grids_get_a_clear_message(text):
    with pytest.raises(kernels.GridError, match=BAD_GRIDS[text]):
        kernels.parse_grid(text)
    values, message = kernels.read_grid(text, kernels.DEFAULT_GRID)
    assert message and values.shape == (6, 6)


def test_good_typed_grids():
    np.testing.assert_array_equal(kernels.parse_grid("1, 2.5; -3 4e-1"), [[1, 2.5], [-3, 0.4]])
    assert kernels.parse_grid(kernels.DEFAULT_CUSTOM, 7, square=True).tolist() == [[0, -1, 0], [-1, 5, -1], [0, -1, 0]]
    with pytest.raises(kernels.GridError, match="square"):
        kernels.parse_grid("1 2 3\n4 5 6", square=True)
    assert kernels.read_grid("1 2\n3 4", kernels.DEFAULT_GRID) == (pytest.approx(np.array([[1, 2], [3, 4]])), None)


# ---------------------------------------------------------------- what the controls ask for
def test_the_chosen_kernel_is_the_preset_or_the_typed_values():
    weights, problem = kernels.chosen_kernel("blur", 5, "1 2\n3 4")  # typed values are ignored for a preset
    assert problem is None and np.array_equal(weights, kernels.kernel("blur", 5))
    weights, problem = kernels.chosen_kernel("custom", 0, "1 0\n0 -1")
    assert problem is None and weights.tolist() == [[1, 0], [0, -1]]
    weights, problem = kernels.chosen_kernel("custom", 0, "1 2 3\n4 5 6")
    assert "square" in problem and weights.tolist() == [[0, -1, 0], [-1, 5, -1], [0, -1, 0]]  # DEFAULT_CUSTOM
    weights, problem = kernels.chosen_kernel("custom", 0, "\n".join(["1 " * 8] * 8))  # wider than KERNEL_RANGE
    assert "too many" in problem and weights.shape == (3, 3)
    assert kernels.fallback_note(problem).endswith("at most 7. Using the default values instead.")
    assert kernels.typed_size_text(2) == "Kernel size k = 2, from the typed values"


def test_the_chosen_input_is_the_typed_grid_or_the_grey_picture():
    digit = torch.zeros(1, 1, 28, 28)
    digit[..., :14, :] = 1.0  # top half white
    image, problem = kernels.chosen_input(digit, 14, False, "ignored")
    assert problem is None and image.shape == (14, 14) and image[:7].min() == 1 and image[7:].max() == 0
    image, problem = kernels.chosen_input(digit, 14, True, "nan")
    assert "not a number" in problem and image.shape == (6, 6)
    assert kernels.chosen_input(digit, 14, True, "1 2 3")[0].tolist() == [[1, 2, 3]]


def test_grey_is_the_luma_of_a_photo():
    photo = torch.zeros(1, 3, 8, 8)
    photo[0, 1] = 1.0  # pure green: luma 0.587 (ITU-R 601)
    np.testing.assert_allclose(kernels.grey(photo, 4), np.full((4, 4), 0.587), rtol=1e-6)


def test_a_grid_message_keeps_non_ascii_readable_and_markdown_inert():
    # it once wrote every non-ASCII character as "?": "été" is shown as itself (10 characters, under the
    # 12 quoted), the Markdown characters backslashed and the invisible U+202E written as an escape
    with pytest.raises(kernels.GridError) as err:
        kernels.parse_grid("1 été\u202e[x](y)")
    assert str(err.value) == "Row 1: “été\\\\u202e\\[x\\]\\(y\\)” is not a number."
