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


def test_strip_special_renormalises_and_reports_what_it_removed(maps):
    tokens, w, removed = att.strip_special(maps)
    assert "[CLS]" not in tokens and "[SEP]" not in tokens
    assert np.allclose(w.sum(-1), 1)
    keep = [i for i, t in enumerate(maps.tokens) if t not in ("[CLS]", "[SEP]")]
    special = [i for i, t in enumerate(maps.tokens) if t in ("[CLS]", "[SEP]")]
    expected = maps.weights[..., keep, :][..., special].sum(-1).mean(-1)  # share on the dropped columns
    assert np.allclose(removed, expected)


@pytest.mark.parametrize("text", ["", "\u200b\u200b\u200b", "\x01\x02\x03", "[CLS] [SEP]"])
def test_text_without_ordinary_tokens_cannot_be_stripped_and_says_so(minilm, text):
    a = att.attention_maps(minilm[1], minilm[0], text)
    if all(t in ("[CLS]", "[SEP]") for t in a.tokens):
        with pytest.raises(ValueError, match="no ordinary tokens"):
            att.strip_special(a)


def test_head_roles_count_sinks_and_neighbour_heads_per_layer():
    roles = {"previous": np.array([[0.9, 0.1], [0.0, 0.0]]), "next": np.array([[0.0, 0.35], [0.1, 0.0]]),
             "cls": np.array([[0.0, 0.0], [0.6, 0.2]]), "sep": np.array([[0.0, 0.0], [0.0, 0.7]])}
    # layer 1: head 1 previous 0.9 > 0.3, head 2 next 0.35 > 0.3 -> 2 neighbour heads
    # layer 2: head 1 cls 0.6 > 0.5, head 2 sep 0.7 > 0.5
    assert att.head_roles(roles) == {"cls": [0, 1], "sep": [0, 1], "neighbour": [2, 0]}


def test_minilm_sinks_are_cls_not_sep_on_the_default_sentence(maps):
    """What the All-heads caption reports, measured: MiniLM parks attention on [CLS] (BERT-base's
    [SEP] pattern does not hold for this model)."""
    counts = att.head_roles(att.head_patterns(maps.weights, maps.tokens))
    assert sum(counts["cls"][1:]) >= 10 and sum(counts["sep"]) == 0


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
    acc = att.accuracy_by_length(n=600)
    assert min(acc["with attention"]) >= 0.97 and acc["with attention"][-1] > acc["without"][-1]


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


def test_hiding_special_tokens_of_a_text_without_ordinary_tokens_says_so():
    for text in ("\u200b\u200b", "\x01\x02", "[CLS]"):
        at = open_page(PAGE, text=text, hide="1")
        assert not at.exception, text
        assert any("Nothing to hide" in i.value for i in at.info) or len(plotly_specs(at)[0]["data"][0]["x"]) >= 1


def test_hidden_special_tokens_are_quoted_as_renormalised_shares():
    at = open_page(PAGE, hide="1")
    caption = captions(at)[0]
    assert "rows renormalised" in caption and "[CLS]/[SEP] hidden" in caption
    assert any("rescales every remaining row" in m.value for m in at.markdown)


def test_repeated_tokens_keep_their_own_rows_and_columns():
    """Labels by position: "the cat sat on the mat" has two "the" and both must stay."""
    at = open_page(PAGE, preset="repetition", view="Rollout", timeout=120)
    tokens = plotly_specs(at)[0]["data"][0]["x"]
    rollout = next(s for s in plotly_specs(at) if "rollout" in s["layout"]["title"]["text"])
    assert len(rollout["data"][0]["x"]) == len(tokens) == len(set(tokens))
    assert len(plotly_array(rollout["data"][0]["z"])) == len(tokens)


def test_seq2seq_alignment_has_a_column_per_input_character():
    at = open_page(PAGE, view="Seq2seq alignment", timeout=180)
    spec = next(s for s in plotly_specs(at) if "decoder looked" in s["layout"]["title"]["text"])
    text = "3 may 1971 and the twenty-first of march, 1998"
    assert len(spec["data"][0]["x"]) == len(dates.input_tokens(text))


def test_all_heads_caption_is_measured_on_the_text():
    at = open_page(PAGE, view="All heads", timeout=120)
    a = att.attention_maps(*load_pretrained("minilm_l6")[::-1], SENTENCE)
    expected = att.head_roles_sentence(att.head_roles(att.head_patterns(a.weights, a.tokens)))
    assert expected in captions(at) and "the sink here: [CLS]" in expected


def test_the_longest_text_a_permalink_can_carry_stays_a_reasonable_url():
    """The text box takes at most MAX_CHARS characters; even 4-byte characters then give a URL far
    below the 64 KB a server accepts in a request line."""
    from urllib.parse import urlencode
    import ast
    limit = next(n.value.value for n in ast.walk(ast.parse(open(PAGE).read()))
                 if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", "") == "MAX_CHARS")
    assert len(urlencode({"text": "🙂" * limit})) < 20_000
    at = open_page(PAGE, text="x" * 50_000)
    assert not at.exception and any("kept the first" in w.value for w in at.warning)


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
    masked = [s for s in plotly_specs(at) if s["layout"]["title"]["text"] == "4. softmax"][0]
    z = plotly_array(masked["data"][0]["z"])
    assert z.shape == (5, 5) and np.allclose(np.triu(z, 1), 0)
