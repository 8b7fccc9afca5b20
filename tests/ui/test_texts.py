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


@pytest.mark.parametrize("query, slug", [("explain FGSM and PGD", "adversarial_attacks"),
                                         ("what is a Gram matrix?", "style_transfer"),
                                         ("multi-head self-attention", "attention"),
                                         ("autoencoder anomaly threshold", "anomaly_detection")])
def test_search_finds_the_page_that_answers_a_question(query, slug):
    assert search(query, PAGES)[0][0].slug == slug


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
