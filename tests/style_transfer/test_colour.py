"""demos.style_transfer.colour: luminance-only transfer keeps the result's brightness and the
content's colour; `finish` applies it only when asked."""
import torch

from demos.style_transfer import colour


def test_preserve_colour_keeps_luminance_of_result_and_colour_of_content():
    g = torch.Generator().manual_seed(0)
    result, content = torch.rand(1, 3, 8, 8, generator=g) * 0.5 + 0.25, torch.rand(1, 3, 8, 8, generator=g) * 0.5 + 0.25
    out = colour.preserve_colour(result, content)
    luma = lambda x: 0.299 * x[:, 0] + 0.587 * x[:, 1] + 0.114 * x[:, 2]
    assert torch.allclose(luma(out), luma(result), atol=1e-5)
    assert torch.allclose(out[:, 2] - luma(out), content[:, 2] - luma(content), atol=1e-5)


def test_finish_preserves_colour_only_when_asked():
    g = torch.Generator().manual_seed(1)
    result, content = torch.rand(1, 3, 8, 8, generator=g), torch.rand(1, 3, 8, 8, generator=g)
    assert colour.finish(result, content, False) is result
    assert torch.equal(colour.finish(result, content, True), colour.preserve_colour(result, content))
