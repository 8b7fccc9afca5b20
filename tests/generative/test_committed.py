"""The committed runs (models/results/generative_*.npz): one per preset and the Saturation tab's default,
each what training gives now (bit for bit on the machine that made them: seeded, one thread, identical in
one process and in a fresh one; on another CPU float sums may run in another order, so training is compared
to float precision over its first steps and by what the page reports at its end), stored and loaded
without loss, and used only for exactly the arguments they were made with."""
import dataclasses

import numpy as np
import pytest

from demos.generative import committed, gan_2d, saturation
from demos.precomputed import RESULTS_DIR
from demos.replay import frame_steps


def same_recording(a, b) -> bool:
    """Equal frames and curves, D's plane compared as the 256 levels the replay draws (all that is stored)."""
    return (np.array_equal(a.steps, b.steps) and a.frames.keys() == b.frames.keys() and a.curves.keys() == b.curves.keys()
            and all(np.array_equal(gan_2d.plane_levels(a.frames[k]), gan_2d.plane_levels(b.frames[k])) if k == "d"
                    else np.array_equal(a.frames[k], b.frames[k]) for k in a.frames)
            and all(np.array_equal(a.curves[k], b.curves[k]) for k in a.curves))


def assert_same_training(kept, fresh, early: int = 100) -> None:
    """The same steps and keys; the first `early` steps of every curve and the first frame to float
    precision (a GAN amplifies a difference in the last bits over 2,000 steps, so later steps are not
    compared number by number); at the end, what the caption reports: regions covered and the share
    of points within 3σ."""
    assert np.array_equal(kept.steps, fresh.steps)
    assert kept.frames.keys() == fresh.frames.keys() and kept.curves.keys() == fresh.curves.keys()
    for k in kept.curves:
        np.testing.assert_allclose(kept.curves[k][:early], fresh.curves[k][:early], rtol=1e-3, atol=1e-5, err_msg=k)
    for k in kept.frames:
        first = (gan_2d.plane_levels(kept.frames[k][:1]).astype(float), gan_2d.plane_levels(fresh.frames[k][:1]).astype(float)) \
            if k == "d" else (kept.frames[k][:1], fresh.frames[k][:1])
        np.testing.assert_allclose(*first, rtol=1e-3, atol=1.0 if k == "d" else 1e-5, err_msg=k)  # d: 1 of 256 levels
    assert kept.frames["regions"][-1] == fresh.frames["regions"][-1]
    assert abs(float(kept.frames["quality"][-1]) - float(fresh.frames["quality"][-1])) <= 0.05


def test_each_preset_has_a_committed_run_of_its_own_settings():
    assert set(committed.RUNS) - set(committed.NEIGHBOURS) == {"generative_healthy.npz", "generative_mode_collapse.npz",
                                                                "generative_cure_d_keeps_up.npz"}
    for name, values in gan_2d.PRESETS.items():
        args = committed.preset_args(values)
        rec = committed.committed_run(*args)
        assert rec is not None, name
        assert rec.meta["command"] == committed.COMMAND and rec.seconds > 0 and not rec.stopped
        assert list(rec.steps) == list(frame_steps(values["iters"], 60))  # the page's 60 frames, 0 to 2,000
        assert len(rec.curves["g_loss"]) == values["iters"]
        assert (RESULTS_DIR / committed.file_name(name)).stat().st_size < 300_000  # small: ~200-250 KB


@pytest.mark.parametrize("name,fresh", [("Mode collapse", "mode_collapse_run"), ("Cure: D keeps up", "cure_run")])
def test_the_committed_runs_are_what_training_gives_now(name, fresh, request):
    """The fresh runs (trained once for the preset test too) keep frames 0 and 2,000 only (n_frames=2):
    their curves are all 2,000 steps, and their two frames are the committed first and last (frames draw
    no random numbers, so n_frames changes nothing). "Healthy" differs from "Mode collapse" only in lr_d."""
    stored = committed.committed_run(*committed.preset_args(gan_2d.PRESETS[name]))
    ends = dataclasses.replace(stored, steps=stored.steps[[0, -1]],
                               frames={k: v[[0, -1]] for k, v in stored.frames.items()})
    assert_same_training(ends, request.getfixturevalue(fresh))


def test_the_committed_saturation_experiment_is_what_it_gives_now():
    stored = committed.committed_saturation("ring", 0)
    fresh = saturation.saturation_experiment("ring", 0)
    assert stored.keys() == fresh.keys() == {"minimax", "nonsaturating"}
    for loss in fresh:
        assert stored[loss].keys() == fresh[loss].keys()
        for k in fresh[loss]:  # plain SGD from a fixed head start: to float precision on any CPU
            np.testing.assert_allclose(stored[loss][k], fresh[loss][k], rtol=1e-3, atol=1e-9, err_msg=f"{loss} {k}")


def test_a_recording_is_stored_and_loaded_without_loss(tmp_path):
    args = ("spiral", "minimax", 1e-3, 2e-3, 2, 3, 16, 12, 5)
    rec = gan_2d.train_gan_2d(*args, n_frames=4)
    committed.save_recording(rec, args, tmp_path / "run.npz", threads=1)
    loaded, stored_args = committed.load_recording(tmp_path / "run.npz")
    assert stored_args == args and loaded.seconds == rec.seconds
    assert loaded.meta == rec.meta | {"command": committed.COMMAND}
    assert same_recording(loaded, rec)
    assert loaded.frames["d"].dtype == np.float32 and np.abs(loaded.frames["d"] - rec.frames["d"]).max() <= 0.5 / 255 + 1e-6
    with pytest.raises(ValueError, match="only complete runs"):  # a critic's score is no probability: no levels
        committed.save_recording(gan_2d.train_gan_2d(loss="wgan_gp", iterations=2, n_frames=2), args, tmp_path / "w.npz")


def test_other_settings_and_stale_files_are_not_committed(tmp_path, monkeypatch):
    healthy = committed.preset_args(gan_2d.PRESETS["Healthy"])
    assert committed.committed_run(*healthy[:-1], 1) is None  # seed 1: trained live
    assert committed.committed_run(*healthy[:-2], 500, 0) is None  # 500 steps: trained live
    assert committed.committed_saturation("ring", 1) is None
    assert committed.committed_saturation("spiral", 0) is not None  # every target's experiment, at seed 0
    monkeypatch.setattr(committed, "RESULTS_DIR", tmp_path)
    assert committed.committed_run(*healthy) is None  # no file
    other = healthy[:-2] + (4, 0)  # a file under the preset's name, made with other arguments, is not used
    committed.save_recording(gan_2d.train_gan_2d(*other, n_frames=2), other, tmp_path / "generative_healthy.npz")
    assert committed.committed_run(*healthy) is None


def test_file_names():
    assert committed.file_name("Cure: D keeps up") == "generative_cure_d_keeps_up.npz"


def test_the_defaults_neighbours_are_committed_and_are_what_training_gives():
    # every target with either sigmoid loss, the other controls at their defaults: 4 × 2 − the default
    from demos.generative.targets import TARGETS
    assert len(committed.NEIGHBOURS) == 2 * len(TARGETS) - 1
    for name, args in committed.NEIGHBOURS.items():
        rec = committed.committed_run(*args)
        assert rec is not None, name
        assert rec.meta["target"] == args[0] and rec.meta["loss"] == args[1] and len(rec.curves["g_loss"]) == 2000
        assert (RESULTS_DIR / name).stat().st_size < 300_000
    # one of them retrained for 100 steps: its curves are the committed run's first 100 (frames draw no
    # random numbers, so a shorter run sees the same batches), to float precision
    name, args = next(iter(committed.NEIGHBOURS.items()))
    short = gan_2d.train_gan_2d(*args[:7], 100, args[8], n_frames=2)
    kept = committed.committed_run(*args)
    for k in short.curves:
        np.testing.assert_allclose(short.curves[k], kept.curves[k][:100], rtol=1e-3, atol=1e-5, err_msg=k)
    assert committed.committed_run(*args[:1], "wgan_gp", *args[2:]) is None  # a critic trains live


def test_every_targets_saturation_experiment_is_committed_and_one_is_what_it_gives_now():
    from demos.generative.targets import TARGETS
    assert {a[0] for a in committed.SATURATIONS.values()} == set(TARGETS)
    stored, fresh = committed.committed_saturation("grid", 0), saturation.saturation_experiment("grid", 0)  # ~1 s
    for loss in fresh:
        for k in fresh[loss]:
            np.testing.assert_allclose(stored[loss][k], fresh[loss][k], rtol=1e-3, atol=1e-9, err_msg=f"{loss} {k}")
