"""demos/style_transfer/lesson.py: the fast result the answers read."""
import torch

from demos.style_transfer import lesson


def test_keeping_the_colours_gives_back_the_photos_chroma():
    result, content, _ = lesson.fast_result({"colour": "1"})
    def chroma(x):  # Cb, Cr of ITU-R BT.601, as colour.preserve_colour uses
        y = 0.299 * x[:, 0] + 0.587 * x[:, 1] + 0.114 * x[:, 2]
        return torch.stack([(x[:, 2] - y) * 0.564, (x[:, 0] - y) * 0.713])
    assert (chroma(result) - chroma(content)).abs().mean() < 0.02  # equal up to clamping to [0, 1]
    assert lesson.colour_nearer({"colour": "1"}) == "The photo's"


def test_colour_nearer_compares_mean_colours():
    result, content, style = lesson.fast_result({})
    m = lesson.mean_colour
    expected = "The photo's" if torch.dist(m(result), m(content)) < torch.dist(m(result), m(style)) else "The style's"
    assert lesson.colour_nearer({}) == expected
