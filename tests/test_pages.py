"""Every page in the catalogue, run with AppTest through the entrypoint: it renders its title, its
charts with a text summary each, its teaching blocks, its URL state, and no exception."""

import ast

import pytest

from conftest import ROOT, captions, open_page, plotly_specs
from ui.catalogue import PAGES, SECTIONS

pytestmark = pytest.mark.filterwarnings("ignore")


def demo_imports(path) -> set[str]:
    """The demos/ modules a script imports ('demos/x.py'), from `from demos import x` and `from demos.x import`."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module == "demos":
            found |= {f"demos/{a.name}.py" for a in node.names}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("demos."):
            found.add(f"demos/{node.module.split('.')[1]}.py")
    return found


def test_catalogue_matches_the_pages_folder():
    on_disk = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py"))
    assert sorted(p.file for p in PAGES) == on_disk
    for page in PAGES:
        assert page.section in SECTIONS
        imported = demo_imports(ROOT / page.file)
        for demo in page.demos:  # each exists and the page imports it
            assert (ROOT / demo).is_file() and demo in imported, (page.slug, demo, imported)
        assert (ROOT / page.test).is_file()
        assert len(page.pitch) < 120 and page.slug.replace("_", "").isalnum()
    assert len({p.slug for p in PAGES}) == len(PAGES)


def test_home_shows_one_card_per_page():
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value.endswith("Deep-learning concept gallery")
    shown = " ".join(c.value for c in at.caption)
    for page in PAGES:
        assert page.pitch in shown
    assert [h.value for h in at.header] == [s for s in SECTIONS if any(p.section == s for p in PAGES)]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.slug)
def test_page_renders_its_content(page):
    at = open_page(page.file)
    assert not at.exception, at.exception
    assert at.title[0].value == f"{page.icon} {page.title}"
    assert plotly_specs(at), "a concept page shows at least one chart"
    assert len(captions(at)) >= len(plotly_specs(at)), "every chart has a one-line summary"
    assert "Key ideas" in [h.value for h in at.header]
    assert at.get("latex"), "the core formula is on the page"
    assert any(e.label == "Show the code" for e in at.expander)
    assert not at.warning, "a clean URL gives no notices"


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
               for w in at_widgets(open_page(page.file), kind)]
    garbage = {w.key: "%00<script>NaN" for w in widgets if w.key}
    assert garbage, "a concept page has URL-bound controls"
    at = open_page(page.file, present="maybe", bogus="1", **garbage)
    assert not at.exception
    notes = " ".join(w.value for w in at.warning)
    assert "bogus" in notes and "present=maybe" in notes
    for key in garbage:
        assert f"`{key}=" in notes
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


def test_figure_numbers_export_the_data():
    from demos.plots import figure_numbers, topk_bars
    data = figure_numbers(topk_bars(["a", "b"], [0.7, 0.2], "t"))
    assert data["title"] == "t" and data["traces"][0]["x"] == [0.2, 0.7]



SLOW = {"source", "n", "steps", "size"}  # an upload prompt, the 1,000-digit sweep, long optimisations


def change_every_control(at, keys) -> None:
    """Give every drawn control whose key is in `keys` another valid value (no rerun yet)."""
    for w in at.slider:
        if w.key in keys:
            w.set_value(w.max if w.value != w.max else w.min)
    for w in at.toggle:
        if w.key in keys:
            w.set_value(not w.value)
    for w in at.number_input:
        if w.key in keys:
            w.set_value(w.value + 1 if w.max is None or w.value < w.max else w.value - 1)
    options = at.session_state["_ui_run"].get("options", {})  # raw choices (AppTest shows labels)
    for w in list(at.selectbox) + list(at.radio):
        if w.key in keys and len(options.get(w.key, ())) > 1:
            w.set_value(next(o for o in options[w.key] if o != w.value))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.slug)
def test_every_parameter_survives_a_view_switch(page):
    """Give every parameter of the page a non-default value (read back from the URL, so the raw
    values are the page's own), then open each view (tab) in turn with all of them: a parameter whose
    control that view does not draw keeps its value in the URL."""
    keys = set(page.params) - SLOW - {"view"}
    at = open_page(page.file, timeout=180)
    views = [t.label for t in at.tabs] or [None]
    chosen: dict[str, str] = {}
    for view in views:
        at = open_page(page.file, timeout=180, **({"view": view} if view else {}))
        change_every_control(at, keys)
        at.run()
        chosen |= {k: v for k, v in at.query_params.items() if k in keys and k not in chosen}
    assert chosen, "the page has URL parameters to set"
    for view in views:
        params = dict(chosen) | ({"view": view} if view else {})
        at = open_page(page.file, timeout=300, **params)
        assert not at.exception, (view, at.exception)
        lost = {k: v for k, v in chosen.items() if at.query_params.get(k) != v}
        assert not lost, f"view {view!r} lost {lost}"
