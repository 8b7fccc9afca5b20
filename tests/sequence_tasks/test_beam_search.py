"""demos/sequence_tasks/beam_search.py: width 1 is greedy, beam finds the best sequence on a hand-built
table where greedy misses it, the length penalty's formula, and the cached model step equals a fresh
teacher-forced run of the real translator."""
import itertools

import numpy as np
import pytest
import torch

from demos.sequence_tasks import beam_search as bs
from models import dates

EOS = 0
# A hand-built table over {EOS, a=1, b=2}: greedy takes a (0.5) then the best it can is 0.5·0.4 = 0.20;
# b (0.4) then EOS (0.9) gives 0.36, the most probable output of all.
TABLE = {(): [0.1, 0.5, 0.4], (1,): [0.4, 0.3, 0.3], (2,): [0.9, 0.05, 0.05],
         (1, 1): [1.0, 1e-9, 1e-9], (1, 2): [1.0, 1e-9, 1e-9], (2, 1): [1.0, 1e-9, 1e-9], (2, 2): [1.0, 1e-9, 1e-9]}


def exhaustive_best(table, max_len=3):
    best, best_p = None, -1.0
    for n in range(1, max_len + 1):
        for seq in itertools.product(range(3), repeat=n):
            if EOS in seq[:-1] or seq[-1] != EOS or seq[:-1] not in table:
                continue
            p = np.prod([table[seq[:i]][s] for i, s in enumerate(seq)])
            if p > best_p:
                best, best_p = seq[:-1], p
    return best, best_p


def test_beam_finds_the_most_probable_sequence_where_greedy_does_not():
    step = bs.table_step(TABLE)
    best, p = exhaustive_best(TABLE)
    assert best == (2,) and p == pytest.approx(0.36)
    g, g_logp = bs.greedy(step, 3, EOS)
    assert g == (1,) and np.exp(g_logp) == pytest.approx(0.2)
    r = bs.beam_search(step, 2, 3, EOS)
    assert r.best == (2,) and np.exp(r.best_logp) == pytest.approx(0.36)


def test_width_one_is_greedy_on_the_table_and_on_the_real_translator(pretrained):
    r = bs.beam_search(bs.table_step(TABLE), 1, 3, EOS)
    assert r.best == bs.greedy(bs.table_step(TABLE), 3, EOS)[0]
    model = pretrained("seq2seq_dates_noattn")
    for text, _ in dates.random_pairs(5, 3):
        ids, _ = model.greedy(torch.tensor([dates.encode_input(text)]), dates.OUT_LEN + 1)
        r = bs.beam_search(bs.model_step(model, text), 1, dates.OUT_LEN + 1, dates.EOS)
        assert dates.decode_output(list(r.best) + [dates.EOS]) == dates.decode_output(ids[0].tolist())


def test_cached_steps_equal_a_teacher_forced_run(pretrained):
    model = pretrained("seq2seq_dates")
    text = "3 may 1971"
    prefix = tuple(dates.encode_output("1971-05")[:-1])
    step = bs.model_step(model, text)
    got = np.stack([step([prefix[:t]])[0] for t in range(len(prefix) + 1)])
    tgt_in = torch.tensor([[dates.SOS, *prefix]])
    with torch.no_grad():
        logits, _ = model(torch.tensor([dates.encode_input(text)]), tgt_in)
    assert np.allclose(got, logits[0].log_softmax(-1).double().numpy(), atol=1e-5)


def test_length_penalty_formula_and_kept_per_step():
    assert bs.length_penalty(1, 0.0) == 1.0 and bs.length_penalty(7, 1.0) == pytest.approx(2.0)  # (5+7)/6
    r = bs.beam_search(bs.table_step(TABLE), 2, 3, EOS)
    for t in range(1, 4):
        assert sum(1 for n in r.nodes if n.step == t and n.kept) <= 2
