"""demos/sequence_tasks/teacher_forcing.py: ratio 1 is teacher forcing (the model's own forward), ratio 0
feeds the model's own guesses (its greedy run); position errors count what they claim; the committed
models' held-out numbers are those on their cards."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from demos.sequence_tasks import teacher_forcing as tf
from models import dates, metadata
from models.seq2seq import Seq2Seq, Seq2SeqConfig


@pytest.fixture(scope="module")
def small():
    torch.manual_seed(0)
    return Seq2Seq(Seq2SeqConfig(len(dates.IN_CHARS) + 3, len(dates.OUT_CHARS) + 3, embed=8, hidden=16)).eval()


def test_ratio_one_is_the_teacher_forced_cross_entropy(small):
    src, tgt = dates.encode_pairs(dates.random_pairs(8, 5, max_dates=1))
    tgt_in = torch.cat([torch.full((8, 1), dates.SOS), tgt[:, :-1]], 1)
    with torch.no_grad():
        logits, _ = small(src, tgt_in)
        ref = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tgt.reshape(-1), ignore_index=dates.PAD)
        got = tf.scheduled_sampling_loss(small, src, tgt, 1.0, torch.Generator().manual_seed(0))
    assert got.item() == pytest.approx(ref.item(), rel=1e-5)


def test_ratio_zero_scores_the_free_running_outputs(small):
    src, tgt = dates.encode_pairs(dates.random_pairs(8, 6, max_dates=1))
    with torch.no_grad():
        own, _ = small.greedy(src, tgt.shape[1])  # what the model feeds itself
        own_in = torch.cat([torch.full((8, 1), dates.SOS), own[:, :-1]], 1)
        logits, _ = small(src, own_in)
        ref = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tgt.reshape(-1), ignore_index=dates.PAD)
        got = tf.scheduled_sampling_loss(small, src, tgt, 0.0, torch.Generator().manual_seed(0))
    assert got.item() == pytest.approx(ref.item(), rel=1e-5)


def test_position_errors_count_forced_and_free_mistakes(small):
    pairs = dates.random_pairs(20, 7, max_dates=1)
    e = tf.position_errors(small, pairs)
    src, tgt = dates.encode_pairs(pairs)
    with torch.no_grad():
        free = (small.greedy(src, tf.OUT_STEPS)[0] != tgt).numpy()
    assert np.allclose(e.free, free.mean(0)) and e.exact == pytest.approx((~free.any(1)).mean())
    assert e.after_clean[0] == pytest.approx(free[:, 0].mean())  # nothing precedes position 1


@pytest.mark.parametrize("ratio", tf.RATIOS)
def test_committed_models_reproduce_their_cards(pretrained, ratio):
    card = metadata(tf.model_name(ratio))
    e = tf.position_errors(pretrained(tf.model_name(ratio)), tf.test_pairs())
    assert card["metrics"]["test_exact_match"] == pytest.approx(e.exact, abs=1e-4)
    assert card["metrics"]["test_error_per_position_free"] == pytest.approx(float(e.free.mean()), abs=1e-4)
    assert card["data"]["test_inputs_seen_in_training"] <= 0.05 * e.n  # short formats can repeat by chance
