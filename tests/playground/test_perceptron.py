"""The perceptron mode: the rule against a hand-computed run, Novikoff's bound on separable data, the
cycle on XOR; the player's frames and the captions at several settings."""
import numpy as np
import pytest

from demos.playground import perceptron


def test_perceptron_rule_matches_a_hand_computed_run_on_and():
    # AND with labels ±1, η = 1, from w = (0, 0), b = 0, examples in the order (0,0) (0,1) (1,0) (1,1):
    # 1 (0,0) y=-1: s = 0 -> mistake: w = (0,0), b = -1     2 (0,1) y=-1: s = -1 correct
    # 3 (1,0) y=-1: s = -1 correct                          4 (1,1) y=+1: s = -1 -> w = (1,1), b = 0
    # 5 (0,0) y=-1: s = 0 -> w = (1,1), b = -1              6 (0,1) y=-1: s = 0 -> w = (1,0), b = -2
    # 7 (1,0) y=-1: s = -1 correct                          8 (1,1) y=+1: s = -1 -> w = (2,1), b = -1
    x, y, _ = perceptron.perceptron_data("and", 0)
    run = perceptron.perceptron(x, y, eta=1.0)
    assert run.w[1:9].tolist() == [[0, 0], [0, 0], [0, 0], [1, 1], [1, 1], [1, 0], [1, 0], [2, 1]]
    assert run.b[1:9].tolist() == [-1, -1, -1, 0, -1, -2, -2, -1]
    assert run.score[:8].tolist() == [0, -1, -1, -1, 0, 0, -1, -1]
    assert run.mistake[:8].tolist() == [True, False, False, True, True, True, False, True]
    assert run.mistakes_per_epoch[:2] == [2, 3] and run.converged_epoch is not None
    assert np.all(np.sign(x @ run.w[-1] + run.b[-1]) == y)
    assert "w ← (1, 0) + 1·(+1)·x = (2, 1); b ← −2 + 1 = −1." in perceptron.step_text(run, x, y, 8, 1.0)
    # step 2 is correct (s = -1, y = -1): no update; step 0 is before any
    assert perceptron.step_text(run, x, y, 2, 1.0) == ("Step 2 (epoch 1): example 2 at (0, 1), label -1; w·x + b = −1, "
                                                       "same sign as the label: correct, no update.")
    assert perceptron.step_text(run, x, y, 0, 1.0).startswith("Before any step: w = (0, 0), b = 0")


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("eta", [0.1, 1.0, 2.0])
def test_perceptron_stops_on_separable_data_within_novikoffs_bound(seed, eta):
    x, y, margin = perceptron.perceptron_data("blobs", seed)
    run = perceptron.perceptron(x, y, eta, max_epochs=200)
    assert run.converged_epoch is not None and run.cycle is None
    assert run.updates <= perceptron.novikoff_bound(x, margin)  # the theorem: at most (R/γ)² updates
    assert np.all(y * (x @ run.w[-1] + run.b[-1]) > 0)


def test_perceptron_never_converges_on_xor_and_the_page_says_why():
    x, y, margin = perceptron.perceptron_data("xor", 0)
    run = perceptron.perceptron(x, y, 1.0)
    assert margin is None and run.converged_epoch is None and run.cycle is not None
    assert all(m > 0 for m in run.mistakes_per_epoch)
    a, b = run.cycle  # the state at the start of epoch b repeats epoch a: the rule loops forever
    start = lambda e: (run.w[(e - 1) * 4].tolist(), run.b[(e - 1) * 4])  # noqa: E731
    assert start(a) == start(b)
    text = perceptron.perceptron_caption(run, x, margin)
    assert "Never converges" in text
    assert (f"so epoch {a}'s updates repeat forever." if b - a == 1 else f"so the same {b - a} epochs repeat forever.") in text
    assert "the same 1 epoch" not in text
    from dataclasses import replace
    for cycle, said in (((3, 4), "so epoch 3's updates repeat forever."), ((2, 5), "so the same 3 epochs repeat forever.")):
        assert said in perceptron.perceptron_caption(replace(run, cycle=cycle), x, margin)


@pytest.mark.parametrize("name", ["blobs", "and", "or"])
def test_the_caption_of_a_converged_run_states_its_updates_and_novikoffs_bound(name):
    x, y, margin = perceptron.perceptron_data(name, 3)
    run = perceptron.perceptron(x, y, 0.5)
    text = perceptron.perceptron_caption(run, x, margin)
    assert text.startswith(f"Converged: epoch {run.converged_epoch} made no mistake, after {run.updates} updates")
    assert f"Novikoff's bound for this data is {perceptron.novikoff_bound(x, margin):.0f} updates" in text


def test_a_run_cut_short_says_so():
    x, y, margin = perceptron.perceptron_data("blobs", 0)
    run = perceptron.perceptron(x, y, 1.0, max_epochs=1)
    assert run.converged_epoch is None and run.cycle is None
    assert perceptron.perceptron_caption(run, x, margin) == (
        f"Not converged after 1 epochs ({run.mistakes_per_epoch[0]} mistakes in the last one).")


def test_the_player_has_a_frame_per_step_and_opens_on_the_chosen_one():
    x, y, _ = perceptron.perceptron_data("xor", 0)
    run = perceptron.perceptron(x, y, 1.0)
    fig = perceptron.perceptron_figure(run, x, y, start=3)
    assert len(fig.frames) == len(run.b) and fig.layout.sliders[0].active == 3
    # the line w·x + b = 0 of step 1 (w = (0, 0), b = -1) does not exist; the ring marks example 1, a mistake
    assert fig.frames[1].data[1].x == (None,) and fig.frames[1].data[2].x == (0.0,)
