"""The home page in AppTest: the newcomer's path comes first, in order, then the cards, then the
glossary, whose links lead to the pages named in the catalogue; a search shows only its results."""
import pytest

from tests.support import ROOT
from ui.catalogue import PAGES, by_slug
from ui.primer import GLOSSARY, START_PATH

pytestmark = pytest.mark.filterwarnings("ignore")


@pytest.fixture(scope="module")
def home():
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60).run()
    assert not at.exception
    return at


def links(at) -> list[tuple[str, str]]:
    """(label, target page URL path) of every link in the page body, top to bottom."""
    return [(link.value, link.proto.page) for link in at.main.get("page_link")]


def test_the_path_comes_first_in_order_with_a_reason_each(home):
    assert [h.value for h in home.subheader][0] == f"Start here: {len(START_PATH)} pages, in order"
    shown = links(home)[:len(START_PATH)]
    assert [label for label, _ in shown] == [f"**{n} · {by_slug(s).title}**" for n, (s, _) in enumerate(START_PATH, 1)]
    assert [target.strip("/") for _, target in shown] == [slug for slug, _ in START_PATH]
    text = [m.value for m in home.main.markdown]
    for _, why in START_PATH:
        assert why in text


def test_every_card_title_is_whole_and_links_to_its_page(home):
    cards = {label: target.strip("/") for label, target in links(home)[len(START_PATH):]}
    for page in PAGES:
        assert cards[f"**{page.title}**"] == page.slug


def test_the_glossary_defines_each_term_and_links_it_to_its_page(home):
    assert "Glossary: the overview questions" in [h.value for h in home.subheader]
    text = " ".join(m.value for m in home.main.markdown)
    shown = dict(links(home))
    for term in GLOSSARY:
        assert term.definition in text, term.term
        if term.slug:
            assert shown[f"**{term.term}**"].strip("/") == term.slug
        else:
            assert f"**{term.term}**" not in shown and f"**{term.term}**" in text


def test_a_search_shows_its_results_alone():
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60).run()
    at.text_input(key="home_search").set_value("convolution kernel").run()
    assert not at.exception
    headings = [h.value for h in at.subheader]
    assert headings[0].endswith("match “convolution kernel”") or headings[0].endswith("matches “convolution kernel”")
    assert not any(h.startswith(("Start here", "Glossary")) for h in headings)
    assert not at.header, "no section headings while searching"
