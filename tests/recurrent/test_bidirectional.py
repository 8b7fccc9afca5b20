"""Bidirectional RNNs and padding: the hand-written (bi)directional RNN equals `nn.RNN` run on packed
sequences, the last-letter task tags what it says, training is seeded, the committed run is what
`train_taggers` computes and shows the forward model at chance where the future decides, and the
recording script's dry run saves nothing."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from demos.recurrent import bidirectional as bd

pytestmark = pytest.mark.filterwarnings("ignore")


class Stopped(Exception):  # what the kit raises in on_progress to stop a job (matched by name)
    pass


def test_hand_written_birnn_equals_nn_rnn_on_packed_sequences():
    torch.manual_seed(3)
    ref = nn.RNN(5, 7, batch_first=True, bidirectional=True)
    mine = nn.RNN(5, 7, batch_first=True, bidirectional=True)
    mine.load_state_dict(ref.state_dict())  # copied weights; `birnn` only reads them
    lengths = torch.tensor([6, 2, 9, 1, 9])
    x = torch.randn(5, 9, 5) * (torch.arange(9)[None] < lengths[:, None])[..., None]  # zero pads
    packed = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
    with torch.no_grad():
        expected, _ = nn.utils.rnn.pad_packed_sequence(ref(packed)[0], batch_first=True, total_length=9)
        got = bd.birnn(mine, x, lengths)
    assert got.shape == (5, 9, 14)
    torch.testing.assert_close(got, expected, atol=1e-6, rtol=1e-5)  # pads are 0 in both
    # without packing nn.RNN's backward pass starts on the pads: different wherever a sequence is short
    with torch.no_grad():
        unpacked, _ = ref(x)
    assert (unpacked[1, 0, 7:] - expected[1, 0, 7:]).abs().max() > 1e-3
    torch.testing.assert_close(unpacked[2], expected[2], atol=1e-6, rtol=1e-5)  # full length: same
    # pre-padding (pads first) without a mask: the backward direction now ends on the pads and is right on the
    # real steps, but the forward one reads the pads first and its state moves (the biases act on zero inputs)
    n, pads = 4, 5
    word = x[2:3, :n]
    alone = bd.birnn(ref, word, torch.tensor([n])).detach()
    pre = F.pad(word, (0, 0, pads, 0))
    unmasked = bd.birnn(ref, pre, torch.tensor([n + pads])).detach()[:, pads:]  # all steps "real": no mask
    torch.testing.assert_close(unmasked[..., 7:], alone[..., 7:], atol=1e-6, rtol=1e-5)
    assert (unmasked[..., :7] - alone[..., :7]).abs().max() > 1e-2
    # a forward-only nn.RNN: the first direction alone
    fwd = nn.RNN(5, 7, batch_first=True)
    with torch.no_grad():
        out, _ = fwd(x)
        torch.testing.assert_close(bd.birnn(fwd, x, lengths)[2], out[2], atol=1e-6, rtol=1e-5)


def test_the_task_tags_every_letter_with_its_words_last_letter_and_is_seeded():
    ids, lengths, tags = bd.tagging_batch(200, 5)
    again = bd.tagging_batch(200, 5)
    assert all(torch.equal(a, b) for a, b in zip((ids, lengths, tags), again))
    assert not torch.equal(ids, bd.tagging_batch(200, 6)[0])
    assert lengths.min() >= bd.MIN_LEN and lengths.max() <= bd.MAX_LEN
    for word, n, tag in zip(ids.tolist(), lengths.tolist(), tags.tolist()):
        assert all(1 <= i <= 4 for i in word[:n]) and all(i == 0 for i in word[n:])
        assert tag[:n] == [word[n - 1] - 1] * n and tag[n:] == [-100] * (bd.MAX_LEN - n)
    assert bd.one_hot(torch.tensor([0, 2])).tolist() == [[0, 0, 0, 0], [0, 1, 0, 0]]


def test_training_is_seeded_and_the_committed_run_starts_as_a_live_one():
    saved = torch.get_num_threads()
    torch.set_num_threads(1)  # as the script and the server compute
    try:
        frames = []
        a = bd.train_taggers(0, steps=bd.EVAL_EVERY, on_progress=lambda f, p: frames.append((f, p)))
        b = bd.train_taggers(0, steps=bd.EVAL_EVERY)
    finally:
        torch.set_num_threads(saved)
    assert a["val_accuracy"] == b["val_accuracy"] and a["by_distance"] == b["by_distance"]
    # a frame before any training (step 0), then one per evaluation
    assert [f for f, _ in frames] == [0.0, 1.0] and frames[0][1]["steps"] == [0] and a["steps"] == [0, bd.EVAL_EVERY]
    stored = bd.committed_taggers(0)
    assert stored is not None and bd.committed_taggers(12345) is None
    # the committed run's first two evaluations see the same initialisation, batches and Adam steps
    assert stored["steps"][:2] == [0, bd.EVAL_EVERY] and stored["steps"][-1] == bd.STEPS
    for name in bd.MODELS:
        np.testing.assert_allclose(stored["loss"][name][:2], a["loss"][name], atol=2e-4)
        np.testing.assert_allclose(stored["val_accuracy"][name][:2], a["val_accuracy"][name], atol=2e-3)
    stop = bd.train_taggers(1, steps=50, on_progress=lambda f, p: (_ for _ in ()).throw(Stopped()) if f > 0.3 else 0)
    assert stop["stopped"] and stop["steps"] == [0, 10, 20] and "stopped early" in bd.tagging_caption(stop)
    # the forward model: right on the last letter (its own tag), at chance (1/4) before it; the
    # bidirectional one right everywhere
    fwd, bi = np.array(stored["by_distance"]["forward"]), np.array(stored["by_distance"]["bidirectional"])
    assert fwd[0] > 0.95 and np.all(np.abs(fwd[1:] - 0.25) < 0.06) and bi.min() > 0.95
    assert stored["params"] == {"forward": 4 * 32 + 32 * 32 + 64 + 32 * 4 + 4,  # RNN(4→32) + Linear(32→4)
                                "bidirectional": 2 * (4 * 16 + 16 * 16 + 32) + 32 * 4 + 4}
    caption = bd.tagging_caption(stored)
    assert f"tags the last letter {fwd[0]:.0%} right" in caption and "gets 100% at every position" in caption
    assert f"only {fwd[1:].min():.0%}–{fwd[1:].max():.0%} of the letters before it" in caption
    assert len(bd.tagging_figure(stored).data) == 4


def test_the_recording_script_dry_run_saves_nothing(tmp_path):
    from train import recurrent_birnn

    run = recurrent_birnn.main(["--dry-run", "--out", str(tmp_path)])
    assert run["steps"] == [0, 3] and not list(tmp_path.iterdir())
    with pytest.raises(SystemExit):
        recurrent_birnn.main(["--epochs", "5", "--out", str(tmp_path)])
