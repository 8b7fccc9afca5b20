"""demos/sequence_tasks/ctc.py: the collapse rule on hand examples, the α recursion against
torch.nn.CTCLoss and against brute force, greedy and prefix beam decoding."""
import itertools

import numpy as np
import pytest
import torch

from demos.sequence_tasks import ctc


@pytest.mark.parametrize("path, label", [("hh-e-ll-ll-oo", "hello"), ("hheelloo", "helo"), ("--a--", "a"),
                                         ("a-a", "aa"), ("aa", "a"), ("----", ""), ("", "")])
def test_collapse_merges_repeats_then_drops_blanks(path, label):
    assert ctc.collapse(path) == label


def test_collapse_steps_show_the_intermediate_string():
    assert ctc.collapse_steps("hh-e-ll-ll-oo") == ("h-e-l-l-o", "hello")


def test_alpha_on_a_lattice_computed_by_hand():
    # T = 2, V = {blank, a}, label "a": the paths "a-", "-a", "aa" collapse to "a"
    y = np.array([[0.6, 0.4], [0.3, 0.7]])  # frame x symbol probabilities
    lat = ctc.ctc_forward(np.log(y), [1])
    expected = 0.4 * 0.3 + 0.6 * 0.7 + 0.4 * 0.7  # = 0.82
    assert lat.states == [0, 1, 0]
    assert np.exp(-lat.loss) == pytest.approx(expected)
    assert np.exp(lat.alpha[0]).tolist() == pytest.approx([0.6, 0.4, 0.0])


@pytest.mark.parametrize("label", [[1, 2, 2, 3], [3], [2, 2]])
def test_ctc_loss_equals_torch(label):
    g = torch.Generator().manual_seed(len(label))
    lp = torch.randn(9, 4, generator=g, dtype=torch.float64).log_softmax(-1)
    ref = torch.nn.CTCLoss(blank=0, reduction="sum")(lp[:, None], torch.tensor([label]), torch.tensor([9]),
                                                     torch.tensor([len(label)]))
    assert ctc.ctc_forward(lp.numpy(), label).loss == pytest.approx(ref.item(), rel=1e-9)


def test_ctc_probability_is_the_sum_over_all_collapsing_paths():
    rng = np.random.default_rng(0)
    y = rng.dirichlet(np.ones(3), size=5)  # T = 5, V = 3
    label = [1, 1]  # needs a blank between the two 1s
    brute = sum(np.prod([y[t, s] for t, s in enumerate(p)]) for p in itertools.product(range(3), repeat=5)
                if ctc.collapse("".join("-ab"[s] for s in p)) == "aa")
    assert np.exp(-ctc.ctc_forward(np.log(y), label).loss) == pytest.approx(brute)


def test_greedy_decoding_is_the_collapsed_best_path():
    y = np.log(np.array([[0.1, 0.8, 0.1], [0.1, 0.8, 0.1], [0.9, 0.05, 0.05], [0.1, 0.8, 0.1], [0.2, 0.1, 0.7]]))
    assert ctc.greedy_decode(y) == [1, 1, 2]  # best path "a a - a b" -> "aab"


def test_prefix_beam_search_is_exact_when_nothing_is_pruned_and_can_beat_greedy():
    rng = np.random.default_rng(1)
    y = np.log(rng.dirichlet(np.ones(3), size=4))
    for prefix, logp in ctc.prefix_beam_search(y, beam=100)[:5]:  # 4 frames, 2 symbols: < 100 prefixes
        assert logp == pytest.approx(-ctc.ctc_forward(y, list(prefix)).loss)
    # best path is blank,blank (""), p = .36; but "a" collects .4·.6 + .6·.4 + .4·.4 = .64
    y2 = np.log(np.array([[0.6, 0.4], [0.6, 0.4]]))
    assert ctc.greedy_decode(y2) == [] and ctc.prefix_beam_search(y2, 4)[0][0] == (1,)
    assert np.exp(ctc.prefix_beam_search(y2, 4)[0][1]) == pytest.approx(0.64)


def test_edit_distance():
    assert ctc.edit_distance("kitten", "sitting") == 3 and ctc.edit_distance([1, 2], []) == 2
