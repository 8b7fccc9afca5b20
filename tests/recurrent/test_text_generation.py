"""Text generation: the corpus split is clean, the char model meets its card and beats a unigram
baseline, temperature and top-k do what the formula says, sampling is seeded and greedy decoding
follows the fused LSTM's argmax, high temperature invents while greedy loops, any prompt samples, and
the captions state the sample's numbers."""
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from demos.recurrent import text_generation
from models import metadata
from models.char_rnn import VOCAB, CharRNN, CharRNNConfig, corpus, encode, fingerprint, normalise, split

pytestmark = pytest.mark.filterwarnings("ignore")


@pytest.fixture(scope="module")
def char_lstm(pretrained):
    return pretrained("char_lstm")


def test_corpus_and_split_are_disjoint_whole_blocks():
    text = corpus()
    assert set(text) <= set(VOCAB) and len(VOCAB) == 96 and len(text) > 300_000
    parts = split(text)
    assert len(parts.train) + len(parts.validation) + len(parts.test) == len(text)
    assert 0.04 < len(parts.validation) / len(text) < 0.06 and 0.04 < len(parts.test) / len(text) < 0.06
    assert parts.validation[:2000] not in parts.train and parts.test[:2000] not in parts.train
    assert normalise("“quoted” — it’s…\té") == '"quoted" -- it\'s...    e'


def test_char_model_meets_its_card_and_beats_the_unigram_baseline(char_lstm):
    meta = metadata("char_lstm")
    m = meta["metrics"]
    assert m["val_bits_per_char"] <= meta["metric_bar"]["val_bits_per_char"]
    assert m["val_bits_per_char"] < m["unigram_val_bits_per_char"] - 1.5  # a clear margin: ≥ 1.5 bits
    assert m["test_bits_per_char"] < m["unigram_test_bits_per_char"] - 1.5
    text = corpus()
    parts = split(text)
    val = text_generation.bits_per_character(char_lstm, parts.validation)
    unigram = text_generation.unigram_bits(parts.train, parts.validation, VOCAB)
    if fingerprint(text) == meta["data"]["corpus_fingerprint"]:  # the documentation it was trained on
        assert val == pytest.approx(m["val_bits_per_char"], abs=2e-3)
        assert unigram == pytest.approx(m["unigram_val_bits_per_char"], abs=1e-3)
    else:  # another Python ships other documentation: the margin must still hold
        assert val < unigram - 1.0
    card = text_generation.card_caption(meta)
    assert "bits per character on the validation text" in card
    assert f"{m['val_bits_per_char']:.2f} bits per character" in card and f"seed {meta['seed']}" in card


def test_bits_per_character_and_unigram_by_hand():
    model = CharRNN(CharRNNConfig(hidden=8)).eval()
    with torch.no_grad():
        model.head.weight.zero_()
        model.head.bias.zero_()  # uniform prediction: log2(96) bits whatever the context
    assert text_generation.bits_per_character(model, "hello world, " * 30, streams=4) == pytest.approx(math.log2(96), abs=1e-5)
    # training text "aab" -> counts a: 2 + 1, b: 1 + 1, others 1 (add-one) over 96 + 3 = 99
    assert text_generation.unigram_bits("aab", "ab", VOCAB) == pytest.approx(-(math.log2(3 / 99) + math.log2(2 / 99)) / 2)


def test_sampling_distribution_temperature_and_top_k():
    logits = torch.tensor([2.0, 1.0, 0.5, -1.0, 0.0])
    assert torch.equal(text_generation.sampling_distribution(logits, 0.0), torch.tensor([1.0, 0, 0, 0, 0]))
    assert torch.allclose(text_generation.sampling_distribution(logits, 1.0), F.softmax(logits, -1))
    top2 = text_generation.sampling_distribution(logits, 1.0, top_k=2)
    assert torch.allclose(top2, torch.tensor([math.e / (math.e + 1), 1 / (math.e + 1), 0, 0, 0]))
    hot, cold = text_generation.sampling_distribution(logits, 2.0), text_generation.sampling_distribution(logits, 0.5)
    entropy = lambda p: -(p * p.clamp_min(1e-30).log()).sum()  # noqa: E731
    assert entropy(cold) < entropy(F.softmax(logits, -1)) < entropy(hot)


def test_sampling_is_seeded_and_greedy_follows_the_full_sequence_argmax(char_lstm):
    a = text_generation.sample(char_lstm, "The for statement", 120, 0.8, 0, seed=7)
    b = text_generation.sample(char_lstm, "The for statement", 120, 0.8, 0, seed=7)
    c = text_generation.sample(char_lstm, "The for statement", 120, 0.8, 0, seed=8)
    assert a.text == b.text and a.text != c.text and len(a.text) == 120
    g = text_generation.sample(char_lstm, "The for statement", 80, 0.0)
    ids = encode(g.prompt + g.text)[None]
    with torch.no_grad():
        logits, _ = char_lstm(ids)  # the fused nn.LSTM over the whole text: an independent path
    start = len(g.prompt) - 1
    assert encode(g.text).tolist() == logits[0, start:start + 80].argmax(-1).tolist()
    probs = F.softmax(logits[0, start:start + 80], -1)
    drawn = probs[torch.arange(80), encode(g.text)].numpy()
    assert np.allclose(g.model_probs[np.arange(80), g.chosen], drawn, atol=1e-5)
    assert np.all(g.entropy_bits < 1e-6)  # greedy: all mass on one character


def test_top_k_only_draws_among_the_k_likeliest(char_lstm):
    s = text_generation.sample(char_lstm, "def ", 200, 1.5, top_k=3, seed=1)
    assert np.all(s.chosen < 3)  # the drawn character is always among the model's 3 likeliest
    assert np.allclose(s.sample_probs[:, :3].sum(1), 1, atol=1e-5)
    caption = text_generation.distribution_caption(s, 1.5, 3)
    assert caption.startswith("200 characters, T = 1.5, top-3: the drawn character had a median model probability")
    assert f"averaged {s.entropy_bits.mean():.2f} bits" in caption and "the first 120 draws" in caption


def test_greedy_loops_and_high_temperature_invents(char_lstm):
    words = text_generation.corpus_words(split(corpus()).train)
    assert text_generation.training_words() == words  # what the page's sweep counts as real words
    sw = text_generation.temperature_sweep(char_lstm, "The for statement", (0.0, 0.8, 2.0), 200, 0, words, samples=2)
    assert sw["repeated"][0] > 0.5 and sw["repeated"][2] < 0.1
    assert sw["known"][1] > sw["known"][2]
    greedy = text_generation.sample(char_lstm, "The for statement", 300, 0.0)
    assert text_generation.repeat_period(greedy.text) is not None
    caption = text_generation.sweep_caption(sw)
    assert "At T = 0," in caption and f"at T = 2, {sw['repeated'][2]:.0%} repeats" in caption
    summary = text_generation.distribution_caption(greedy, 0.0, 0)
    assert summary.startswith("300 characters, greedy")
    assert f"loop of {text_generation.repeat_period(greedy.text)} characters" in summary
    fig = text_generation.sweep_figure(sw)
    assert [t.name for t in fig.data] == ["repeated 10-character windows", "words found in the training text"]
    assert np.allclose(fig.data[0].y, sw["repeated"]) and list(fig.data[0].x) == [0.0, 0.8, 2.0]


def test_repeat_period_by_hand():
    assert text_generation.repeat_period("xyz" + "abc" * 50) == 3
    assert text_generation.repeat_period("a" * 100) == 1
    assert text_generation.repeat_period("".join(chr(33 + (i * 7) % 90) for i in range(200))) == 90
    assert text_generation.repeat_period("the quick brown fox") is None


BAD_PROMPTS = ["", "\n\n\n", "🙂🙂🙂", "\x00\x01\x02", "a" * 5000, "\n".join(["line"] * 50),
               "<script>alert(1)</script>", "résumé naïve", "\u202eRTL\u202c", "  ", "\t\t"]


@pytest.mark.parametrize("raw", BAD_PROMPTS, ids=range(len(BAD_PROMPTS)))
def test_any_prompt_samples(raw, char_lstm):
    s = text_generation.sample(char_lstm, raw, 5, 1.0)  # any prompt samples (an unreadable one starts from a newline)
    assert set(s.prompt) <= set(VOCAB) and len(s.text) == 5
    if raw == "🙂🙂🙂":
        assert text_generation.dropped_characters(raw, VOCAB) == "'🙂'"
        assert text_generation.dropped_note(raw, VOCAB) == ("The model only knows newline and printable ASCII; "
                                                           "left out: '🙂'")
    if raw == "résumé naïve":  # accents fold to ASCII: nothing is dropped, no warning
        assert text_generation.dropped_note(raw, VOCAB) is None


def test_dropped_characters_lists_at_most_twelve():
    gone = "".join(chr(0x4E00 + i) for i in range(15))  # 15 characters the model cannot read
    assert text_generation.dropped_characters(gone, VOCAB).endswith(" …")
    assert text_generation.dropped_characters(gone, VOCAB).count("'") == 24
