"""One output channel of a real layer rebuilt from its per-input-channel parts (the digit CNN's second
conv, EfficientNet's stem), and the tab's caption."""
import pytest
import torch

from demos.convolutions import channels

pytestmark = pytest.mark.filterwarnings("ignore")


@pytest.fixture(scope="module")
def coffee():
    from demos.images import photo, photo_input

    return photo_input(photo("coffee"))


def test_channel_sum_rebuilds_the_layer_output(mnist, mnist_cnn, effnet, coffee):
    for model, x, n_in in ((mnist_cnn, mnist.test_images[:1], 32), (effnet, coffee, 3)):
        parts = channels.channel_sum(model, x, 5)
        assert parts["parts"].shape[0] == n_in
        assert torch.allclose(parts["parts"].sum(0), parts["layer_output"], atol=1e-4)
    assert torch.equal(channels.channel_sum(mnist_cnn, mnist.test_images[:1], 5)["kernels"],
                       mnist_cnn.features[1][0].weight[5])


def test_channel_caption_and_figure(mnist, mnist_cnn, effnet, coffee):
    parts = channels.channel_sum(mnist_cnn, mnist.test_images[:1], 7)
    text = channels.channel_caption(parts, 7, digits=True)
    assert text.startswith("Output channel 7 of the second conv of the digit CNN is the sum over its 32 input "
                           "channels of (input channel ⋆ its own 3×3 kernel); that sum equals the layer's own output to ")
    share = parts["parts"].flatten(1).norm(dim=1).max() / parts["parts"].sum(0).norm()  # the largest part's size
    assert text.endswith(f"The largest single part is {float(share):.0%} of the total's size (L2).")
    fig = channels.channel_figure(parts)  # the 5 largest parts, the other 27 summed, and the sum
    assert [a.text for a in fig.layout.annotations][5:7] == ["other 27", "sum"]
    photo = channels.channel_caption(channels.channel_sum(effnet, coffee, 0), 0, digits=False)
    assert "Output channel 0 of the EfficientNet stem is the sum over its 3 input channels" in photo
    assert len([a for a in channels.channel_figure(channels.channel_sum(effnet, coffee, 0)).layout.annotations
                if a.text.startswith("other")]) == 0  # 3 channels: all shown, nothing left over
