"""The attention page through AppTest: the hero follows layer and head and shows the caption the demo
computes, examples and custom text, hiding special tokens, every tab, and text from hostile URLs.
Opened five times; controls and tabs change inside a session."""
import numpy as np
import pytest

from demos.attention import heads, roles, seq2seq
from demos.precomputed import lookup
from models import dates
from tests.support import captions, open_page, plotly_array, plotly_specs

pytestmark = pytest.mark.filterwarnings("ignore")
PAGE = "pages/05_attention.py"


def title(spec) -> str:
    return str(spec.get("layout", {}).get("title", {}).get("text", ""))


def test_the_hero_follows_layer_and_head_and_every_tab_renders(minilm):
    at = open_page(PAGE, timeout=120)
    assert not at.exception
    assert title(plotly_specs(at)[0]) == "Layer 4, head 2"
    a = heads.attention_maps(minilm[1], minilm[0], heads.EXAMPLES["coreference"])
    shown = heads.shown(a, hide=False)
    # the default text and head are the coreference example's showcase head, and the caption says so
    assert captions(at)[0] == heads.head_caption(shown, 4, 2) + heads.showcase_note(a, heads.EXAMPLES['coreference'], 'coreference', 4, 2)
    assert "this one shows “it” attending to “animal” most" in captions(at)[0]
    assert "“it” → “animal”" in captions(at)[0]  # the default head resolves the coreference
    at.slider(key="layer").set_value(1).run()
    at.slider(key="head").set_value(3).run()
    assert title(plotly_specs(at)[0]) == "Layer 1, head 3"
    assert "each row sums to 1" in captions(at)[0]
    expected_all = roles.head_roles_caption(roles.head_roles(roles.head_patterns(a.weights, a.tokens)))
    for view, expected in [("All heads", "All 72 heads"), ("Rollout", "Attention rollout"),
                           ("Head roles", "Average attention to"), ("Seq2seq alignment", "Where the decoder looked"),
                           ("Step by step", "softmax")]:
        at.session_state["view"] = view
        at.run()
        assert not at.exception, view
        titles = [title(s) for s in plotly_specs(at)]
        assert any(expected in t for t in titles), titles
        if view == "All heads":  # measured on the text shown
            assert expected_all in captions(at) and "the sink here: [CLS]" in expected_all
        if view == "Seq2seq alignment":
            spec = next(s for s in plotly_specs(at) if "decoder looked" in title(s))
            assert len(spec["data"][0]["x"]) == len(dates.input_tokens(seq2seq.DEFAULT_DATES))
            stored, _ = lookup(seq2seq.accuracy_by_length, ())  # the committed result, not minutes of live work
            assert seq2seq.accuracy_caption(stored) in captions(at)
            assert "Precomputed by `python -m train.precompute --only attention` with these exact weights." in captions(at)


def test_custom_text_hiding_special_tokens_and_text_with_nothing_to_show():
    at = open_page(PAGE, preset="custom", text="hello world", hide="1")
    assert plotly_specs(at)[0]["data"][0]["x"] == ["0:hello", "1:world"]
    caption = captions(at)[0]  # hidden special tokens are quoted as renormalised shares
    assert "rows renormalised" in caption and "[CLS]/[SEP] hidden" in caption
    assert any("rescales every remaining row" in m.value for m in at.markdown)
    for text in ("\u200b\u200b", "\x01\x02", "[CLS]"):  # a text without ordinary tokens says so
        at.text_area(key="text").set_value(text).run()
        assert not at.exception, text
        assert any("Nothing to hide" in i.value for i in at.info) or len(plotly_specs(at)[0]["data"][0]["x"]) >= 1
    at.text_area(key="text").set_value("   ").run()
    assert any("Type some text" in i.value for i in at.info)


def test_an_example_fills_the_text_and_repeated_tokens_keep_their_rows():
    """Labels by position: "the cat sat on the mat" has two "the" and both must stay."""
    at = open_page(PAGE, preset="repetition", view="Rollout", timeout=120)
    assert at.text_area(key="text").value == heads.EXAMPLES["repetition"]
    tokens = plotly_specs(at)[0]["data"][0]["x"]
    rollout = next(s for s in plotly_specs(at) if "rollout" in title(s))
    assert len(rollout["data"][0]["x"]) == len(tokens) == len(set(tokens))
    assert len(plotly_array(rollout["data"][0]["z"])) == len(tokens)
    at.text_area(key="text").set_value("my own words").run()  # editing the text makes it custom
    assert at.session_state["preset"] == "custom" and at.query_params["preset"] == "custom"
    at.session_state["preset"] = "subwords"  # picking an example fills the box (the select's presets)
    at.run()


def test_calculator_mask_from_the_url():
    at = open_page(PAGE, view="Step by step", mask="causal", t="5")
    masked = [s for s in plotly_specs(at) if title(s) == "4. softmax"][0]
    z = plotly_array(masked["data"][0]["z"])
    assert z.shape == (5, 5) and np.allclose(np.triu(z, 1), 0)


def test_huge_text_from_a_url_is_cut_with_notices():
    """A URL may carry far more than the box takes: it is cut to MAX_CHARS with a notice, and text
    longer than 128 tokens is truncated with another."""
    at = open_page(PAGE, text="x" * 50_000)
    assert not at.exception and any("kept the first" in w.value for w in at.warning)
    at.text_area(key="text").set_value("many words " * 300).run()
    assert not at.exception and any("longer than 128 tokens" in w.value for w in at.warning)


def test_an_example_moves_layer_and_head_to_its_showcase_head():
    at = open_page(PAGE, timeout=120)
    at.button_group(key="preset").set_value("repetition").run()
    assert not at.exception
    assert (at.slider(key="layer").value, at.slider(key="head").value) == heads.EXAMPLE_HEADS["repetition"] == (3, 10)
    assert at.text_area(key="text").value == heads.EXAMPLES["repetition"]
    assert "this one shows each repeated word attending to its earlier occurrences most" in captions(at)[0]
