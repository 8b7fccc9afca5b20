"""Sharing a view: permalink, embed and presenter links, and the reproducibility manifest (download,
and a fully validated restore)."""
from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode, urlsplit

import streamlit as st

from demos.text import json_depth, quote
from ui.catalogue import PAGES, PageInfo
from ui.lesson_data import BEAT_PARAM, LESSON_PARAM
from ui.lesson_editor import teacher_menu
from ui.state import PRESENT_KEY, check_unknown_params, is_embedded, is_presenting, notify, run_state, url_params

MANIFEST = "_ui_manifest"  # the current view's reproducibility manifest (also read by tests)
PAGE = "_ui_page"  # slug of the page this session is on (for the manifest restore callback)
MAX_MANIFEST_BYTES = 64 * 1024  # a manifest is a few hundred bytes; anything huge is not one
MAX_DEPTH = 8  # a manifest nests 3 levels; deeper JSON is refused before it is parsed
MAX_VALUE_CHARS = 4000  # the longest parameter value (the attention page's text) fits well inside
RESERVED = ("embed", "embed_options")  # Streamlit's own flags: never set from a manifest


def permalink(embed: bool = False, present: bool = False) -> str:
    """The URL of this exact view (non-default parameters are already mirrored in the query)."""
    base = urlsplit(st.context.url or "http://localhost:8501/")
    path = base.path if base.path.strip("/") else f"/{st.session_state.get(PAGE, '')}"
    params = dict(st.query_params.to_dict())
    params.pop(PRESENT_KEY, None)
    params |= ({"embed": "true"} if embed else {}) | ({PRESENT_KEY: "1"} if present else {})
    return f"{base.scheme}://{base.netloc}{path}" + (f"?{urlencode(params)}" if params else "")


def manifest(page: PageInfo) -> dict:
    """Everything needed to reproduce the view: page, every parameter (seed included), the models
    with their weights' sha256, and library versions."""
    import platform
    from importlib.metadata import PackageNotFoundError, version

    from models.registry import weights_digest

    def ver(pkg: str) -> str:
        try:
            return version(pkg)
        except PackageNotFoundError:
            return "not installed"

    params = {k: v for k, v in url_params().items() if k not in (LESSON_PARAM, BEAT_PARAM)}
    return {"page": page.slug, "title": page.title, "params": params,
            "models": {name: weights_digest(name) for name in page.models},
            "versions": {"python": platform.python_version()} | {p: ver(p) for p in (
                "streamlit", "torch", "torchvision", "numpy", "plotly", "transformers", "onnxruntime")},
            "url": permalink()}


def validate_manifest(data: bytes, slug: str) -> tuple[dict[str, str], list[str]]:
    """(parameters to apply, what was ignored and why) for an uploaded manifest of page `slug`.
    Raises ValueError with a message for the person who uploaded it when nothing can be used."""
    if len(data) > MAX_MANIFEST_BYTES:
        raise ValueError(f"the file is {len(data):,} bytes; a manifest is at most {MAX_MANIFEST_BYTES:,}")
    try:
        text = data.decode("utf-8-sig")  # a byte-order mark (Windows editors write one) is not an error
    except UnicodeDecodeError as err:
        raise ValueError("the file is not UTF-8 text") from err
    if json_depth(text) > MAX_DEPTH:
        raise ValueError(f"the JSON nests deeper than {MAX_DEPTH} levels")
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError) as err:
        raise ValueError("the file is not valid JSON") from err
    if not isinstance(doc, dict) or not isinstance(doc.get("params"), dict) or not isinstance(doc.get("page"), str):
        raise ValueError("it has no “page” and “params”: not a manifest of this gallery")
    if doc["page"] != slug:
        other = next((p.title for p in PAGES if p.slug == doc["page"]), None)
        raise ValueError(f"it is a manifest of the page “{quote(other or doc['page'])}”, not of this one")
    known = set(next(p for p in PAGES if p.slug == slug).params)
    params, ignored = {}, []
    for key, value in doc["params"].items():
        shown = quote(str(key)) or "(empty name)"
        if not key or key.lower() in RESERVED or key not in known:
            ignored.append(f"“{shown}” (not a parameter of this page)")
        elif isinstance(value, bool) or not isinstance(value, (str, int, float)):
            ignored.append(f"“{shown}” (value is not text or a number)")
        elif len(str(value)) > MAX_VALUE_CHARS:
            ignored.append(f"“{shown}” (value longer than {MAX_VALUE_CHARS:,} characters)")
        else:
            params[key] = str(value)
    return params, ignored


def _restore_manifest() -> None:
    """Upload callback: put a valid manifest's parameters in the URL and forget the widgets' state,
    so the rerun binds every control to them (each value is still checked by its control)."""
    upload = st.session_state.get("_ui_manifest_file")
    if upload is None:
        return
    try:
        params, ignored = validate_manifest(upload.getvalue(), st.session_state.get(PAGE, ""))
    except ValueError as err:
        notify("_manifest", f"Could not restore that manifest: {err}.")
        return
    if ignored:
        notify("_manifest", "Restored the manifest; ignored " + ", ".join(ignored[:6])
               + (f" and {len(ignored) - 6} more" if len(ignored) > 6 else "") + ".")
    for key in next(p for p in PAGES if p.slug == st.session_state.get(PAGE)).params:
        st.session_state.pop(key, None)
    st.query_params.from_dict(params)


def finish_page() -> None:
    """After every control has run: the URL check, the manifest, and the Share menu."""
    run = run_state()
    check_unknown_params()
    problem = st.session_state.get("_ui_url_notices", {}).pop("_manifest", None)
    if problem:
        run["notices"].warning(problem, icon="📄")
    if "page" not in run:
        return
    st.session_state[MANIFEST] = data = manifest(run["page"])
    if is_embedded() or is_presenting():
        return
    with run["share"].popover("🔗 Share", width="stretch"):
        _share_menu(run["page"], data)


def _share_menu(page: PageInfo, data: dict[str, Any]) -> None:
    st.markdown("**Link to this exact view** (controls, seed and tab included)")
    st.code(permalink(), language=None, wrap_lines=True)
    st.markdown("**Present it** (big type, the hero only) · **or embed and present** (no sidebar)")
    st.code(permalink(present=True), language=None, wrap_lines=True)
    st.code(permalink(embed=True, present=True), language=None, wrap_lines=True)
    st.markdown("**Embed in a slide or web page** (16:9, no sidebar)")
    st.code(f'<iframe src="{permalink(embed=True)}" width="1280" height="720" '
            f'style="border:0" loading="lazy"></iframe>', language="html", wrap_lines=True)
    st.download_button("Reproducibility manifest (JSON)", json.dumps(data, indent=2),
                       f"{page.slug}_manifest.json", "application/json")
    st.file_uploader("Restore a view from its manifest", type=["json"], key="_ui_manifest_file",
                     on_change=_restore_manifest)
    st.divider()
    teacher_menu(page)
