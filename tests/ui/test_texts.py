"""ui.texts: every page's teaching text file, its parser, and the home page's search."""
import pytest

from ui.catalogue import PAGES
from ui.texts import page_text, parse, search


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.slug)
def test_every_page_has_its_teaching_text(page):
    text = page_text(page.text_file)
    for section in ("Intro", "Formula", "Takeaways", "Questions", "Corrections"):
        assert text.sections.get(section), f"{page.text_file.name} lacks ## {section}"
    assert len(text.questions) >= 2 and all(q.endswith(("?", ")")) or q for q in text.questions)
    assert all(claim and fix for claim, fix in text.corrections), "corrections are `claim => fix`"


def test_text_parser_reads_sections_bullets_and_corrections():
    text = parse("## Intro\nHello.\n\n## Formula\na = b\n\nc = d\n## Questions\n- One?\n- Two\n  continued?\n"
                 "## Corrections\n- wrong => right\n")
    assert text.get("Intro") == "Hello." and text.formulas == ["a = b", "c = d"]
    assert text.questions == ["One?", "Two continued?"] and text.corrections == [("wrong", "right")]
    with pytest.raises(KeyError, match="Intro"):
        text.get("Missing")


QUERIES = [  # a visitor's question -> the page that answers it (first hit)
    ("explain FGSM and PGD", "adversarial_attacks"), ("what is a Gram matrix?", "style_transfer"),
    ("multi-head self-attention", "attention"), ("autoencoder anomaly threshold", "anomaly_detection"),
    ("how does dropout work?", "playground"), ("transformer", "attention"),
    ("what is batch normalisation", "playground"), ("LSTM gates", "recurrent"),
    ("gradient descent momentum", "optimisers"), ("GAN mode collapse", "generative"), ("VAE", "generative"),
    ("few-shot learning", "transfer_learning"), ("zero-shot", "transfer_learning"),
    ("convolution padding stride", "convolutions"), ("receptive field", "convolutions"),
    ("pooling invariance", "convolutions"), ("overfitting", "playground"),
    ("backpropagation chain rule", "backprop"), ("model card", "model_zoo"),
    ("learning rate schedule", "optimisers"),
]


@pytest.mark.parametrize("query, slug", QUERIES)
def test_search_finds_the_page_that_answers_a_question(query, slug):
    assert search(query, PAGES)[0][0].slug == slug


def test_pages_that_mention_the_words_in_passing_are_left_out():
    # the issue: "how does dropout work?" listed 7 pages, style transfer among them
    hits = search("how does dropout work?", PAGES)
    assert [p.slug for p, _, _ in hits] == ["playground"]
    transformer = search("transformer", PAGES)
    assert all(score >= 0.25 * transformer[0][1] for _, score, _ in transformer)


def test_search_of_nothing_lists_every_page_and_nonsense_finds_none():
    assert len(search("  ", PAGES)) == len(PAGES)
    assert search("zzqx flurble", PAGES) == []


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.slug)
def test_prose_has_no_raw_latex_outside_math(page):
    # Markdown shows "h_{t−1}" as it is typed; a formula in prose goes between $…$ (KaTeX) or in Unicode.
    # The Formula section is LaTeX throughout (drawn by st.latex), so it is not prose.
    import re
    text = page_text(page.text_file)
    for name, body in text.sections.items():
        if name == "Formula":
            continue
        outside = re.sub(r"\$[^$]*\$", "", body)
        assert not re.search(r"[_^]\{|\\[a-zA-Z]+", outside), f"{page.text_file.name} ## {name}: raw LaTeX in prose"


def test_the_home_search_lists_the_best_pages_first():
    from streamlit.testing.v1 import AppTest

    from tests.support import ROOT
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60).run()
    at.text_input(key="home_search").set_value("how does dropout work?").run()
    assert not at.exception
    assert [h.value for h in at.subheader][0] == "1 page matches “how does dropout work?”"
    at.text_input(key="home_search").set_value("transformer").run()
    heading = [h.value for h in at.subheader][0]
    assert heading.startswith(f"{len(search('transformer', PAGES))} pages match")
    links = [link.label for link in at.get("page_link")]
    assert "**Attention maps**" in links and links.index("**Attention maps**") < links.index("**Recurrent networks**")
