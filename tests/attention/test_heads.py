"""MiniLM's heads: rows sum to 1, our recomputation equals transformers' attentions, hiding the special
tokens renormalises and reports what it removed, odd text never breaks extraction, the hero's caption."""
import numpy as np
import pytest

from demos.attention import by_hand, heads

SENTENCE = heads.EXAMPLES["coreference"]


@pytest.fixture(scope="module")
def maps(minilm):
    return heads.attention_maps(minilm[1], minilm[0], SENTENCE)


def test_shapes_and_rows_sum_to_one(maps):
    assert maps.weights.shape == (6, 12, len(maps.tokens), len(maps.tokens))
    assert maps.tokens[0] == "[CLS]" and maps.tokens[-1] == "[SEP]"
    assert np.allclose(maps.weights.sum(-1), 1, atol=1e-5) and maps.weights.min() >= 0
    assert not maps.truncated


@pytest.mark.parametrize("layer,head", [(0, 0), (2, 7), (5, 11)])
def test_recomputed_head_equals_transformers_attentions(minilm, maps, layer, head):
    q, k, _ = heads.head_qkv(minilm[1], minilm[0], SENTENCE, layer, head)
    ours = by_hand.scaled_dot_product(q, k, k).weights.numpy()
    assert np.allclose(ours, maps.weights[layer, head], atol=1e-5)


def test_strip_special_renormalises_and_reports_what_it_removed(maps):
    tokens, w, removed = heads.strip_special(maps)
    assert "[CLS]" not in tokens and "[SEP]" not in tokens
    assert np.allclose(w.sum(-1), 1)
    keep = [i for i, t in enumerate(maps.tokens) if t not in ("[CLS]", "[SEP]")]
    special = [i for i, t in enumerate(maps.tokens) if t in ("[CLS]", "[SEP]")]
    expected = maps.weights[..., keep, :][..., special].sum(-1).mean(-1)  # share on the dropped columns
    assert np.allclose(removed, expected)


@pytest.mark.parametrize("text", ["", "\u200b\u200b\u200b", "\x01\x02\x03", "[CLS] [SEP]"])
def test_text_without_ordinary_tokens_cannot_be_stripped_and_says_so(minilm, text):
    a = heads.attention_maps(minilm[1], minilm[0], text)
    if all(t in ("[CLS]", "[SEP]") for t in a.tokens):
        with pytest.raises(ValueError, match="no ordinary tokens"):
            heads.strip_special(a)
        view = heads.shown(a, hide=True)  # the page keeps showing them and says why
        assert view.tokens == a.tokens and view.hidden_share is None and view.note.startswith("Nothing to hide")


@pytest.mark.parametrize("text", ["", "🙂🙃 emoji only", "مرحبا بالعالم", "tab\there\x00nul\x1bescape",
                                  "word " * 5000])
def test_odd_text_never_breaks_extraction(minilm, text):
    a = heads.attention_maps(minilm[1], minilm[0], text)
    assert len(a.tokens) <= heads.MAX_TOKENS and np.allclose(a.weights.sum(-1), 1, atol=1e-5)
    assert a.truncated == (len(text) > 1000)


def test_the_default_head_resolves_the_coreference_and_the_caption_says_so(maps):
    view = heads.shown(maps, hide=False)
    i, j = heads.strongest_link(view.tokens, view.weights[3, 1])
    assert (view.tokens[i], view.tokens[j]) == ("it", "animal")
    caption = heads.head_caption(view, 4, 2)
    assert caption.startswith("Rows attend to columns and each row sums to 1.")
    assert f"“it” → “animal” ({view.weights[3, 1][i, j]:.0%})." in caption
    assert heads.head_figure(view, 4, 2).layout.title.text == "Layer 4, head 2"


def test_hidden_special_tokens_are_quoted_as_renormalised_shares(maps):
    view = heads.shown(maps, hide=True)
    assert view.note is None and "[CLS]" not in view.tokens
    caption = heads.head_caption(view, 1, 3)
    assert "rows renormalised" in caption and "[CLS]/[SEP] hidden" in caption
    assert f"they held {view.hidden_share[0, 2]:.0%} of this head's attention" in caption


def test_no_link_between_words_when_only_one_word_is_left():
    assert heads.strongest_link(["[CLS]", "hi", "[SEP]"], np.full((3, 3), 1 / 3)) is None
    assert heads.labels(["the", "cat", "the"]) == ["0:the", "1:cat", "2:the"]


def test_examples_fill_the_text_and_move_to_their_head_and_custom_keeps_both():
    layer, head = heads.EXAMPLE_HEADS["repetition"]
    assert heads.PRESETS["repetition"] == {"text": heads.EXAMPLES["repetition"], "layer": layer, "head": head}
    assert heads.PRESETS["custom"] == {}
    assert heads.example_text("custom") == heads.EXAMPLES["coreference"]


@pytest.mark.parametrize("example", ["coreference", "repetition", "subwords"])
def test_each_example_opens_on_the_head_that_shows_its_pattern_most(minilm, example):
    # the issue: examples kept the current layer and head, so "repetition" opened on a head whose rows all
    # sank into [CLS]. EXAMPLE_HEADS must be the argmax of the pattern's mean weight over MiniLM's 72 heads.
    a = heads.attention_maps(minilm[1], minilm[0], heads.EXAMPLES[example])
    score = heads.showcase_score(a, example)
    best = np.unravel_index(np.argmax(score), score.shape)
    assert heads.EXAMPLE_HEADS[example] == (best[0] + 1, best[1] + 1)
    assert score[best] > 0.3 and score[best] > 3 * np.median(score)  # a head that clearly shows it
    layer, head = heads.EXAMPLE_HEADS[example]
    note = heads.showcase_note(a, heads.EXAMPLES[example], example, layer, head)
    assert note == (f" Of MiniLM's 72 heads, this one shows {heads.SHOWCASE[example]} most: "
                    f"{score[best]:.0%} of the attention on average.")
    assert heads.showcase_note(a, heads.EXAMPLES[example], example, layer % 6 + 1, head) == ""  # another head
    assert heads.showcase_note(a, heads.EXAMPLES[example] + " x", example, layer, head) == ""  # edited text


def test_the_showcase_pairs_are_the_patterns_tokens():
    tokens = ["[CLS]", "the", "cat", "the", "un", "##believ", "##ably", "[SEP]"]
    w = np.zeros((1, 1, 8, 8))
    w[0, 0, 3, 1] = 0.9  # the second "the" -> the first
    w[0, 0, 5, 4], w[0, 0, 6, 5] = 0.5, 0.7  # each ## piece -> the piece before it
    a = heads.Attention(tokens, w, False)
    assert heads.showcase_score(a, "repetition")[0, 0] == pytest.approx(0.9)
    assert heads.showcase_score(a, "subwords")[0, 0] == pytest.approx(0.6)


def test_the_longest_text_a_permalink_can_carry_stays_a_reasonable_url():
    """The text box takes at most MAX_CHARS characters; even 4-byte characters then give a URL far
    below the 64 KB a server accepts in a request line."""
    from urllib.parse import urlencode
    assert len(urlencode({"text": "🙂" * heads.MAX_CHARS})) < 20_000
