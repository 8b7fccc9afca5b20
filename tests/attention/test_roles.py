"""Head roles: patterns on hand-made heads, counts of sinks and neighbour heads, and what the captions
report, measured on MiniLM."""
import numpy as np
import pytest

from demos.attention import heads, roles

SENTENCE = heads.EXAMPLES["coreference"]


@pytest.fixture(scope="module")
def maps(minilm):
    return heads.attention_maps(minilm[1], minilm[0], SENTENCE)


def test_head_patterns_on_a_hand_made_head():
    tokens = ["[CLS]", "a", "b", "##c", "[SEP]"]
    prev = np.zeros((1, 1, 5, 5))
    prev[0, 0, 0, 0] = 1
    for i in range(1, 5):
        prev[0, 0, i, i - 1] = 1  # a pure previous-token head
    patterns = roles.head_patterns(prev, tokens)
    assert patterns["previous"][0, 0] == 1.0 and patterns["next"][0, 0] == 0.0
    assert patterns["same_word"][0, 0] == pytest.approx(1 / 5)  # only "##c" -> "b" is inside a word


def test_minilm_has_a_previous_token_head(maps):
    assert roles.head_patterns(maps.weights, maps.tokens)["previous"].max() > 0.5


def test_head_roles_count_sinks_and_neighbour_heads_per_layer():
    patterns = {"previous": np.array([[0.9, 0.1], [0.0, 0.0]]), "next": np.array([[0.0, 0.35], [0.1, 0.0]]),
                "cls": np.array([[0.0, 0.0], [0.6, 0.2]]), "sep": np.array([[0.0, 0.0], [0.0, 0.7]])}
    # layer 1: head 1 previous 0.9 > 0.3, head 2 next 0.35 > 0.3 -> 2 neighbour heads
    # layer 2: head 1 cls 0.6 > 0.5, head 2 sep 0.7 > 0.5
    assert roles.head_roles(patterns) == {"cls": [0, 1], "sep": [0, 1], "neighbour": [2, 0]}
    assert "the sink here: [CLS] and [SEP] alike" in roles.head_roles_caption(roles.head_roles(patterns))


def test_minilm_sinks_are_cls_not_sep_on_the_default_sentence(maps):
    """What the All-heads caption reports, measured: MiniLM parks attention on [CLS] (BERT-base's
    [SEP] pattern does not hold for this model)."""
    counts = roles.head_roles(roles.head_patterns(maps.weights, maps.tokens))
    assert sum(counts["cls"][1:]) >= 10 and sum(counts["sep"]) == 0
    assert "the sink here: [CLS]" in roles.head_roles_caption(counts)
    assert roles.head_grid(maps.weights).layout.title.text.startswith("All 72 heads")


def test_the_most_pattern_head_is_named_with_its_share(maps):
    patterns = roles.head_patterns(maps.weights, maps.tokens)
    layer, head = roles.most_pattern_head(patterns, "previous")
    assert patterns["previous"][layer - 1, head - 1] == patterns["previous"].max()
    assert roles.role_caption(patterns, "previous") == (
        f"The most “previous token” head is layer {layer}, head {head} "
        f"({patterns['previous'].max():.0%} of its attention).")
    assert roles.role_figure(patterns, "cls").layout.title.text == "Average attention to: [CLS]"
