"""Padding and masking: packing equals running each text alone, reading the last column or a BiLSTM's
backward pass over the pads does not, the masked loss is the mean over real characters, hostile text
gives a usable batch or a message, and the captions state the batch's numbers."""
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from demos.recurrent import masking
from models.char_rnn import VOCAB, encode

pytestmark = pytest.mark.filterwarnings("ignore")


@pytest.fixture(scope="module")
def char_lstm(pretrained):
    return pretrained("char_lstm")


def test_packing_equals_running_each_text_alone_and_the_mask_matters(char_lstm):
    texts = ["def f(x):", "return", "The for statement is used", "a"]
    m = masking.masking(char_lstm, texts)
    assert m.mask.shape == (4, 25) and m.mask.sum() == sum(map(len, texts))
    assert np.all(m.error_packed < 1e-5)  # pack_padded_sequence: exactly each text alone
    longest = np.argmax(m.lengths)
    assert m.error_last[longest] < 1e-6 and np.all(np.delete(m.error_last, longest) > 0.01)
    assert m.error_gather_backward[longest] < 1e-6 and np.all(np.delete(m.error_gather_backward, longest) > 1e-3)
    # the masked loss is the mean over real characters: recompute it text by text
    total, count = 0.0, 0
    for t in texts:
        ids = encode(t)[None]
        with torch.no_grad():
            logits, _ = char_lstm(ids)
        total += F.cross_entropy(logits[0, :-1], ids[0, 1:], reduction="sum").item()
        count += len(t) - 1
    assert m.loss_masked == pytest.approx(total / count / math.log(2), rel=1e-5)
    assert m.loss_unmasked != pytest.approx(m.loss_masked, rel=1e-3)
    caption = masking.masking_caption(m)
    assert "Packed, every state matches" in caption
    assert caption.startswith("Reading the last column, 3 padded text(s) get a state off by up to")
    assert f"Loss over real characters only: {m.loss_masked:.2f} bits" in caption
    # 4 × 25 cells, 25 + 9 + 6 + 1 = 41 real: 59 pads (59 %)
    assert masking.padding_caption(m) == ("4 texts padded to 25 positions: 59 of 100 cells (59%) are padding the "
                                          "network would otherwise read.")
    table = masking.masking_table(m)
    assert [r["pads"] for r in table] == [16, 19, 0, 24] and table[2]["state error, last column"] == "0%"
    fig = masking.padding_figure(m)
    assert fig.data[0].text[3][:2] == ["a", "pad"] and fig.data[0].text[0][3] == "␣"  # a space is shown


def test_default_texts_parse_as_they_are():
    batch, problems = masking.parse_texts(masking.DEFAULT_TEXTS, VOCAB)
    assert batch == masking.DEFAULT_TEXTS.splitlines() and problems == []


BAD_TEXTS = ["", "\n\n\n", "🙂🙂🙂", "\x00\x01\x02", "a" * 5000, "\n".join(["line"] * 50),
             "<script>alert(1)</script>", "résumé naïve", "\u202eRTL\u202c", "  ", "\t\t"]


@pytest.mark.parametrize("raw", BAD_TEXTS, ids=range(len(BAD_TEXTS)))
def test_hostile_texts_give_a_usable_batch_or_a_message(raw, char_lstm):
    batch, problems = masking.parse_texts(raw, VOCAB)
    assert len(batch) <= masking.MAX_TEXTS and all(0 < len(t) <= masking.MAX_TEXT_CHARS for t in batch)
    assert all(set(t) <= set(VOCAB) for t in batch)
    if batch:
        masking.masking(char_lstm, batch)  # never raises
    if raw == "a" * 5000:
        assert problems == [f"Lines longer than {masking.MAX_TEXT_CHARS} characters were cut."]
    if raw == "🙂🙂🙂":
        assert batch == [] and "skipped" in problems[0]
    if raw == "\n".join(["line"] * 50):
        assert problems == [f"Only the first {masking.MAX_TEXTS} of 50 lines are used."]
