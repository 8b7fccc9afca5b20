"""demos/augmentation/chain.py: the controls' values become the chain; presets use real options."""
import torch

from demos.augmentation import chain, transforms
from demos.augmentation.transforms import Step


def test_chain_controls_drop_the_steps_that_are_off():
    c = chain.read_chain([("rotate", 1, 0.5), (chain.OFF, 1, 1), ("noise", 0.5, 0.2)])
    assert c == (Step("rotate", 1.0, 0.5), Step("noise", 0.5, 0.2))


def test_presets_and_defaults_name_real_transforms():
    for values in chain.PRESETS.values():
        for key in ("t1", "t2", "t3"):
            if key in values:
                assert values[key] in chain.step_options(int(key[1]) - 1)
    assert all(name in transforms.TRANSFORMS for name, _, _ in chain.DEFAULT_STEPS)
    assert chain.OFF not in chain.step_options(0) and chain.OFF in chain.step_options(1)


def test_photos_are_shrunk_and_digits_kept():
    assert chain.working_image(torch.rand(1, 3, 224, 224)).shape == (3, chain.PHOTO_SIDE, chain.PHOTO_SIDE)
    digit = torch.rand(1, 1, 28, 28)
    assert torch.equal(chain.working_image(digit), digit[0])
