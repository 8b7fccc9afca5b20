"""demos/sequence_tasks/ctc_views.py and the committed CTC model: the card's held-out metrics reproduce,
the lattice is the α recursion of the model's own output, the captions follow the decoding."""
import numpy as np
import pytest
import torch

from demos.sequence_tasks import ctc, ctc_views, spectrogram
from models import metadata
from models.ctc_digits import load_clips


def test_collapse_caption_shows_both_steps():
    text = ctc_views.collapse_caption("aa-ab")
    assert "“a-ab”" in text and "“aab”" in text


def test_the_cards_held_out_metrics_reproduce(pretrained):
    from train.ctc_digits import TEST_VOICES, evaluate
    card = metadata("ctc_digits")
    torch.set_num_threads(1)
    got = evaluate(pretrained("ctc_digits"), load_clips(), TEST_VOICES, 400, card["seed"] + 2)
    assert got["digit_error_rate"] == pytest.approx(card["metrics"]["test_digit_error_rate"], abs=0.005)
    assert got["digit_error_rate"] <= card["metric_bar"]["test_digit_error_rate_max"]


def test_decode_uses_the_models_output_and_the_lattice_sums_its_paths(pretrained):
    clips = load_clips()
    audio = spectrogram.utterance(clips, [4, 0, 7], 0)
    d = ctc_views.decode(pretrained("ctc_digits"), audio, [4, 0, 7], 4)
    with torch.no_grad():
        lp = pretrained("ctc_digits")(torch.from_numpy(audio)[None])[0].double()
    ref = torch.nn.CTCLoss(blank=0, reduction="sum")(lp[:, None], torch.tensor([[5, 1, 8]]),
                                                     torch.tensor([len(lp)]), torch.tensor([3]))
    assert d.lattice.loss == pytest.approx(ref.item(), rel=1e-6)
    assert d.greedy == [s - 1 for s in ctc.greedy_decode(lp.numpy())]
    assert len(d.beams) <= 4 and d.beams == sorted(d.beams, key=lambda b: -b[1])
    text = ctc_views.decoding_caption(d, 4)
    assert f"Greedy reads “{''.join(map(str, d.greedy))}”" in text and "truth “407”" in text
    share = float((d.log_probs.argmax(-1) == 0).mean())
    assert f"blank in {share:.0%}" in ctc_views.lattice_caption(d)
    assert np.isfinite(d.lattice.alpha[-1, -1])
