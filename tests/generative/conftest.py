"""The generative tests' shared work: the "Mode collapse" and "Cure: D keeps up" presets trained once each
(2,000 steps: ~9 and ~25 s on 2 quiet cores), read by the preset test and compared with the committed runs."""
import pytest

from demos.generative import committed, gan_2d


def preset_run(name: str):
    """`train_gan_2d` under a preset at seed 0, keeping only the first and last frames: frames are
    snapshots that draw no random numbers, so the training is the same at any n_frames."""
    return gan_2d.train_gan_2d(*committed.preset_args(gan_2d.PRESETS[name]), n_frames=2)


@pytest.fixture(scope="session")
def mode_collapse_run():
    return preset_run("Mode collapse")


@pytest.fixture(scope="session")
def cure_run():
    return preset_run("Cure: D keeps up")
