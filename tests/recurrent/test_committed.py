"""The "Train at your lag" default run committed in models/results/recurrent.json: it is what
`train_recall` computes (its first 60 steps recomputed here), it reads back exactly, the page finds it
at its default controls, and a live run streams its frames from the first one on."""
import json

import numpy as np
import pytest
import torch

from demos import precomputed, replay
from demos.recurrent import recall
from train import precompute_recurrent

DEFAULT = precompute_recurrent.RUNS[0]  # (lag 40, ρ 1.0, b 3.0, tanh, clipped, seed 0): the page's defaults


@pytest.fixture(scope="module")
def stored():
    rec = recall.committed_training(*DEFAULT)
    assert rec is not None, "models/results/recurrent.json lacks the default run: python -m train.precompute_recurrent"
    return rec


@pytest.fixture
def one_thread():
    saved = torch.get_num_threads()
    torch.set_num_threads(1)  # as the server and the script compute (sums in the same order)
    yield
    torch.set_num_threads(saved)


def test_the_committed_run_is_what_train_recall_computes(stored, one_thread):
    # The full run takes ~30 s on one core (331 steps: it stops once all three answer every validation
    # sequence). Its first 30 steps see exactly the same batches, Adam updates and probes as a 30-step
    # run with frames at 0 and 30 (frame_steps(600, 21) starts 0, 30 too), as long as no cell stopped
    # training by step 30 (a solved cell stops: that would change the run).
    assert all(stored.frames[f"{c}_acc"][:2].max() < 1.0 for c in recall.CELL_NAMES)
    short = recall.train_recall(*DEFAULT, steps=30, n_frames=2)
    assert short.steps.tolist() == stored.steps[:2].tolist() == [0, 30]
    # to float precision, not bit for bit: another CPU sums in another order (seen: the RNN's gradient
    # curve 10.317070 committed, 10.317095 here, 2.4e-6 apart after 30 Adam steps)
    for k, v in short.frames.items():
        np.testing.assert_allclose(v, stored.frames[k][:2], rtol=1e-4, atol=1e-6, err_msg=k)
    for k, v in short.curves.items():
        np.testing.assert_allclose(v, stored.curves[k][:30], rtol=1e-4, atol=1e-6, err_msg=k)


def test_the_committed_run_is_complete_and_says_what_made_it(stored):
    lag, rho, bias, act, clip, seed = DEFAULT
    assert stored.meta | {"command": None, "test_accuracy": None} == {
        "lag": lag, "rho": rho, "memory_bias": bias, "nonlinearity": act, "clip": clip, "seed": seed,
        "chance": 1 / 8, "command": None, "test_accuracy": None}
    assert stored.meta["command"] == "python -m train.precompute_recurrent"
    assert not stored.stopped
    # it ran until all three cells answered all 512 validation sequences: frames every 30 steps, then the last
    last = int(stored.steps[-1])
    every_30 = replay.frame_steps(recall.TRAIN_STEPS, 21).tolist()
    assert stored.steps.tolist() == [s for s in every_30 if s < last] + [last]
    assert all(stored.frames[f"{c}_acc"][-1] == 1.0 for c in recall.CELL_NAMES)
    assert all(len(v) == last for v in stored.curves.values())
    assert stored.frames["rnn_grad"].shape == (len(stored.steps), lag + 2)  # T = lag + 2 steps back
    # the caption says it is precomputed, with the numbers of the data under it
    caption = recall.training_caption(stored, committed=True)
    assert caption.startswith(f"After {last} steps at lag 40: Vanilla RNN 100% (≥ 99 % from step ")
    assert f"Precomputed (the training took {stored.seconds:.0f} s)" in caption and "Computed in" not in caption


def test_recordings_read_back_exactly_through_json():
    rec = recall.train_recall(5, steps=12, n_frames=4)
    back = recall.recording_from_json(json.loads(json.dumps(recall.recording_to_json(rec))))
    assert back.steps.dtype == rec.steps.dtype and np.array_equal(back.steps, rec.steps)
    for part in ("frames", "curves"):
        for k, v in getattr(rec, part).items():
            w = getattr(back, part)[k]
            assert w.dtype == v.dtype and w.shape == v.shape and np.array_equal(w, v), k
    assert back.meta == rec.meta and back.seconds == round(rec.seconds, 1)
    wide = replay.Recording(np.arange(2), {"x": np.array([0.1, 0.2])}, {}, 1.0)  # float64 0.1 is no float32
    with pytest.raises(ValueError, match="float32"):
        recall.recording_to_json(wide)


def test_only_the_committed_settings_are_found():
    lag, *rest = DEFAULT
    assert recall.committed_training(lag + 1, *rest) is None
    assert recall.committed_training(*DEFAULT[:-1], 1) is None
    key = precomputed.entry_key(recall.train_recall, DEFAULT)
    assert key == "train_recall(40, 1.0, 3.0, 'tanh', True, 0)"  # floats as the page passes them


def test_a_live_run_reports_its_first_frame_before_training_then_every_frame():
    seen = []
    rec = recall.train_recall(5, steps=12, n_frames=4, on_progress=lambda f, partial: seen.append((f, partial)))
    assert seen[0][0] == 0.0 and seen[0][1].steps.tolist() == [0]  # before any training step
    assert [f for f, _ in seen[1:]] == [s / 12 for s in rec.steps[1:].tolist()]
    for _, partial in seen:  # each partial is the start of the final recording
        n = partial.n_frames
        assert partial.steps.tolist() == rec.steps[:n].tolist()
        for k, v in partial.frames.items():
            assert np.array_equal(v, rec.frames[k][:n]), k
    assert recall.training_progress_caption(seen[1][1], 12).startswith(
        f"Training at lag 5: step {rec.steps[1]} of at most 12, Vanilla RNN ")


def test_the_script_dry_run_trains_a_few_steps_and_saves_nothing(tmp_path):
    assert precompute_recurrent.main(["--dry-run", "--out", str(tmp_path)]) == {"steps": 3}
    assert not list(tmp_path.iterdir())


def test_the_committed_lag_accuracy_is_what_the_models_score(pretrained):
    # the whole measurement (3 models × 9 lags × 1,000 sequences, ~2 s) recomputed: the same numbers
    stored, command = precomputed.lookup(recall.committed_lag_accuracy, ())
    assert command == "python -m train.precompute_recurrent"
    models = {cell: pretrained(f"recall_{cell}") for cell in recall.CELL_NAMES}
    fresh = recall.mixed_lag_accuracy(models)
    assert list(stored) == list(fresh) == list(recall.CELL_NAMES)
    for cell, acc in fresh.items():
        assert stored[cell] == acc.tolist(), cell
    # stored with the weights it was measured with: a retrained model would be measured live instead
    store = json.loads((precomputed.RESULTS_DIR / "recurrent.json").read_text())
    assert sorted(store["weights"]) == [f"recall_{c}" for c in ("gru", "lstm", "rnn")]
