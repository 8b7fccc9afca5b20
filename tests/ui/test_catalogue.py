"""ui.catalogue: every page's URL parameters are read from its source (literal keys only), and the
README lists exactly those; the home's grid, newcomer path and glossary are consistent data."""
import re

import pytest

from tests.support import ROOT
from ui.catalogue import CARDS_PER_ROW, PAGES, by_section, by_slug, grid_rows, page_params
from ui.primer import GLOSSARY, OVERVIEW_TOPICS, START_PATH


def test_every_page_declares_literal_keys_and_the_readme_lists_them_all():
    readme = (ROOT / "README.md").read_text()
    table = dict(re.findall(r"^\| (\w+) \| (.+) \|$", readme.split("| page | URL parameters |")[1], re.M))
    for page in PAGES:
        listed = set(re.findall(r"`(\w+)`(?: \(|,|$| )", table[page.slug] + " "))
        assert listed == set(page.params), (page.slug, listed ^ set(page.params))


def test_a_computed_key_is_refused(tmp_path):
    bad = tmp_path / "page.py"
    bad.write_text("import ui\nname = 'k'\nui.slider('x', f'{name}_1', 0, 1, 0)\n")
    with pytest.raises(ValueError, match="literal string"):
        page_params(bad)


def test_the_readme_pages_table_leads_to_every_pages_files():
    """The README's table of pages names each page's demos (and, for a package, every module in it)
    and its tests folder, as the catalogue derives them from the slug."""
    readme = (ROOT / "README.md").read_text()
    table = readme.split("| page | its logic:")[1].split("\n\n")[0]
    for page in PAGES:
        row = next(line for line in table.splitlines() if f"({page.file})" in line)
        demos = page.demos.relative_to(ROOT).as_posix() + ("/" if page.demos.is_dir() else "")
        assert f"[{demos}]({demos})" in row, (page.slug, demos)
        if page.demos.is_dir():
            listed = set(re.findall(r"`(\w+)`", row.split("|")[2]))
            assert listed == {m.stem for m in page.demo_modules}, page.slug
        assert f"[tests/{page.slug}/](tests/{page.slug}/)" in row


def test_the_card_grid_fills_every_row_but_the_last():
    """Sections sit side by side in rows of CARDS_PER_ROW cards: with today's sections no row but the
    last has a gap, every page is shown once, and the section headings keep the catalogue's order."""
    rows = grid_rows()
    counts = [sum(len(pages) for _, pages in row) for row in rows]
    assert all(n == CARDS_PER_ROW for n in counts[:-1]) and 0 < counts[-1] <= CARDS_PER_ROW, \
        [[(s, len(p)) for s, p in row] for row in rows]
    shown = [page for row in rows for _, pages in row for page in pages]
    assert sorted(p.file for p in shown) == sorted(p.file for p in PAGES)
    assert list(dict.fromkeys(section for row in rows for section, _ in row)) == list(by_section())  # a long section spans rows


def test_a_section_that_does_not_fit_starts_a_new_row():
    pages = {name: [PAGES[0]] * n for name, n in (("A", 4), ("B", 2), ("C", 2), ("D", 1))}
    layout = [[(s, len(p)) for s, p in row] for row in grid_rows(pages, per_row=3)]
    assert layout == [[("A", 3)], [("A", 1), ("B", 2)], [("C", 2), ("D", 1)]]


def test_the_newcomer_path_runs_from_the_basics_through_existing_pages():
    slugs = [slug for slug, _ in START_PATH]
    assert 4 <= len(slugs) <= 6 and len(set(slugs)) == len(slugs)
    assert slugs[0] == "playground", "it starts with what a network is"
    assert slugs.index("backprop") < slugs.index("optimisers"), "the gradient before what a step does with it"
    for slug, why in START_PATH:
        assert by_slug(slug).slug == slug
        assert why.endswith(".") and len(why) <= 110 and "\n" not in why, why


def test_the_glossary_answers_the_overview_questions_and_links_only_to_real_pages():
    assert 6 <= len(GLOSSARY) <= 10
    slugs = {p.slug for p in PAGES}
    for term in GLOSSARY:
        assert term.topic in OVERVIEW_TOPICS, term.term
        assert term.slug is None or term.slug in slugs, term
        sentences = [s for s in term.definition.replace("e.g.", "eg").split(". ") if s]
        assert 1 <= len(sentences) <= 3 and len(term.definition) <= 330, term.term  # short; a missing page is said
        if term.slug is None:
            assert "No page" in term.definition, f"{term.term}: say that no page shows it"
    for topic in OVERVIEW_TOPICS:
        assert any(t.topic == topic for t in GLOSSARY), topic
    names = [t.term.lower() for t in GLOSSARY]
    for way in ("supervised learning", "unsupervised learning", "reinforcement learning"):
        assert way in names, way
    assert any("deep learning" in n and "machine learning" in n for n in names)
    networks = {t.slug for t in GLOSSARY if t.topic == "Types of networks"}
    assert {"playground", "convolutions", "recurrent", "attention"} <= networks
