"""URL state: how a control is bound to the query string (`bind` before it is drawn, `publish`
after), notices for bad URL values, page-wide flags, and the view's parameters for permalinks.

Opening a URL restores the view; a garbage or out-of-range value falls back to the default with a
visible notice; defaults stay out of the URL. A page's parameters are read from its source
(`PageInfo.params`), so a control that the current view does not draw keeps its URL value without any
list written by hand. The controls themselves are in `ui.controls`.
"""
from __future__ import annotations

from typing import Any, Callable, Mapping

import streamlit as st

from demos.text import literal, quote

PRESENT_KEY = "present"  # ?present=1: presenter mode (prose hidden, big type, hero only)
RUN = "_ui_run"  # per-run bookkeeping in session_state: notice box, keys drawn, page
NOTICES = "_ui_url_notices"  # key -> message, kept until the user changes that widget


def is_embedded() -> bool:
    return bool(st.context.is_embedded)


def is_presenting() -> bool:
    return bool(st.session_state.get(PRESENT_KEY, False))


SLIDE_ROOM_PX = 505  # a 1280 x 720 slide below its title and key controls: the room a hero is sized for


def stage_scale() -> float:
    """On a slide that shows a lesson's beat bar, the share of a hero's usual height left for it (the
    charts and images shrink so that the slide still does not scroll; the bar's height: ui.lessons.bar_px);
    1 anywhere else."""
    run = run_state()
    if not is_presenting() or "beat_bar" not in run:
        return 1.0
    return max(SLIDE_ROOM_PX - run["beat_bar_px"], 200) / SLIDE_ROOM_PX


def run_state() -> dict:
    """This run's bookkeeping (created by the page setup)."""
    return st.session_state.setdefault(RUN, {"keys": set(), "known": set(), "notices": st.container()})


def notify(key: str, message: str) -> None:
    st.session_state.setdefault(NOTICES, {})[key] = message


def clear_notice(key: str, then: Callable[[], None] | None = None) -> None:
    """A control's on_change: its URL notice is answered; then the page's own callback, if any."""
    st.session_state.get(NOTICES, {}).pop(key, None)
    if then is not None:
        then()


def read_flag(key: str) -> tuple[bool, str | None]:
    """A page-level yes/no URL flag: (value, problem message or None). Garbage is removed."""
    raw = st.query_params.get(key)
    if raw is None or raw.lower() in ("0", "false", "no", "off"):
        return False, None
    if raw.lower() in ("1", "true", "yes", "on"):
        return True, None
    del st.query_params[key]
    return False, f"URL parameter “{literal(key)}={quote(raw)}” is not a yes/no value; ignored."


def bind(key: str, default: Any, parse: Callable[[str], Any], describe: str) -> None:
    """Before a widget is drawn: on first sight of `key` this session, take its value from the URL."""
    run_state()["keys"].add(key)
    if key in st.session_state:
        return
    raw = st.query_params.get(key)
    value = default
    if raw is not None:
        try:
            value = parse(raw)
        except (ValueError, TypeError, OverflowError):
            notify(key, f"URL parameter “{literal(key)}={quote(raw)}” is not valid ({describe}); "
                        f"using the default, {literal(repr(default))}.")
    st.session_state[key] = value


def publish(key: str, value: Any, default: Any) -> Any:
    """After a widget is drawn: write its value to the URL (defaults are left out)."""
    text = format_value(value)
    if value == default:
        if key in st.query_params:
            del st.query_params[key]
    elif st.query_params.get(key) != text:
        st.query_params[key] = text
    message = st.session_state.get(NOTICES, {}).get(key)
    if message:
        run_state()["notices"].warning(message, icon="🔗")
    return value


def format_value(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def apply_preset(values: Mapping[str, Any]) -> None:
    """Set controls (key -> value) as if the visitor had moved each one: they reach the URL on this
    rerun, and a URL notice on any of them is answered. The one way a page sets its own controls
    (preset buttons, "use these settings" buttons, a choice that brings its own settings)."""
    notices = st.session_state.get(NOTICES, {})
    for key, value in values.items():
        st.session_state[key] = value
        notices.pop(key, None)


def url_params() -> dict[str, str]:
    """Every state-defining parameter of this view: the controls drawn in this run (defaults
    included) and the URL values of the page's controls that this view does not draw."""
    run = run_state()
    drawn = {k: format_value(st.session_state[k]) for k in run["keys"] if k in st.session_state}
    kept = {k: st.query_params[k] for k in run["known"] - run["keys"] if k in st.query_params}
    return dict(sorted((drawn | kept).items()))


def check_unknown_params() -> None:
    """Warn about (and drop) URL parameters this page does not know (after all controls ran).
    Known: the page's own controls (read from its source), whether drawn in this view or not."""
    run = run_state()
    known = run["keys"] | run["known"] | {PRESENT_KEY}
    for key in [k for k in st.query_params.keys() if k not in known]:
        value = st.query_params.get(key, "")
        del st.query_params[key]
        run["notices"].warning(f"Unknown URL parameter “{quote(key)}={quote(value)}” ignored.", icon="🔗")
