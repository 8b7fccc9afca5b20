"""The style-transfer tests' small pair: the astronaut at 64 px and a 64-px mosaic pattern."""
import pytest

from demos.images import photo, to_tensor
from demos.style_transfer import inputs


@pytest.fixture(scope="package")
def pair():
    content = inputs.resize_longer(to_tensor(photo("astronaut")), 64)
    return content, inputs.pattern("mosaic", 64)
