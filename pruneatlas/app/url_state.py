"""A page's choices live in its URL, so a copied link reopens the same view and a page change loses nothing.

Each page names its widget keys and the shape of each value. Before its widgets are drawn, `restore` gives
every widget its value: from the URL when the page was opened from a link, else from what this session last
chose on that page (Streamlit forgets the state of widgets that a page change takes off the screen), else
the page's default. After the widgets, `publish` writes the values into the URL (as JSON) and keeps a copy.
Widgets are then created without a default of their own, so nothing competes with the value set here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import streamlit as st

KEPT = "_url_state_kept"  # session key: {widget key: last value}, which outlives the widgets of other pages
Shape = type  # list (a multiselect), tuple (a pair or a range), or object (a single value)


def _decoded(text: str, shape: Shape) -> Any:
    value = json.loads(text)
    if isinstance(value, list):
        value = [tuple(v) if isinstance(v, list) else v for v in value]  # pairs of a multiselect of pairs
        return tuple(value) if shape is tuple else value
    return value


def restore(keys: Mapping[str, Shape], defaults: Mapping[str, Any] | None = None) -> None:
    """Give each widget key its value before the widget is drawn: URL, then this session's last, then default.

    A URL value that cannot be read is left out (the widget falls back), never an error for the reader.
    """
    kept = st.session_state.setdefault(KEPT, {})
    for key, shape in keys.items():
        if key in st.session_state:
            continue
        if key in st.query_params:
            try:
                st.session_state[key] = _decoded(st.query_params[key], shape)
                continue
            except (ValueError, TypeError):
                pass
        if key in kept:
            st.session_state[key] = kept[key]
        elif defaults and key in defaults:
            st.session_state[key] = defaults[key]


def publish(keys: Mapping[str, Shape]) -> None:
    """Write the page's current values into the URL (and nothing of other pages), and keep them for later."""
    kept = st.session_state.setdefault(KEPT, {})
    wanted = {}
    for key in keys:
        if key in st.session_state:
            value = st.session_state[key]
            kept[key] = value
            wanted[key] = json.dumps(list(value) if isinstance(value, tuple) else value, separators=(",", ":"))
    for key in [k for k in st.query_params if k not in wanted]:
        del st.query_params[key]
    for key, text in wanted.items():
        if st.query_params.get(key) != text:
            st.query_params[key] = text


def valid(key: str, options: list[Any], default: Any = None) -> None:
    """Drop from a widget's state what its options no longer hold (a link from an older atlas, another pair
    chosen): a multiselect keeps the values still offered, a single choice falls back to `default`."""
    if key not in st.session_state:
        return
    value = st.session_state[key]
    if isinstance(value, list):
        st.session_state[key] = [v for v in value if v in options]
    elif value not in options:
        if default is None:
            del st.session_state[key]
        else:
            st.session_state[key] = default


def within(key: str, low: int, high: int) -> None:
    """A range slider's state clamped to [low, high]; the whole range when it was the whole of the previous
    bounds (another pair chosen) or when unset."""
    bounds_key = f"_bounds_{key}"
    value, previous = st.session_state.get(key), st.session_state.get(bounds_key)
    st.session_state[bounds_key] = (low, high)
    if not (isinstance(value, tuple | list) and len(value) == 2) or tuple(value) == previous:
        st.session_state[key] = (low, high)
        return
    start, end = (min(max(int(v), low), high) for v in value)
    st.session_state[key] = (min(start, end), max(start, end))


def narrowed(value: tuple[int, int] | list[int], low: int, high: int) -> tuple[int, int] | None:
    """A range slider's value, or None when it spans the whole range (no filter to apply or to name)."""
    picked = (int(value[0]), int(value[1]))
    return None if picked == (low, high) else picked
