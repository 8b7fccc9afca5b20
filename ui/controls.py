"""URL-bound controls and tabs: slider, number, select, toggle, text_area, tabs, and presets.

Every control made here is bound to the URL parameter named by its key (`ui.state`): opening a URL
restores it, a bad URL value falls back to the default with a notice, a default stays out of the URL.
Keys are literal strings in the page's source, where the catalogue reads them.
"""
from __future__ import annotations

import math
from typing import Any, Callable, Mapping, Sequence

import streamlit as st

from demos.text import ascii_number
from ui.state import bind, publish, apply_preset, clear_notice, notify, run_state


def _number_parser(lo: float, hi: float, integer: bool, step: float | None) -> Callable[[str], Any]:
    def parse(raw: str) -> float | int:
        x = ascii_number(raw)  # ASCII digits only: 1_0, ١٠, ７ or 𝟓 get the notice, not a silent value
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
    bind(key, default, _number_parser(lo, hi, integer, step), f"a number from {lo} to {hi}")
    value = st.slider(label, lo, hi, step=step, key=key, help=help, format=format,
                      on_change=clear_notice, args=(key,))
    return publish(key, value, default)


def number(label: str, key: str, lo: int, hi: int, default: int, help: str | None = None) -> int:
    """A URL-bound integer input (seeds, indices)."""
    bind(key, default, _number_parser(lo, hi, True, None), f"a whole number from {lo} to {hi}")
    value = st.number_input(label, lo, hi, step=1, key=key, help=help, on_change=clear_notice, args=(key,))
    return publish(key, int(value), default)


def preset_buttons(presets: Mapping[str, Mapping[str, Any]], label: str | None = "Presets",
                   width: str = "content") -> None:
    """One button per preset (its name is its label); a click applies its values (`apply_preset`).
    `presets`: name -> {control key: value}, plain data kept in the page's demos module."""
    if label:
        st.caption(label)
    with st.container(horizontal=True, gap="small"):
        for name, values in presets.items():
            st.button(name, key=f"preset_{name}", on_click=apply_preset, args=(dict(values),),
                      type="tertiary", width=width)


def active_preset(presets: Mapping[str, Mapping[str, Any]]) -> str | None:
    """The preset whose values the controls hold now, if any."""
    return next((name for name, values in presets.items()
                 if values and all(st.session_state.get(k) == v for k, v in values.items())), None)


def select(label: str, key: str, options: Sequence[str], default: str | None = None,
           format_func: Callable[[str], str] = str, help: str | None = None,
           widget: str = "selectbox", on_change: Callable[[], None] | None = None,
           presets: Mapping[str, Mapping[str, Any]] | None = None) -> str:
    """A URL-bound choice among string options (the option itself goes in the URL).
    `widget`: "selectbox", "radio" or "segmented"; `on_change` runs when the user changes it;
    `presets` (option -> {control key: value}): choosing an option also sets those controls."""
    if presets:
        then = on_change

        def on_change() -> None:
            apply_preset(presets.get(st.session_state.get(key), {}))
            if then is not None:
                then()
    options = list(options)
    default = options[0] if default is None else default
    shown = ", ".join(options[:6]) + (", …" if len(options) > 6 else "")
    run_state().setdefault("options", {})[key] = options  # the raw choices, for manifests and tests
    bind(key, default, _choice_parser(options), f"one of {shown}")
    if st.session_state.get(key) not in options:  # e.g. an empty segmented control left by an interrupted run
        st.session_state[key] = default
    common = dict(key=key, format_func=format_func, help=help, on_change=clear_notice, args=(key, on_change))
    if widget == "radio":
        value = st.radio(label, options, horizontal=True, **common)
    elif widget == "segmented":
        value = st.segmented_control(label, options, required=True, **common)
    else:
        value = st.selectbox(label, options, **common)
    return publish(key, value if value in options else default, default)


def toggle(label: str, key: str, default: bool = False, help: str | None = None) -> bool:
    """A URL-bound on/off switch (1/0 in the URL)."""
    def parse(raw: str) -> bool:
        if raw.lower() in ("1", "true", "yes", "on"):
            return True
        if raw.lower() in ("0", "false", "no", "off"):
            return False
        raise ValueError(raw)

    bind(key, default, parse, "1 or 0")
    value = st.toggle(label, key=key, help=help, on_change=clear_notice, args=(key,))
    return publish(key, bool(value), default)


def text_area(label: str, key: str, default: str, height: int | None = None, help: str | None = None,
              max_chars: int | None = None, on_change: Callable[[], None] | None = None) -> str:
    """A URL-bound text area. Text longer than `max_chars` from a URL is cut, with a notice (keep
    `max_chars` small enough that the permalink stays a URL servers accept)."""
    def parse(raw: str) -> str:
        if max_chars and len(raw) > max_chars:
            notify(key, f"URL parameter `{key}` holds {len(raw):,} characters; kept the first {max_chars:,}.")
            return raw[:max_chars]
        return raw

    bind(key, default, parse, "text")
    value = st.text_area(label, key=key, height=height, help=help, max_chars=max_chars,
                         on_change=clear_notice, args=(key, on_change))
    return publish(key, value, default)


def tabs(key: str, labels: Sequence[str]) -> tuple[str, Any]:
    """URL-bound tabs that run lazily: returns (open tab's label, its container). Only the open
    tab's code needs to run, so expensive views cost nothing until someone opens them."""
    labels = list(labels)
    bind(key, labels[0], _choice_parser(labels), "one of " + ", ".join(labels))
    containers = st.tabs(labels, key=key, on_change=clear_notice, args=(key,))
    label = st.session_state.get(key) or labels[0]
    publish(key, label, labels[0])
    return label, containers[labels.index(label)]
