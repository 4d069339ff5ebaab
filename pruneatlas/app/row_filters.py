"""Row filters shared by the pages: a plain spec, a pure function applying it, and the widgets that fill it.

The spec and `apply_filters` know nothing of Streamlit, so they are tested directly; `filter_widgets` only
turns widget values into a spec. Every multiselect starts empty, meaning "any".
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import cast

import pandas as pd
import streamlit as st

from pruneatlas.app import url_state

# (column, label) of the multiselect filters, in the order they are shown.
CHOICE_FILTERS: tuple[tuple[str, str], ...] = (
    ("architecture", "Architecture"),
    ("dataset", "Dataset"),
    ("method", "Method"),
    ("category", "Category"),
    ("granularity", "Granularity"),
    ("source_kind", "Source kind"),
    ("norm_metric", "Metric (error rates read as accuracies)"),
)
STRUCTURED_CHOICES = ("any", "structured", "unstructured")
NAME_COLUMNS = {"architecture": "architecture_name", "dataset": "dataset_name", "method": "method_name"}


@dataclass(frozen=True)
class FilterSpec:
    """What to keep; an empty choice or a None bound keeps everything."""

    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)
    structured: str = "any"
    years: tuple[int, int] | None = None
    include_sweep: bool = False
    min_params_reduction: float | None = None
    min_flops_reduction: float | None = None
    text: str = ""
    every_source: bool = False  # False: one row per published operating point (quotes of one number merged)

    def describe(self) -> str:
        """The filters in words, for a table's caption: 'architecture resnet56; dataset cifar10; >= 50 % FLOPs
        removed'."""
        parts = [f"{column.replace('_', ' ')} {', '.join(values)}" for column, values in self.choices.items() if values]
        parts += [f"{self.structured} only"] if self.structured != "any" else []
        parts += [f"years {self.years[0]}-{self.years[1]}"] if self.years else []
        parts += [f">= {self.min_params_reduction:g} % parameters removed"] if self.min_params_reduction else []
        parts += [f">= {self.min_flops_reduction:g} % FLOPs removed"] if self.min_flops_reduction else []
        parts += [f"text '{self.text.strip()}'"] if self.text.strip() else []
        parts += ["sweep rows included"] if self.include_sweep else []
        parts += ["every source's row"] if self.every_source else ["one row per published operating point"]
        return "; ".join(parts)


def apply_filters(frame: pd.DataFrame, spec: FilterSpec) -> pd.DataFrame:
    """The rows of `frame` that `spec` keeps, in their original order."""
    keep = pd.Series(True, index=frame.index)
    for column, values in spec.choices.items():
        if values:
            keep &= frame[column].isin(values)
    if spec.structured != "any":
        keep &= frame["structured"].eq(spec.structured == "structured").fillna(False).astype(bool)
    if spec.years is not None:
        keep &= frame["year"].between(*spec.years)
    if not spec.include_sweep:
        keep &= ~frame["sweep"].fillna(False).astype(bool)
    if not spec.every_source and "op_primary" in frame.columns:
        keep &= frame["op_primary"].fillna(True).astype(bool)
    for column, bound in (
        ("params_reduction_pct", spec.min_params_reduction),
        ("flops_reduction_pct", spec.min_flops_reduction),
    ):
        if bound:
            keep &= frame[column].ge(bound).fillna(False).astype(bool)
    if spec.text.strip():
        needle = spec.text.strip().lower()
        haystack = (
            frame["method_label"].fillna("") + " " + frame["paper_key"].fillna("") + " " + frame["title"].fillna("")
        )
        keep &= haystack.str.lower().str.contains(needle, regex=False)
    return frame[keep]


def exact_first(options: list[str], labels: dict[str, str]) -> list[str]:
    """`options` in order, except that an option comes before every other whose label contains its id: the
    filter keeps this order, so typing "resnet56" and Enter picks ResNet-56, not a label that merely contains it."""
    lowered = {option: labels.get(option, option).lower() for option in options}
    every_label = "\n".join(lowered.values())  # one search finds the few ids that another label contains
    ordered = list(options)
    for option in options:
        needle = option.lower()
        if every_label.count(needle) <= lowered[option].count(needle):
            continue
        containing = [i for i, other in enumerate(ordered) if other != option and needle in lowered[other]]
        if containing and containing[0] < ordered.index(option):
            ordered.remove(option)
            ordered.insert(containing[0], option)
    return ordered


def _options(frame: pd.DataFrame, column: str, labels: dict[str, str] | None = None) -> list[str]:
    return exact_first(sorted(str(v) for v in frame[column].dropna().unique()), labels or {})


def display_names(frame: pd.DataFrame, column: str) -> dict[str, str]:
    """id -> "Name (id)" for vocabulary columns, so a filter reads like the paper but keys on the id."""
    name_column = NAME_COLUMNS.get(column)
    if name_column is None or name_column not in frame.columns:
        return {}
    pairs = frame[[column, name_column]].dropna().drop_duplicates(column)
    return {ident: f"{name} ({ident})" for ident, name in zip(pairs[column], pairs[name_column], strict=True)}


def _shown(names: dict[str, str], value: str) -> str:
    return names.get(value, value)


def filter_keys(key: str, extra: bool = True) -> dict[str, type]:
    """The widget keys `filter_widgets` draws under `key`, with the shape of their values (for the URL)."""
    keys: dict[str, type] = {f"{key}-{column}": list for column, _ in CHOICE_FILTERS}
    keys |= {f"{key}-structured": object, f"{key}-years": tuple, f"{key}-sweep": object, f"{key}-every-source": object}
    if extra:
        keys |= {f"{key}-min-params": object, f"{key}-min-flops": object, f"{key}-text": object}
    return keys


def filter_widgets(frame: pd.DataFrame, key: str, extra: bool = True) -> FilterSpec:
    """Widgets for every filter (in the current container); `key` keeps pages' choices apart. Their values come
    from `url_state.restore` (the URL or this session), so no widget here sets a default of its own."""
    choices = {}
    for column, label in CHOICE_FILTERS:
        names = display_names(frame, column)
        options = _options(frame, column, names)
        url_state.valid(f"{key}-{column}", options)
        picked = st.multiselect(
            label,
            options,
            key=f"{key}-{column}",
            placeholder="any",
            format_func=functools.partial(_shown, names),
            filter_mode="contains",  # typed text must appear as typed: "cifar10" is not "c...i...f...a...r...1...0"
            select_all=False,  # else Enter after typing picks "select all matches": cifar10 would bring CIFAR-100
        )
        choices[column] = tuple(picked)
    url_state.valid(f"{key}-structured", list(STRUCTURED_CHOICES), "any")
    structured = st.radio("Structured", STRUCTURED_CHOICES, horizontal=True, key=f"{key}-structured")
    years = None
    if len(frame) and frame["year"].nunique() > 1:
        low, high = int(frame["year"].min()), int(frame["year"].max())
        url_state.within(f"{key}-years", low, high)
        years = url_state.narrowed(cast("tuple[int, int]", st.slider("Year", low, high, key=f"{key}-years")), low, high)
    sweep_rows = int(frame["sweep"].fillna(False).astype(bool).sum()) if len(frame) else 0
    include_sweep = st.toggle(
        f"Include sweep rows ({sweep_rows})",
        key=f"{key}-sweep",
        help="Points of a hyper-parameter grid (e.g. Gale et al.'s ResNet-50 runs), not chosen operating points.",
    )
    every_source = st.toggle(
        "Every source's row",
        key=f"{key}-every-source",
        help="Off: one row per published operating point, however many papers quote it ('Quoted by').",
    )
    spec = FilterSpec(
        choices=choices, structured=structured, years=years, include_sweep=include_sweep, every_source=every_source
    )
    if not extra:
        return spec
    min_params = st.number_input("At least % params removed", min_value=0.0, max_value=100.0, step=5.0,
                                 key=f"{key}-min-params")  # fmt: skip
    min_flops = st.number_input("At least % FLOPs removed", min_value=0.0, max_value=100.0, step=5.0,
                                key=f"{key}-min-flops")  # fmt: skip
    text = st.text_input("Search label, paper key or title", key=f"{key}-text")
    return FilterSpec(
        choices=choices,
        structured=structured,
        years=years,
        include_sweep=include_sweep,
        min_params_reduction=min_params or None,
        min_flops_reduction=min_flops or None,
        text=text,
        every_source=every_source,
    )
