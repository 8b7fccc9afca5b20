"""The shared record-then-replay engine (demos/replay.py): frame steps, recording, early stop, a
Stop that keeps a partial recording, determinism, and the client-side player."""
import numpy as np
import plotly.graph_objects as go
import pytest
import torch

from demos.replay import Recording, animate, frame_steps, record


class Stopped(Exception):
    """Named like the UI's Stop exception (ui.jobs.Stopped): recognised by name."""


def counter():
    """A 'training' whose state after step i is exactly i: each frame must show its own step."""
    state = {"x": 0}

    def step(i):
        state["x"] = i
        return {"loss": 1.0 / i, "twice": 2.0 * i}

    return step, lambda: {"x": np.array([state["x"]]), "grid": np.full((3, 3), state["x"], np.uint8)}


def test_frame_steps_are_evenly_spaced_and_include_both_ends():
    steps = frame_steps(300, 60)
    assert len(steps) == 60 and steps[0] == 0 and steps[-1] == 300
    assert np.all(np.diff(steps) >= 5) and np.all(np.diff(steps) <= 6)  # 300 / 59 = 5.08 per frame
    assert frame_steps(10, 60).tolist() == list(range(11))  # fewer steps than frames: every step once
    assert frame_steps(0, 5).tolist() == [0]
    for bad in ((-1, 5), (10, 1)):
        with pytest.raises(ValueError):
            frame_steps(*bad)


def test_record_keeps_a_snapshot_at_each_frame_step_and_every_step_curve():
    step, snap = counter()
    rec = record(step, snap, total_steps=100, n_frames=11)
    assert rec.steps.tolist() == list(range(0, 101, 10)) and rec.n_frames == 11
    assert rec.frames["x"][:, 0].tolist() == rec.steps.tolist()  # frame f shows the state at its step
    assert rec.frames["grid"].shape == (11, 3, 3) and rec.frames["grid"].dtype == np.uint8
    assert len(rec.curves["loss"]) == 100 and rec.curves["twice"][-1] == 200.0
    assert rec.frame(-1)["x"][0] == 100 and not rec.stopped and rec.seconds >= 0


def test_progress_is_reported_once_per_frame_up_to_one():
    step, snap = counter()
    seen = []
    record(step, snap, 50, n_frames=6, on_progress=seen.append)
    assert seen == pytest.approx([0.2, 0.4, 0.6, 0.8, 1.0])


def test_stop_when_ends_the_run_early_on_the_step_it_fired():
    step, snap = counter()
    rec = record(step, snap, 100, n_frames=11, stop_when=lambda i, m: m["twice"] >= 14)  # fires at step 7
    assert rec.steps.tolist() == [0, 7] and len(rec.curves["loss"]) == 7
    assert rec.frames["x"][-1, 0] == 7 and not rec.stopped


def test_a_stop_raised_by_on_progress_keeps_a_partial_recording():
    step, snap = counter()
    calls = []

    def on_progress(fraction):
        calls.append(fraction)
        if len(calls) == 3:  # someone pressed Stop while the job reported its third frame (step 30)
            raise Stopped("training")

    rec = record(step, snap, 100, n_frames=11, on_progress=on_progress)
    assert rec.stopped and rec.steps.tolist() == [0, 10, 20, 30] and len(rec.curves["loss"]) == 30
    assert rec.frames["x"][-1, 0] == 30


def test_a_stop_between_frames_ends_on_the_last_step_run():
    step, snap = counter()

    def stepping(i):
        if i == 24:
            raise Stopped("training")
        return step(i)

    rec = record(stepping, snap, 100, n_frames=11)
    assert rec.stopped and rec.steps.tolist() == [0, 10, 20, 23] and rec.frames["x"][-1, 0] == 23


def test_other_errors_are_not_swallowed():
    step, snap = counter()
    with pytest.raises(ZeroDivisionError):
        record(lambda i: {"loss": 1 / (i - 5)}, snap, 10, n_frames=3)


def test_a_seeded_recording_is_identical_on_every_run():
    def run(seed):
        g = torch.Generator().manual_seed(seed)
        w = torch.zeros(3)

        def step(i):  # noisy SGD on |w - 1|^2: every random draw comes from the seeded generator
            grad = 2 * (w - 1) + 0.3 * torch.randn(3, generator=g)
            w.sub_(0.1 * grad)
            return {"loss": float(((w - 1) ** 2).sum())}

        return record(step, lambda: {"w": w.numpy().copy()}, 40, n_frames=9)

    a, b, c = run(0), run(0), run(1)
    assert np.array_equal(a.frames["w"], b.frames["w"]) and np.array_equal(a.curves["loss"], b.curves["loss"])
    assert not np.array_equal(a.frames["w"], c.frames["w"])


def player(n=5, start=None):
    fig = go.Figure([go.Heatmap(z=np.zeros((2, 2))), go.Scatter(x=[0], y=[0], name="marker"),
                     go.Scatter(x=[0, 1], y=[1, 1], name="static")])
    frames = [{0: {"z": np.full((2, 2), f)}, 1: {"x": [f], "y": [f * f]}} for f in range(n)]
    return animate(fig, frames, [f"epoch {10 * f}" for f in range(n)], start=start)


def test_animate_builds_one_frame_per_label_with_only_the_moving_traces():
    fig = player()
    assert [f.name for f in fig.frames] == ["0", "1", "2", "3", "4"]
    for f, frame in enumerate(fig.frames):
        assert list(frame.traces) == [0, 1]  # the static trace is never resent
        assert frame.data[0].type == "heatmap" and np.all(np.asarray(frame.data[0].z) == f)
        assert frame.data[1].x == (f,) and frame.data[1].y == (f * f,)
    with pytest.raises(ValueError):
        animate(go.Figure(go.Scatter()), [{0: {}}], ["a", "b"])


def test_the_player_has_play_pause_and_a_slider_that_starts_on_the_last_frame():
    fig = player()
    (buttons,) = fig.layout.updatemenus
    assert [b.label for b in buttons.buttons] == ["▶ Play", "⏸ Pause"]
    assert all(b.method == "animate" for b in buttons.buttons)
    assert buttons.buttons[0].args[0] is None and buttons.buttons[0].args[1]["fromcurrent"]  # play from here
    (slider,) = fig.layout.sliders
    assert [s.label for s in slider.steps] == [f"epoch {10 * f}" for f in range(5)]
    assert [list(s.args[0]) for s in slider.steps] == [["0"], ["1"], ["2"], ["3"], ["4"]]  # each step jumps to its frame
    assert slider.active == 4
    assert np.all(np.asarray(fig.data[0].z) == 4) and fig.data[1].x == (4,)  # drawn as the last frame
    assert fig.layout.margin.b >= 100  # room for the player below the x axis


def test_the_player_can_start_on_any_frame():
    fig = player(start=1)
    assert fig.layout.sliders[0].active == 1 and np.all(np.asarray(fig.data[0].z) == 1) and fig.data[1].y == (1,)


def test_recording_frame_and_size():
    rec = Recording(np.array([0, 5]), {"a": np.arange(6).reshape(2, 3)}, {"loss": np.ones(5)}, 0.1)
    assert rec.n_frames == 2 and rec.frame(1)["a"].tolist() == [3, 4, 5] and rec.meta == {} and not rec.stopped
