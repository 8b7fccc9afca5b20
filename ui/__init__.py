"""The one shared module that imports streamlit: page setup, navigation, URL state, cached loaders,
uploads, chart captions, "Key ideas" and "Show the code". Pages call these; demos never see a widget.

URL state: every widget made through this module (`slider`, `select`, `number`, `toggle`) is
mirrored in the query string under its key. Opening a URL restores the view; a garbage or
out-of-range value falls back to the default with a visible notice. Defaults stay out of the URL.
"""
from __future__ import annotations

import inspect
import json
import math
import textwrap
import time
from typing import Any, Callable, Sequence

import plotly.graph_objects as go
import streamlit as st
from PIL import Image

from demos import images
from ui.catalogue import PageInfo, by_section, find

PRESENT_KEY = "present"  # ?present=1: presenter mode (prose hidden, big type, hero only)
_RUN = "_ui_run"  # per-run bookkeeping in session_state: notice box, keys seen this run
_NOTICES = "_ui_url_notices"  # key -> message, kept until the user changes that widget
_PAGE = "_ui_page"  # slug of the page this session is on (for the manifest restore callback)
MANIFEST = "_ui_manifest"  # the current view's reproducibility manifest (also read by tests)

_PRESENTER_CSS = """<style>
html, .stApp { font-size: 21px; }
.stApp h1 { font-size: 2.2rem; padding-top: 0; } .stApp h2, .stApp h3 { font-size: 1.6rem; }
[data-testid="stHeader"], [data-testid="stToolbar"] { display: none; }
.block-container, [data-testid="stMainBlockContainer"] { padding-top: 1.5rem; padding-bottom: 0; }
</style>"""
_EMBED_CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"] { display: none; }
.block-container, [data-testid="stMainBlockContainer"] { padding-top: 1.5rem; }
</style>"""


# ---------------------------------------------------------------- page setup and navigation
def is_embedded() -> bool:
    return bool(st.context.is_embedded)


def is_presenting() -> bool:
    return bool(st.session_state.get(PRESENT_KEY, False))


def page_setup(file: str) -> PageInfo:
    """First call of every page: config, embed/presenter handling, grouped sidebar navigation, title
    (with a Share menu beside it, filled in once the page's controls have run)."""
    page = find(file)
    _start_page(page.title, page.icon)
    title, share = st.columns([9, 1], vertical_alignment="bottom")
    title.title(f"{page.icon} {page.title}")
    st.session_state[_RUN] |= {"page": page, "share": share}
    st.session_state[_PAGE] = page.slug
    return page


def home_setup() -> None:
    _start_page("Deep-learning concept gallery", "🧠")


def _start_page(title: str, icon: str) -> None:
    embedded = is_embedded()
    st.set_page_config(page_title=title, page_icon=icon, layout="wide",
                       initial_sidebar_state="collapsed" if embedded else "auto")
    notices = st.container()
    st.session_state[_RUN] = {"notices": notices, "keys": {PRESENT_KEY}}
    present, problem = _read_flag(PRESENT_KEY)
    if problem:
        notices.warning(problem, icon="🔗")
    st.session_state[PRESENT_KEY] = present
    if embedded:
        st.html(_EMBED_CSS)  # our own constant CSS (style-only html takes no space on the page)
    else:
        sidebar_navigation()
    if present:
        st.html(_PRESENTER_CSS)


def sidebar_navigation() -> None:
    """Grouped navigation from the catalogue (Streamlit's own file list is switched off)."""
    with st.sidebar:
        st.page_link("streamlit_app.py", label="Gallery home", icon="🏠")
        for section, pages in by_section().items():
            st.caption(section.upper())
            for page in pages:
                st.page_link(page.file, label=page.title, icon=page.icon)


def more_controls(slot):
    """Where a page's secondary controls go: a container below the key controls normally, a
    "More controls" popover in `slot` (e.g. the key row's last column) in presenter mode."""
    return slot.popover("⚙️ More") if is_presenting() else st.container()


def prose(markdown: str) -> None:
    """Explanatory text: shown normally, hidden in presenter mode."""
    if not is_presenting():
        st.markdown(markdown)


def end_of_hero() -> None:
    """Call right after the hero visual: in presenter mode the page ends here (nothing below)."""
    if is_presenting():
        _finish_page()
        st.stop()


# ---------------------------------------------------------------- URL state
def _notify(key: str, message: str) -> None:
    st.session_state.setdefault(_NOTICES, {})[key] = message


def _clear_notice(key: str) -> None:
    st.session_state.get(_NOTICES, {}).pop(key, None)


def _read_flag(key: str) -> tuple[bool, str | None]:
    """A page-level yes/no URL flag: (value, problem message or None). Garbage is removed."""
    raw = st.query_params.get(key)
    if raw is None or raw.lower() in ("0", "false", "no", "off"):
        return False, None
    if raw.lower() in ("1", "true", "yes", "on"):
        return True, None
    del st.query_params[key]
    return False, f"URL parameter `{key}={_quote(raw)}` is not a yes/no value; ignored."


def _quote(raw: str) -> str:
    short = raw if len(raw) <= 40 else raw[:40] + "…"
    return short.encode("unicode_escape").decode("ascii").replace("`", "'")


def _bind(key: str, default: Any, parse: Callable[[str], Any], describe: str) -> None:
    """Before a widget is drawn: on first sight of `key` this session, take its value from the URL."""
    st.session_state[_RUN]["keys"].add(key)
    if key in st.session_state:
        return
    raw = st.query_params.get(key)
    value = default
    if raw is not None:
        try:
            value = parse(raw)
        except (ValueError, TypeError, OverflowError):
            _notify(key, f"URL parameter `{key}={_quote(raw)}` is not valid ({describe}); "
                         f"using the default, {default!r}.")
    st.session_state[key] = value


def _publish(key: str, value: Any, default: Any) -> Any:
    """After a widget is drawn: write its value to the URL (defaults are left out)."""
    text = _format(value)
    if value == default:
        if key in st.query_params:
            del st.query_params[key]
    elif st.query_params.get(key) != text:
        st.query_params[key] = text
    message = st.session_state.get(_NOTICES, {}).get(key)
    if message:
        st.session_state[_RUN]["notices"].warning(message, icon="🔗")
    return value


def _format(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def _number_parser(lo: float, hi: float, integer: bool, step: float | None) -> Callable[[str], Any]:
    def parse(raw: str) -> float | int:
        x = float(raw)
        if not math.isfinite(x) or not lo <= x <= hi:
            raise ValueError(raw)
        if integer:
            if x != int(x):
                raise ValueError(raw)
            return int(x)
        if step:  # snap to the slider's grid so the widget accepts it
            x = lo + round((x - lo) / step) * step
            x = round(min(max(x, lo), hi), 10)
        return x
    return parse


def slider(label: str, key: str, lo: float, hi: float, default: float, step: float | None = None,
           help: str | None = None, format: str | None = None) -> Any:
    """A URL-bound numeric slider; ints if `lo`, `hi`, `default` are all ints."""
    integer = all(isinstance(v, int) for v in (lo, hi, default)) and (step is None or isinstance(step, int))
    _bind(key, default, _number_parser(lo, hi, integer, step), f"a number from {lo} to {hi}")
    value = st.slider(label, lo, hi, step=step, key=key, help=help, format=format,
                      on_change=_clear_notice, args=(key,))
    return _publish(key, value, default)


def number(label: str, key: str, lo: int, hi: int, default: int, help: str | None = None) -> int:
    """A URL-bound integer input (seeds, indices)."""
    _bind(key, default, _number_parser(lo, hi, True, None), f"a whole number from {lo} to {hi}")
    value = st.number_input(label, lo, hi, step=1, key=key, help=help,
                            on_change=_clear_notice, args=(key,))
    return _publish(key, int(value), default)


def select(label: str, key: str, options: Sequence[str], default: str | None = None,
           format_func: Callable[[str], str] = str, help: str | None = None,
           widget: str = "selectbox") -> str:
    """A URL-bound choice among string options (the option itself goes in the URL).
    `widget`: "selectbox", "radio" or "segmented"."""
    options = list(options)
    default = options[0] if default is None else default

    def parse(raw: str) -> str:
        if raw not in options:
            raise ValueError(raw)
        return raw

    shown = ", ".join(options[:6]) + (", …" if len(options) > 6 else "")
    _bind(key, default, parse, f"one of {shown}")
    common = dict(key=key, format_func=format_func, help=help, on_change=_clear_notice, args=(key,))
    if widget == "radio":
        value = st.radio(label, options, horizontal=True, **common)
    elif widget == "segmented":
        value = st.segmented_control(label, options, required=True, **common)
    else:
        value = st.selectbox(label, options, **common)
    return _publish(key, value, default)


def toggle(label: str, key: str, default: bool = False, help: str | None = None) -> bool:
    """A URL-bound on/off switch (1/0 in the URL)."""
    def parse(raw: str) -> bool:
        if raw.lower() in ("1", "true", "yes", "on"):
            return True
        if raw.lower() in ("0", "false", "no", "off"):
            return False
        raise ValueError(raw)

    _bind(key, default, parse, "1 or 0")
    value = st.toggle(label, key=key, help=help, on_change=_clear_notice, args=(key,))
    return _publish(key, bool(value), default)


def text(label: str, key: str, default: str, height: int | None = None, help: str | None = None) -> str:
    """A URL-bound text area (any text is valid; the page decides what is too long)."""
    _bind(key, default, str, "text")
    value = st.text_area(label, key=key, height=height, help=help, on_change=_clear_notice, args=(key,))
    return _publish(key, value, default)


def tabs(key: str, labels: Sequence[str]) -> tuple[str, Any]:
    """URL-bound tabs that run lazily: returns (open tab's label, its container). Only the open
    tab's code needs to run, so expensive views cost nothing until someone opens them."""
    labels = list(labels)

    def parse(raw: str) -> str:
        if raw not in labels:
            raise ValueError(raw)
        return raw

    _bind(key, labels[0], parse, "one of " + ", ".join(labels))
    containers = st.tabs(labels, key=key, on_change=_clear_notice, args=(key,))
    label = st.session_state.get(key) or labels[0]
    _publish(key, label, labels[0])
    return label, containers[labels.index(label)]


def skip(*keys: str) -> None:
    """Declare controls of this page that the current view does not draw: their URL values are
    kept (for when the view comes back) and not reported as unknown."""
    st.session_state[_RUN]["keys"].update(keys)


def url_params() -> dict[str, str]:
    """Every state-defining parameter of this run (defaults included), for manifests and links."""
    keys = st.session_state[_RUN]["keys"]
    return {k: _format(st.session_state[k]) for k in sorted(keys) if k in st.session_state}


def check_unknown_params() -> None:
    """Warn about (and drop) URL parameters this page does not know (after all controls ran)."""
    known = st.session_state[_RUN]["keys"]
    for key in [k for k in st.query_params.keys() if k not in known]:
        value = st.query_params.get(key, "")
        del st.query_params[key]
        st.session_state[_RUN]["notices"].warning(
            f"Unknown URL parameter `{_quote(key)}={_quote(value)}` ignored.", icon="🔗")


# ---------------------------------------------------------------- cached loaders (read-only!)
@st.cache_resource(show_spinner="Loading model…")
def model(name: str):
    """A registry model shared by every session: never mutate it (no hooks, no .train())."""
    from models import load_pretrained

    return load_pretrained(name)


@st.cache_resource(show_spinner="Loading digits…")
def mnist():
    from models.data import mnist_split

    return mnist_split()


@st.cache_resource(show_spinner="Loading the fast style network…")
def fast_style():
    """Magenta's arbitrary-style networks (onnxruntime sessions, shared and read-only)."""
    from models.fast_style import load_fast_style

    return load_fast_style()


@st.cache_resource(show_spinner="Loading MiniLM…")
def text_model():
    """(tokenizer, model) of all-MiniLM-L6-v2, eager attention; shared and read-only."""
    from models.registry import load_text_model

    return load_text_model()


@st.cache_resource(show_spinner=False)
def photo(name: str) -> Image.Image:
    return images.photo(name)


@st.cache_resource(show_spinner=False)
def _results() -> dict:
    return {}


def computed(label: str, fn: Callable[..., Any], *args: Any) -> Any:
    """`fn(*args, on_progress=...)` computed once per distinct `args` for all sessions, with a progress
    bar and a time estimate while it runs (the toolbar's Stop button interrupts it).
    `args` must be hashable plain values (names, numbers), like st.cache_data keys."""
    store, key = _results(), (fn.__module__, fn.__qualname__, *args)
    if key not in store:
        bar = st.progress(0.0, text=f"{label}…")
        start = time.time()

        def on_progress(fraction: float) -> None:
            spent = time.time() - start
            eta = spent / fraction - spent if fraction > 0 else float("nan")
            bar.progress(min(fraction, 1.0), text=f"{label}: {fraction:.0%} · about {eta:.0f} s left")

        result = fn(*args, on_progress=on_progress)
        bar.empty()
        if len(store) >= 64:  # bounded: drop the oldest entry
            store.pop(next(iter(store)))
        store[key] = result
    return store[key]


_STOPPED = "_ui_stopped"  # run key -> last snapshot, for runs the user stopped
_LATEST = "_ui_latest"  # (run key, latest snapshot) of the run in progress


def _request_stop(key: tuple) -> None:
    latest = st.session_state.get(_LATEST)
    if latest and latest[0] == key:
        st.session_state.setdefault(_STOPPED, {})[key] = latest[1]


def _forget_stop(key: tuple) -> None:
    st.session_state.get(_STOPPED, {}).pop(key, None)


def run_stoppable(key: tuple, run: Callable[[], Any], show: Callable[[Any, bool], None],
                  label: str = "Stop") -> tuple[Any, bool]:
    """Iterate the generator `run()` once per `key` (hashable plain values; the final snapshot is
    shared by all sessions), calling `show(snapshot, finished)` on every snapshot. A Stop button
    interrupts the run and keeps the last snapshot. Returns (snapshot, finished)."""
    store = _results()
    if ("stoppable", key) in store:
        show(store[("stoppable", key)], True)
        return store[("stoppable", key)], True
    stopped = st.session_state.get(_STOPPED, {})
    if key in stopped:
        show(stopped[key], False)
        st.button("▶ Run to the end", on_click=_forget_stop, args=(key,))
        return stopped[key], False
    st.button(f"⏹ {label}", on_click=_request_stop, args=(key,), help="Keeps the best image so far")
    snapshot = None
    for snapshot in run():
        st.session_state[_LATEST] = (key, snapshot)
        show(snapshot, False)
    if snapshot is not None:
        store[("stoppable", key)] = snapshot
        show(snapshot, True)
    return snapshot, True


def model_input(digits: bool, source: str, digit: int = 0, index: int = 0, photo_name: str = "coffee",
                prompt: str = "Upload a picture to use it.") -> tuple:
    """The image a page feeds its model: an upload (made into a 28×28 digit or a 224-px photo), the
    `index`-th held-out example of `digit`, or a bundled photo. Returns (x (1, C, H, W) in [0, 1],
    true label or None); stops the page with `prompt` while an upload is missing."""
    if source == "upload":
        picture = image_upload("Upload an image", "upload")
        if picture is None:
            st.info(prompt)
            st.stop()
        return (images.digit_input(picture) if digits else images.photo_input(picture)), None
    if digits:
        data = mnist()
        row = int((data.test_labels == digit).nonzero()[index])
        return data.test_images[row:row + 1], str(digit)
    return images.photo_input(photo(photo_name)), None


def image_upload(label: str, key: str, help: str | None = None) -> Image.Image | None:
    """An image uploader that never raises: a bad file gets a clear message and None."""
    file = st.file_uploader(label, type=["png", "jpg", "jpeg", "gif", "bmp", "webp", "tif", "tiff"],
                            key=key, help=help or f"Any image up to {images.MAX_UPLOAD_MB} MB.")
    if file is None:
        return None
    try:
        return images.load_image(file.getvalue())
    except images.ImageError as err:
        st.error(f"Could not use **{_quote(file.name)}**: {err}", icon="🚫")
        return None


# ---------------------------------------------------------------- figures and teaching blocks
def chart(fig: go.Figure, summary: str, key: str | None = None, export: str | None = None) -> None:
    """A Plotly figure with its one-line text summary underneath (what a presenter would say).
    PNG export is in the chart's own toolbar; `export` (a file stem) adds its numbers as JSON."""
    if key is None:  # identical figures (e.g. two equal top-5 charts) need distinct element ids
        run = st.session_state[_RUN]
        run["charts"] = run.get("charts", 0) + 1
        key = f"chart_{run['charts']}"
    st.plotly_chart(fig, key=key, config={"displaylogo": False, "toImageButtonOptions": {"scale": 2}})
    if not is_presenting():  # on a slide the presenter says it; the chart keeps its alt text
        st.caption(summary)
        if export:
            from demos.plots import figure_numbers

            st.download_button("⬇ Numbers (JSON)", json.dumps(figure_numbers(fig)), f"{export}.json",
                               "application/json", key=f"{key}_export", type="tertiary")


def prediction_panel(title: str, image, top5: Sequence[tuple[str, float]],
                     truth: str | None = None, note: str = "", height: int = 260) -> None:
    """An image (tensor (1, C, H, W) in [0, 1]) above its top-5 bars, each with a summary line."""
    from demos import plots

    best, p = top5[0]
    if is_presenting():
        height = min(height, 190)
    chart(plots.image_figure(images.to_image(image), title, height=height),
          f"{title}: the model says “{best}” ({p:.0%}){note}.")
    chart(plots.topk_bars([n for n, _ in top5], [q for _, q in top5], highlight=truth,
                          height=170 if is_presenting() else 220),
          f"Top-5 classes for the {title.lower()} image" + (f"; the true class (orange) is {truth}." if truth else "."))


def key_ideas(formula: str, takeaways: Sequence[str], questions: Sequence[str] = (),
              corrections: Sequence[tuple[str, str]] = ()) -> None:
    """The teaching block: core formula (LaTeX), interview takeaways, seed questions, corrections."""
    if is_presenting():
        return
    st.header("Key ideas")
    st.latex(formula)
    st.markdown("\n".join(f"- {t}" for t in takeaways))
    if questions:
        st.markdown("**Questions this page answers:** " + " · ".join(questions))
    if corrections:
        st.subheader("Common mistakes, corrected")
        for claim, fix in corrections:
            st.markdown(f"- ~~{claim}~~ — {fix}")


def show_code(*objects: Any) -> None:
    """The last call of every page: the source of the demo functions it used, in an expander;
    then the URL check and the Share menu (once every control has been drawn)."""
    _finish_page()
    if is_presenting():
        return
    with st.expander("Show the code"):
        for obj in objects:
            st.code(textwrap.dedent(inspect.getsource(obj)), language="python")


def download_json(label: str, data: dict, file_name: str) -> None:
    st.download_button(label, json.dumps(data, indent=2), file_name=file_name, mime="application/json")


# ---------------------------------------------------------------- sharing: link, embed, manifest
def permalink(embed: bool = False) -> str:
    """The URL of this exact view (non-default parameters are already mirrored in the query)."""
    from urllib.parse import urlencode, urlsplit

    base = urlsplit(st.context.url or "http://localhost:8501/")
    path = base.path if base.path.strip("/") else f"/{st.session_state.get(_PAGE, '')}"
    params = dict(st.query_params.to_dict()) | ({"embed": "true"} if embed else {})
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

    return {"page": page.slug, "title": page.title, "params": url_params(),
            "models": {name: weights_digest(name) for name in page.models},
            "versions": {"python": platform.python_version()} | {p: ver(p) for p in (
                "streamlit", "torch", "torchvision", "numpy", "plotly", "transformers", "onnxruntime")},
            "url": permalink()}


def _restore_manifest() -> None:
    """Upload callback: put a manifest's parameters in the URL and forget the widgets' state, so the
    rerun binds every control to the manifest's values."""
    upload = st.session_state.get("_ui_manifest_file")
    if upload is None:
        return
    try:
        data = json.loads(upload.getvalue())
        params = {str(k): str(v) for k, v in data["params"].items()}
        if data["page"] != st.session_state.get(_PAGE):
            raise ValueError(f"it is a manifest of the page “{data['page']}”")
    except (ValueError, KeyError, TypeError, AttributeError) as err:
        _notify("_manifest", f"Could not restore that manifest: {str(err)[:120] or 'not a manifest'}.")
        return
    for key in params:
        st.session_state.pop(key, None)
    st.query_params.from_dict(params)


def _finish_page() -> None:
    run = st.session_state[_RUN]
    check_unknown_params()
    problem = st.session_state.get(_NOTICES, {}).pop("_manifest", None)
    if problem:
        run["notices"].warning(problem, icon="📄")
    if "page" not in run:
        return
    st.session_state[MANIFEST] = data = manifest(run["page"])
    if is_embedded() or is_presenting():
        return
    with run["share"].popover("🔗 Share", width="stretch"):
        st.markdown("**Link to this exact view** (controls, seed and tab included)")
        st.code(permalink(), language=None, wrap_lines=True)
        st.markdown("**Embed in a slide or web page** (16:9, no sidebar)")
        st.code(f'<iframe src="{permalink(embed=True)}" width="1280" height="720" '
                f'style="border:0" loading="lazy"></iframe>', language="html", wrap_lines=True)
        st.download_button("Reproducibility manifest (JSON)", json.dumps(data, indent=2),
                           f"{run['page'].slug}_manifest.json", "application/json")
        st.file_uploader("Restore a view from its manifest", type=["json"], key="_ui_manifest_file",
                         on_change=_restore_manifest)
