"""The hero's 2-D GAN: coverage under its presets, determinism, every loss drawn as a replay, a stopped
run kept, the presets recognised from the controls' values, and the captions."""
import dataclasses

import numpy as np
import pytest
import torch

from demos.generative import gan_2d, losses, targets
from demos.replay import Recording


def test_collapse_preset_captures_fewer_modes_and_its_cure_all(mode_collapse_run, cure_run):
    collapsed = mode_collapse_run  # both trained now (conftest.py), and compared with their committed runs
    assert collapsed.frames["regions"][-1] < 7  # reached here: 1 (seed 0, as committed)
    assert collapsed.frames["fake"][-1].std(0).mean() < 0.8  # a clump, where the ring spreads 1.4 per axis
    cured = cure_run
    assert cured.frames["regions"][-1] >= 7  # reached here: 8 (seeds 0 and 1)


def test_recording_is_deterministic_under_a_seed():
    a, b = (gan_2d.train_gan_2d(iterations=40, n_frames=3, seed=3) for _ in range(2))
    c = gan_2d.train_gan_2d(iterations=40, n_frames=3, seed=4)
    assert np.array_equal(a.frames["fake"], b.frames["fake"]) and np.array_equal(a.curves["g_loss"], b.curves["g_loss"])
    assert not np.array_equal(a.frames["fake"], c.frames["fake"])


@pytest.mark.parametrize("loss", list(losses.LOSSES))
def test_every_loss_trains_and_draws_a_replay(loss):
    seen = []
    rec = gan_2d.train_gan_2d(loss=loss, iterations=30, n_frames=4, on_progress=lambda f, p: seen.append(p["step"]))
    assert list(rec.steps) == [0, 10, 20, 30] and seen == [0, 10, 20, 30]  # step 0 is drawn at once
    assert rec.frames["d"].shape == (4, gan_2d.GRID, gan_2d.GRID) and rec.frames["arrows"].shape == (4, gan_2d.N_ARROWS, 2)
    fig = gan_2d.gan_2d_figure(rec)
    assert len(fig.frames) == 4 and fig.layout.sliders[0].steps[-1].label == "30"
    assert "regions" in gan_2d.gan_2d_caption(rec)


def test_train_and_draw_gives_the_recording_and_its_replay_at_the_heros_height():
    rec, fig = gan_2d.train_and_draw("ring", "hinge", 1e-3, 1e-3, 1, 2, 16, 20, 0)
    assert list(rec.steps)[-1] == 20 and rec.meta["loss"] == "hinge"
    assert fig.layout.height == gan_2d.HERO_HEIGHT and len(fig.frames) == rec.n_frames


def test_stop_keeps_a_partial_recording():
    class Stopped(Exception):  # recognised by name, as the UI's own
        pass

    def stop_after_two(fraction, partial):
        if partial["step"] >= 20:
            raise Stopped()

    rec = gan_2d.train_gan_2d(iterations=100, n_frames=11, on_progress=stop_after_two)
    assert rec.stopped and rec.steps[-1] == 20
    assert "Stopped at step 20" in gan_2d.gan_2d_caption(rec)


def test_each_preset_is_recognised_from_the_controls_it_sets():
    """`ui.active_preset` on this page's presets: each preset's values give back its name (every preset
    sets every control), and a control moved off them gives none."""
    from streamlit.testing.v1 import AppTest

    def script():
        import streamlit as st

        import ui
        from demos.generative import gan_2d
        st.write(f"active: {ui.active_preset(gan_2d.PRESETS)}")

    at = AppTest.from_function(script, default_timeout=60)
    assert set(gan_2d.PRESETS["Healthy"]) == set(gan_2d.DEFAULTS)
    for name, values in gan_2d.PRESETS.items():
        assert set(values) == set(gan_2d.DEFAULTS), name  # a preset sets every control
        for key, value in values.items():
            at.session_state[key] = value
        assert at.run().markdown[0].value == f"active: {name}"
    for key, value in (gan_2d.DEFAULTS | {"width": 64}).items():
        at.session_state[key] = value
    assert at.run().markdown[0].value == "active: None"


def fake_recording(regions, quality, fakes, steps=(0, 1000, 2000), stopped=False, seconds=4.0, loss="nonsaturating"):
    return Recording(np.array(steps), {"regions": np.array(regions), "quality": np.array(quality, dtype=np.float32),
                                       "fake": np.array(fakes, dtype=np.float32)},
                     {"g_grad": np.ones(steps[-1])}, seconds, stopped, meta={"target": "ring", "loss": loss})


def test_the_hero_caption_reads_the_recording():
    spread = [[[-1.0, -2.0], [1.0, 2.0]]] * 3  # std per axis (1, 2): 1.50 on average
    rec = fake_recording([1, 8, 6], [0.2, 0.9, 0.8], spread)
    text = gan_2d.gan_2d_caption(rec, "Mode collapse")
    assert text.startswith("Preset “Mode collapse”. After 2,000 generator steps the generated points cover 6 of the 8 "
                           "regions of the target (Ring of 8 Gaussians; best during training: 8), and 80% of them lie "
                           "within 3σ of the data; they spread 1.50 per axis, the data ")
    data = float(targets.sample_target("ring", 2000, torch.Generator().manual_seed(0)).std(0).mean())
    assert f"the data {data:.2f}. Recorded once in 4.0 s (500 steps/s)" in text
    stopped = gan_2d.gan_2d_caption(fake_recording([0, 3], [0.1, 0.5], spread[:2], (0, 300), True, 0.5))
    assert stopped.startswith("Stopped at step 300 the generated points cover 3 of the 8") and "(600 steps/s)" in stopped
    assert "Preset" not in stopped
    ahead = dataclasses.replace(rec, meta=rec.meta | {"command": "python -m train.precompute_generative"})
    assert "Recorded once ahead of time in 4.0 s (500 steps/s)" in gan_2d.gan_2d_caption(ahead)  # a committed run


def test_points_that_leave_the_square_are_drawn_on_its_edge_and_counted():
    # the issue: in mode collapse generated points left the plot without a word
    far = [[[0.0, 0.0], [gan_2d.BOX + 2, 0.0], [0.0, -gan_2d.BOX - 1], [1.0, 1.0]]] * 3
    rec = fake_recording([8, 8, 8], [1, 1, 1], far)
    assert "2 of the 4 points lie outside the square and are drawn on its edge." in gan_2d.gan_2d_caption(rec)
    assert "outside the square" not in gan_2d.gan_2d_caption(fake_recording([8] * 3, [1] * 3, [[[0.0, 0.0]]] * 3))
    rec.frames["d"] = np.zeros((3, gan_2d.GRID, gan_2d.GRID))
    rec.frames["arrows"] = np.zeros((3, 4, 2))
    rec.curves.update(d_loss=np.ones(2000), g_loss=np.ones(2000))
    shown = gan_2d.gan_2d_figure(rec, player=False).data[2]  # the generated points
    assert list(shown.x) == [0.0, gan_2d.BOX, 0.0, 1.0] and list(shown.y) == [0.0, 0.0, -gan_2d.BOX, 1.0]


@pytest.mark.parametrize("step,total,expected", [(0, 500, "step 0 of 500"), (1500, 4000, "step 1,500 of 4,000")])
def test_progress_caption(step, total, expected):
    assert gan_2d.progress_caption(step, total) == f"Training: {expected}. The replay starts when it ends."


def test_a_running_frame_is_drawn_without_the_player():
    rec = gan_2d.train_gan_2d(iterations=10, n_frames=2)
    fig = gan_2d.gan_2d_frame_figure(rec.frame(-1), "ring", "nonsaturating", 300)
    assert not fig.frames and not fig.layout.sliders and fig.layout.height == 300
