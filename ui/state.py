"""URL state: widgets and tabs mirrored in the query string, and page-wide flags.

Every control made here is bound to the URL parameter named by its key. Opening a URL restores the
view; a garbage or out-of-range value falls back to the default with a visible notice; defaults stay
out of the URL. A page's parameters are read from its source (`PageInfo.params`), so a control that
the current view does not draw keeps its URL value without any list written by hand.
"""
from __future__ import annotations

import math
from typing import Any, Callable, Sequence

import streamlit as st

PRESENT_KEY = "present"  # ?present=1: presenter mode (prose hidden, big type, hero only)
RUN = "_ui_run"  # per-run bookkeeping in session_state: notice box, keys drawn, page
NOTICES = "_ui_url_notices"  # key -> message, kept until the user changes that widget


def is_embedded() -> bool:
    return bool(st.context.is_embedded)


def is_presenting() -> bool:
    return bool(st.session_state.get(PRESENT_KEY, False))


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


def quote(raw: str) -> str:
    """A user-supplied string made safe and short for a message."""
    short = raw if len(raw) <= 40 else raw[:40] + "…"
    return short.encode("unicode_escape").decode("ascii").replace("`", "'")


def read_flag(key: str) -> tuple[bool, str | None]:
    """A page-level yes/no URL flag: (value, problem message or None). Garbage is removed."""
    raw = st.query_params.get(key)
    if raw is None or raw.lower() in ("0", "false", "no", "off"):
        return False, None
    if raw.lower() in ("1", "true", "yes", "on"):
        return True, None
    del st.query_params[key]
    return False, f"URL parameter `{key}={quote(raw)}` is not a yes/no value; ignored."


def _bind(key: str, default: Any, parse: Callable[[str], Any], describe: str) -> None:
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
            notify(key, f"URL parameter `{key}={quote(raw)}` is not valid ({describe}); "
                        f"using the default, {default!r}.")
    st.session_state[key] = value


def _publish(key: str, value: Any, default: Any) -> Any:
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


def _choice_parser(options: Sequence[str]) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        if raw not in options:
            raise ValueError(raw)
        return raw
    return parse


def slider(label: str, key: str, lo: float, hi: float, default: float, step: float | None = None,
           help: str | None = None, format: str | None = None) -> Any:
    """A URL-bound numeric slider; ints if `lo`, `hi`, `default` are all ints."""
    integer = all(isinstance(v, int) for v in (lo, hi, default)) and (step is None or isinstance(step, int))
    _bind(key, default, _number_parser(lo, hi, integer, step), f"a number from {lo} to {hi}")
    value = st.slider(label, lo, hi, step=step, key=key, help=help, format=format,
                      on_change=clear_notice, args=(key,))
    return _publish(key, value, default)


def number(label: str, key: str, lo: int, hi: int, default: int, help: str | None = None) -> int:
    """A URL-bound integer input (seeds, indices)."""
    _bind(key, default, _number_parser(lo, hi, True, None), f"a whole number from {lo} to {hi}")
    value = st.number_input(label, lo, hi, step=1, key=key, help=help, on_change=clear_notice, args=(key,))
    return _publish(key, int(value), default)


def select(label: str, key: str, options: Sequence[str], default: str | None = None,
           format_func: Callable[[str], str] = str, help: str | None = None,
           widget: str = "selectbox", on_change: Callable[[], None] | None = None) -> str:
    """A URL-bound choice among string options (the option itself goes in the URL).
    `widget`: "selectbox", "radio" or "segmented"; `on_change` runs when the user changes it."""
    options = list(options)
    default = options[0] if default is None else default
    shown = ", ".join(options[:6]) + (", …" if len(options) > 6 else "")
    run_state().setdefault("options", {})[key] = options  # the raw choices, for manifests and tests
    _bind(key, default, _choice_parser(options), f"one of {shown}")
    common = dict(key=key, format_func=format_func, help=help, on_change=clear_notice, args=(key, on_change))
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
    value = st.toggle(label, key=key, help=help, on_change=clear_notice, args=(key,))
    return _publish(key, bool(value), default)


def text_area(label: str, key: str, default: str, height: int | None = None, help: str | None = None,
              max_chars: int | None = None, on_change: Callable[[], None] | None = None) -> str:
    """A URL-bound text area. Text longer than `max_chars` from a URL is cut, with a notice (keep
    `max_chars` small enough that the permalink stays a URL servers accept)."""
    def parse(raw: str) -> str:
        if max_chars and len(raw) > max_chars:
            notify(key, f"URL parameter `{key}` holds {len(raw):,} characters; kept the first {max_chars:,}.")
            return raw[:max_chars]
        return raw

    _bind(key, default, parse, "text")
    value = st.text_area(label, key=key, height=height, help=help, max_chars=max_chars,
                         on_change=clear_notice, args=(key, on_change))
    return _publish(key, value, default)


def tabs(key: str, labels: Sequence[str]) -> tuple[str, Any]:
    """URL-bound tabs that run lazily: returns (open tab's label, its container). Only the open
    tab's code needs to run, so expensive views cost nothing until someone opens them."""
    labels = list(labels)
    _bind(key, labels[0], _choice_parser(labels), "one of " + ", ".join(labels))
    containers = st.tabs(labels, key=key, on_change=clear_notice, args=(key,))
    label = st.session_state.get(key) or labels[0]
    _publish(key, label, labels[0])
    return label, containers[labels.index(label)]


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
        run["notices"].warning(f"Unknown URL parameter `{quote(key)}={quote(value)}` ignored.", icon="🔗")
