"""Every page in the catalogue, run with AppTest through the entrypoint: it renders its title, its
charts with a text summary each, its teaching blocks, its URL state, and no exception."""

import functools
import importlib

import pytest

from demos.text import literal

from tests.gallery.test_layers import imported_modules
from tests.support import ROOT, captions, open_page, plotly_specs
from ui.catalogue import PAGES, SECTIONS

pytestmark = pytest.mark.filterwarnings("ignore")


def test_catalogue_matches_the_pages_folder_and_every_name_leads_to_its_files():
    """One name per concept: pages/NN_<slug>.py ↔ demos/<slug>(/ or .py) ↔ tests/<slug>/, with a
    test file per demos module and one for the page; the page script uses its own demos."""
    on_disk = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py"))
    assert sorted(p.file for p in PAGES) == on_disk
    assert len({p.slug for p in PAGES}) == len(PAGES)
    for page in PAGES:
        assert page.section in SECTIONS
        assert len(page.pitch) < 120 and page.slug.replace("_", "").isalnum()
        assert page.demos.exists(), page.demos
        imported = [m for _, m in imported_modules(ROOT / page.file, ROOT)]
        assert any(m.startswith(f"demos.{page.slug}") for m in imported), f"{page.file} does not use {page.demos}"
        tests = {p.name for p in page.tests.glob("test_*.py")}
        assert "test_page.py" in tests, page.tests
        for module in page.demo_modules:
            assert f"test_{module.stem}.py" in tests, (page.slug, module.name)


def test_home_shows_one_card_per_page():
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value.endswith("Deep-learning concept gallery")
    shown = " ".join(c.value for c in at.caption)
    for page in PAGES:
        assert page.pitch in shown
    assert [h.value for h in at.header] == [s for s in SECTIONS if any(p.section == s for p in PAGES)]


@functools.lru_cache(maxsize=None)
def default_view(file: str):
    """The page opened once with a clean URL, shared by the tests that only read it."""
    return open_page(file, timeout=180)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.slug)
def test_page_renders_its_content(page):
    at = default_view(page.file)
    assert not at.exception, at.exception
    assert at.title[0].value == f"{page.icon} {page.title}"
    assert plotly_specs(at), "a concept page shows at least one chart"
    assert len(captions(at)) >= len(plotly_specs(at)), "every chart has a one-line summary"
    assert "Key ideas" in [h.value for h in at.header]
    assert at.get("latex"), "the core formula is on the page"
    code = next(e for e in at.expander if e.label == "Show the code")
    assert not code.code, "the source is highlighted only once someone opens it (it costs the browser ~0.4 s)"
    assert not at.warning, "a clean URL gives no notices"


def restated_defaults(page) -> dict[str, object]:
    """The page defaults its lesson answers restate: every `*DEFAULTS` dict of its lesson module
    (`demos/<slug>/lesson.py`, or the one module of a small page)."""
    name = f"demos.{page.slug}.lesson" if page.demos.is_dir() else f"demos.{page.slug}"
    module = importlib.import_module(name)
    found: dict[str, object] = {}
    for attr, value in vars(module).items():
        if attr.endswith("DEFAULTS") and isinstance(value, dict):
            found |= value
    return found


def same_value(shown: str, restated: object) -> bool:
    try:
        return float(shown) == float(restated)  # "50" and 50, "0.5" and "0.50"
    except (TypeError, ValueError):
        return shown == str(restated)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.slug)
def test_the_lesson_answers_assume_the_pages_own_defaults(page):
    """A lesson answer computes its choice for a beat's view, taking the page's defaults for what the
    view leaves out; where it restates a default, it must be the default the page draws (a default
    changed on the page alone would silently change every answer)."""
    from ui.state import format_value
    restated = restated_defaults(page)
    assert set(restated) <= set(page.params), f"not parameters of the page: {set(restated) - set(page.params)}"
    at = default_view(page.file)
    drawn = {k: format_value(at.session_state[k]) for k in at.session_state["_ui_run"]["keys"] if k in at.session_state}
    differ = {k: (drawn[k], v) for k, v in restated.items() if k in drawn and not same_value(drawn[k], v)}
    assert not differ, f"(page draws, lesson assumes): {differ}"


def test_the_code_appears_when_its_expander_is_opened():
    at = open_page("pages/01_model_zoo.py")
    at.session_state["show_code"] = True  # what opening the expander does (on_change="rerun")
    at.run()
    code = next(e for e in at.expander if e.label == "Show the code")
    assert not at.exception and len(code.code) >= 1 and "def " in code.code[0].value


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.slug)
def test_presenter_mode_hides_prose_and_teaching_blocks(page):
    at = open_page(page.file, present="1")
    assert not at.exception
    assert "Key ideas" not in [h.value for h in at.header]
    assert plotly_specs(at) or at.get("image"), "the hero visual stays"
    assert not any(e.label == "Show the code" for e in at.expander)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.slug)
def test_garbage_url_parameters_fall_back_with_a_notice(page):
    widgets = [w for kind in ("slider", "selectbox", "radio", "number_input", "toggle")
               for w in at_widgets(default_view(page.file), kind)]
    garbage = {w.key: "%00<script>NaN" for w in widgets if w.key}
    assert garbage, "a concept page has URL-bound controls"
    at = open_page(page.file, present="maybe", bogus="1", **garbage)
    assert not at.exception
    notes = " ".join(w.value for w in at.warning)
    assert "bogus" in notes and "present=maybe" in notes
    for key in garbage:
        assert f"“{literal(key)}=" in notes
    assert dict(at.query_params) == {}, "garbage is removed from the URL"


def at_widgets(at, kind):
    return list(getattr(at, kind))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.slug)
def test_manifest_round_trip_restores_the_same_parameters(page):
    import ui
    at = open_page(page.file, timeout=180)
    slider = next(s for s in at.slider if s.key)
    new = slider.max if slider.value != slider.max else slider.min
    slider.set_value(new).run()
    manifest = at.session_state[ui.MANIFEST]
    assert manifest["page"] == page.slug and manifest["params"]["seed" if "seed" in manifest["params"] else slider.key]
    assert set(manifest["models"]) == set(page.models)
    assert all(len(digest.split("+")[0]) == 64 for digest in manifest["models"].values())
    assert {"torch", "streamlit", "python"} <= set(manifest["versions"])
    restored = open_page(page.file, timeout=180, **manifest["params"])
    assert not restored.exception and not restored.warning
    assert restored.slider(key=slider.key).value == new
    assert restored.session_state[ui.MANIFEST]["params"] == manifest["params"]
    assert f"{slider.key}=" in manifest["url"] and f"/{page.slug}" in manifest["url"]


SLOW = {"source", "n", "steps", "size"}  # an upload prompt, the 1,000-digit sweep, long optimisations


def change_every_control(at, keys) -> None:
    """Give every drawn control whose key is in `keys` another valid value next to its current one (a
    slider one step down, or up from its minimum; the neighbouring option; a toggle flipped; no rerun
    yet). Neighbours, not extremes: the test is about the URL, and the largest value of every control
    at once makes some pages train for minutes (a step down mostly means less work: fewer epochs,
    points, seeds)."""
    for w in at.slider:
        if w.key in keys:
            step = w.step or 1
            w.set_value(w.value - step if w.value - step >= w.min else w.value + step)
    for w in at.toggle:
        if w.key in keys:
            w.set_value(not w.value)
    for w in at.number_input:
        if w.key in keys:
            w.set_value(w.value + 1 if w.max is None or w.value < w.max else w.value - 1)
    options = at.session_state["_ui_run"].get("options", {})  # raw choices (AppTest shows labels)
    for w in list(at.selectbox) + list(at.radio):
        choices = options.get(w.key, ())
        if w.key in keys and len(choices) > 1:
            i = choices.index(w.value) if w.value in choices else 0
            w.set_value(choices[i + 1] if i + 1 < len(choices) else choices[i - 1])


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.slug)
def test_every_parameter_survives_a_view_switch(page):
    """Give every parameter of the page a non-default value (read back from the URL, so the raw
    values are the page's own: one session visits each view and changes each control once), then open
    each view (tab) from a fresh URL with all of them: a parameter whose control that view does not
    draw keeps its value in the URL."""
    keys = set(page.params) - SLOW - {"view"}
    at = open_page(page.file, timeout=180)
    views = [t.label for t in at.tabs] or [None]
    chosen: dict[str, str] = {}
    for view in views:
        if view is not None:
            at.session_state["view"] = view
            at.run()
        change_every_control(at, keys - set(chosen))
        at.run()
        assert not at.exception, (view, at.exception)
        chosen |= {k: v for k, v in at.query_params.items() if k in keys and k not in chosen}
    assert chosen, "the page has URL parameters to set"
    for view in views:
        params = dict(chosen) | ({"view": view} if view else {})
        at = open_page(page.file, timeout=300, **params)
        assert not at.exception, (view, at.exception)
        lost = {k: v for k, v in chosen.items() if at.query_params.get(k) != v}
        assert not lost, f"view {view!r} lost {lost}"
