"""Training the digit CNN now: deterministic under a seed (the committed recording reproduces), the first
curve point reported before any step, a stop keeping the run so far, the mistakes and captions true to
the run. Tiny runs only (a few hundred digits, or a stop after a quarter epoch)."""
import collections

import pytest
import torch

from demos.convolutions import training


class Stopped(Exception):  # what the UI kit raises from on_progress (recognised by name)
    pass


@pytest.fixture
def one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)  # the recording was made on one thread: float sums in the same order
    yield
    torch.set_num_threads(before)


def test_same_seed_same_run_other_seed_other_run(one_thread):
    a, b = (training.train_cnn("separable", 4, 1, seed=3, n_fit=192) for _ in range(2))
    assert a["curve"] == b["curve"] and a["mistakes"] == b["mistakes"] and a["test_acc"] == b["test_acc"]

    def stop_at_once(fraction, partial):
        raise Stopped

    c = training.train_cnn("separable", 4, 1, seed=4, n_fit=192, on_progress=stop_at_once)  # other initial weights
    assert c["curve"]["val_loss"][0] != a["curve"]["val_loss"][0]


def test_committed_recording_reproduces_from_its_seed_and_streams_from_step_zero(one_thread):
    recorded = training.committed("standard")
    assert (recorded["width"], recorded["epochs"], recorded["seed"]) == (training.WIDTH, training.EPOCHS, training.SEED)
    seen, partials = [], []

    def on_progress(fraction, partial):
        seen.append((fraction, len(partial["curve"]["epoch"])))
        partials.append(partial)
        if len(seen) == 2:
            raise Stopped  # a quarter epoch in (14 of 55 batches): enough to compare, and the stop path

    run = training.train_cnn("standard", on_progress=on_progress)
    assert seen[0] == (0.0, 1)  # the first frame comes before any optimiser step
    assert len(partials[0]["curve"]["epoch"]) == 1  # each snapshot its own object (the kit redraws on a new one)
    assert run["stopped"] and len(run["curve"]["epoch"]) == 2
    for name in ("epoch", "val_loss", "val_acc"):
        assert run["curve"][name] == recorded["curve"][name][:2]
    assert run["curve"]["val_acc"][0] < 0.3  # untrained: near chance (10%)


def test_committed_runs_learned_and_their_mistakes_add_up():
    for block in ("standard", "separable"):
        run = training.committed(block)
        assert run["test_acc"] > 0.9 and not run["stopped"]  # 10% is chance
        assert run["n_wrong"] == round((1 - run["test_acc"]) * run["n_test"])
        confidences = [c for *_, c in run["mistakes"]]
        assert confidences == sorted(confidences, reverse=True) and len(run["mistakes"]) == training.N_MISTAKES
        assert all(t != p for _, t, p, _ in run["mistakes"])


def test_captions_state_the_run():
    run = training.committed("standard")
    c = run["curve"]
    text = training.curves_caption(run)
    assert f"{c['val_acc'][-1]:.1%} at the end, best {max(c['val_acc']):.1%}" in text
    assert f"{run['test_acc']:.1%}" in text
    (t, p), n = collections.Counter((t, p) for _, t, p, _ in run["mistakes"]).most_common(1)[0]
    assert f"{t} read as {p} ({n}×)" in training.mistakes_caption(run)
    images = torch.rand(1000, 1, 28, 28)
    fig = training.mistakes_figure(run, images)
    assert len(fig.data) == len(run["mistakes"])
    assert fig.layout.annotations[0].text == f"{run['mistakes'][0][1]}→{run['mistakes'][0][2]} ({run['mistakes'][0][3]:.0%})"
