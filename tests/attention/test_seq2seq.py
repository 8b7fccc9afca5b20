"""The date translator: the committed models meet their bars, decoding and alignment, exact match by
length, odd input, and the captions computed from the results."""
import numpy as np
import pytest

from demos.attention import seq2seq
from models import dates, metadata


def test_committed_seq2seq_models_meet_their_bars():
    with_attn, without = metadata("seq2seq_dates"), metadata("seq2seq_dates_noattn")
    assert with_attn["metrics"]["exact_match"] >= 0.99
    long_bin = list(with_attn["metrics"]["exact_match_by_input_length"])[-1]
    assert (with_attn["metrics"]["exact_match_by_input_length"][long_bin]
            > without["metrics"]["exact_match_by_input_length"][long_bin] + 0.05)


def test_seq2seq_translates_and_aligns(pretrained):
    text = seq2seq.DEFAULT_DATES
    out, chars, align = seq2seq.translate(pretrained("seq2seq_dates"), text)
    assert out == "1971-05-03 1998-03-21"
    assert align.shape == (len(out) + 1, len(chars)) and np.allclose(align.sum(-1), 1, atol=1e-5)
    # each year is read from its own year: the second date's year digits look at the second date
    second = text.index("1998")
    assert align[11:15].argmax(-1).min() >= text.index("the")
    assert abs(int(align[14].argmax()) - (second + 3)) <= 3
    fig = seq2seq.alignment_figure(out, chars, align)
    assert len(fig.data[0].x) == len(dates.input_tokens(text)) and fig.data[0].y[-1] == f"{len(out)}:<eos>"
    assert seq2seq.alignment_caption(align).startswith(f"{len(out) + 1} output steps × {len(chars)} input characters")
    assert seq2seq.translations_text(out, "x") == f"**With attention:** `{out}` · **without:** `x`"


def test_seq2seq_exact_match_on_fresh_dates_by_length():
    acc = seq2seq.accuracy_by_length(n=600)
    assert min(acc["with attention"]) >= 0.97 and acc["with attention"][-1] > acc["without"][-1]
    caption = seq2seq.accuracy_caption(acc)
    assert caption.startswith(f"Shortest inputs: {acc['with attention'][0]:.0%} with attention")
    assert f"longest: {acc['with attention'][-1]:.0%} and {acc['without'][-1]:.0%}" in caption


@pytest.mark.parametrize("text", ["", "31 february 2001", "zzzz", "1/1/1" * 40, "🙂"])
def test_seq2seq_handles_unseen_or_invalid_dates(text, pretrained):
    out, chars, align = seq2seq.translate(pretrained("seq2seq_dates"), text)
    assert len(out) <= dates.OUT_LEN and set(out) <= set(dates.OUT_CHARS)
    assert len(chars) <= dates.MAX_IN + 1
