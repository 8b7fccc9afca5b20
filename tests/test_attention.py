"""Attention: rows sum to 1, our recomputation equals transformers' attentions, the calculator equals
torch's scaled_dot_product_attention, rollout is row-stochastic, the seq2seq models meet their bars,
bad text is handled, and the page is driven by AppTest."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from conftest import captions, open_page, plotly_array, plotly_specs
from demos import attention as att
from models import dates, load_pretrained, metadata

pytestmark = pytest.mark.filterwarnings("ignore")
PAGE = "pages/05_attention.py"
SENTENCE = "The animal didn't cross the street because it was too tired."


@pytest.fixture(scope="module")
def minilm():
    return load_pretrained("minilm_l6")


@pytest.fixture(scope="module")
def maps(minilm):
    return att.attention_maps(minilm[1], minilm[0], SENTENCE)


def test_shapes_and_rows_sum_to_one(maps):
    assert maps.weights.shape == (6, 12, len(maps.tokens), len(maps.tokens))
    assert maps.tokens[0] == "[CLS]" and maps.tokens[-1] == "[SEP]"
    assert np.allclose(maps.weights.sum(-1), 1, atol=1e-5) and maps.weights.min() >= 0
    assert not maps.truncated


@pytest.mark.parametrize("layer,head", [(0, 0), (2, 7), (5, 11)])
def test_recomputed_head_equals_transformers_attentions(minilm, maps, layer, head):
    q, k, _ = att.head_qkv(minilm[1], minilm[0], SENTENCE, layer, head)
    ours = att.scaled_dot_product(q, k, k).weights.numpy()
    assert np.allclose(ours, maps.weights[layer, head], atol=1e-5)


@pytest.mark.parametrize("mask", att.MASKS)
def test_calculator_equals_torch_sdpa(mask):
    g = torch.Generator().manual_seed(0)
    q, k, v = torch.randn(3, 5, 8, generator=g)
    steps = att.scaled_dot_product(q, k, v, mask, valid=3)
    allowed = {"none": None, "causal": torch.ones(5, 5, dtype=torch.bool).tril(),
               "padding": torch.arange(5)[None, :].expand(5, 5) < 3}[mask]
    expected = F.scaled_dot_product_attention(q[None], k[None], v[None], attn_mask=allowed)[0]
    assert torch.allclose(steps.output, expected, atol=1e-6)
    assert torch.allclose(steps.weights.sum(-1), torch.ones(5))
    assert torch.allclose(steps.scaled, steps.scores / np.sqrt(8))
    if mask == "causal":
        assert steps.weights.triu(1).abs().sum() == 0


def test_split_and_merge_heads_round_trip():
    x = torch.arange(24.0).reshape(4, 6)
    heads = att.split_heads(x, 3)
    assert heads.shape == (3, 4, 2) and torch.equal(heads[1, 0], x[0, 2:4])
    assert torch.equal(att.merge_heads(heads), x)


def test_sinusoidal_encoding_by_hand():
    pe = att.sinusoidal_encoding(10, 4)
    assert pe[0].tolist() == [0.0, 1.0, 0.0, 1.0]
    assert pe[3, 0] == pytest.approx(np.sin(3)) and pe[3, 3] == pytest.approx(np.cos(3 / 100))


def test_rollout_is_row_stochastic(maps):
    r = att.attention_rollout(maps.weights)
    assert np.allclose(r.sum(-1), 1) and r.min() >= 0


def test_rollout_of_identity_attention_is_identity():
    eye = np.broadcast_to(np.eye(4), (3, 2, 4, 4))
    assert np.allclose(att.attention_rollout(eye), np.eye(4))


def test_head_patterns_on_a_hand_made_head():
    tokens = ["[CLS]", "a", "b", "##c", "[SEP]"]
    prev = np.zeros((1, 1, 5, 5))
    prev[0, 0, 0, 0] = 1
    for i in range(1, 5):
        prev[0, 0, i, i - 1] = 1  # a pure previous-token head
    roles = att.head_patterns(prev, tokens)
    assert roles["previous"][0, 0] == 1.0 and roles["next"][0, 0] == 0.0
    assert roles["same_word"][0, 0] == pytest.approx(1 / 5)  # only "##c" -> "b" is inside a word


def test_minilm_has_a_previous_token_head(maps):
    assert att.head_patterns(maps.weights, maps.tokens)["previous"].max() > 0.5


def test_strip_special_renormalises(maps):
    tokens, w = att.strip_special(maps)
    assert "[CLS]" not in tokens and "[SEP]" not in tokens
    assert np.allclose(w.sum(-1), 1)


@pytest.mark.parametrize("text", ["", "🙂🙃 emoji only", "مرحبا بالعالم", "tab\there\x00nul\x1bescape",
                                  "word " * 5000])
def test_odd_text_never_breaks_extraction(minilm, text):
    a = att.attention_maps(minilm[1], minilm[0], text)
    assert len(a.tokens) <= att.MAX_TOKENS and np.allclose(a.weights.sum(-1), 1, atol=1e-5)
    assert a.truncated == (len(text) > 1000)


def test_committed_seq2seq_models_meet_their_bars():
    with_attn, without = metadata("seq2seq_dates"), metadata("seq2seq_dates_noattn")
    assert with_attn["metrics"]["exact_match"] >= 0.99
    long_bin = list(with_attn["metrics"]["exact_match_by_input_length"])[-1]
    assert (with_attn["metrics"]["exact_match_by_input_length"][long_bin]
            > without["metrics"]["exact_match_by_input_length"][long_bin] + 0.05)


def test_seq2seq_translates_and_aligns():
    model = load_pretrained("seq2seq_dates")
    text = "3 may 1971 and the twenty-first of march, 1998"
    out, chars, align = att.translate(model, text)
    assert out == "1971-05-03 1998-03-21"
    assert align.shape == (len(out) + 1, len(chars)) and np.allclose(align.sum(-1), 1, atol=1e-5)
    # each year is read from its own year: the second date's year digits look at the second date
    second = text.index("1998")
    assert align[11:15].argmax(-1).min() >= text.index("the")
    assert abs(int(align[14].argmax()) - (second + 3)) <= 3


def test_seq2seq_exact_match_on_fresh_dates_by_length():
    acc = att.accuracy_by_length({"a": load_pretrained("seq2seq_dates"), "b": load_pretrained("seq2seq_dates_noattn")}, n=600)
    assert min(acc["a"]) >= 0.97 and acc["a"][-1] > acc["b"][-1]


@pytest.mark.parametrize("text", ["", "31 february 2001", "zzzz", "1/1/1" * 40, "🙂"])
def test_seq2seq_handles_unseen_or_invalid_dates(text):
    out, chars, align = att.translate(load_pretrained("seq2seq_dates"), text)
    assert len(out) <= dates.OUT_LEN and set(out) <= set(dates.OUT_CHARS)
    assert len(chars) <= dates.MAX_IN + 1


# ---- the page
def test_page_shows_the_chosen_head_and_follows_controls():
    at = open_page(PAGE)
    assert not at.exception
    assert plotly_specs(at)[0]["layout"]["title"]["text"] == "Layer 4, head 2"
    assert "“it” → “animal”" in captions(at)[0]  # the default head resolves the coreference
    at.slider(key="layer").set_value(1).run()
    at.slider(key="head").set_value(3).run()
    assert plotly_specs(at)[0]["layout"]["title"]["text"] == "Layer 1, head 3"
    assert "each row sums to 1" in captions(at)[0]


def test_custom_text_hide_special_and_empty_text():
    at = open_page(PAGE, preset="custom", text="hello world", hide="1")
    x = plotly_specs(at)[0]["data"][0]["x"]
    assert x == ["0:hello", "1:world"]
    at = open_page(PAGE, preset="custom", text="   ")
    assert any("Type some text" in i.value for i in at.info)


def test_long_text_is_truncated_with_a_notice():
    at = open_page(PAGE, preset="custom", text="many words " * 300)
    assert not at.exception and any("longer than 128 tokens" in w.value for w in at.warning)


@pytest.mark.parametrize("view,expected", [("All heads", "All 72 heads"), ("Rollout", "Attention rollout"),
                                           ("Head roles", "Average attention to"),
                                           ("Seq2seq alignment", "Where the decoder looked"),
                                           ("Step by step", "softmax")])
def test_every_tab_renders(view, expected):
    at = open_page(PAGE, view=view, timeout=120)
    assert not at.exception
    titles = [str(s.get("layout", {}).get("title", {}).get("text", "")) for s in plotly_specs(at)]
    assert any(expected in t for t in titles), titles


def test_calculator_mask_from_the_url():
    at = open_page(PAGE, view="Step by step", mask="causal", t="5")
    masked = [s for s in plotly_specs(at) if s["layout"]["title"]["text"] == "softmax"][0]
    z = plotly_array(masked["data"][0]["z"])
    assert z.shape == (5, 5) and np.allclose(np.triu(z, 1), 0)
