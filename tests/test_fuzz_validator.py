"""Mutated real paper files never crash the validator, and every problem names its file, result and field.

The fast variant runs in CI; `pytest -m slow` runs the full 10,000 mutations.
"""

from __future__ import annotations

import copy
import math
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pruneatlas import paths
from pruneatlas.checks import FileContext, resolve_paper
from pruneatlas.loader import parse_paper
from pruneatlas.problems import Problem
from pruneatlas.safe_yaml import YamlError, dump_yaml, load_yaml_file, load_yaml_text
from pruneatlas.vocab import load_vocabularies

VOCAB = load_vocabularies()
SEEDS = sorted(paths.PAPERS.glob("*.yaml"), key=lambda p: p.stat().st_size)[:12]
NAME = "Fuzzed2024File.yaml"

weird_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([1e308, -1e308, 5e-324, math.nan, math.inf, -0.0, 10**400]),
    st.text(max_size=40),
    st.sampled_from(["", " ", "ñ", "🙂", "\u202e", "NaN", ".inf", ">", "~", "0.85M", "1e999G", "-5", "93.26%"]),
)
weird_values = st.recursive(
    weird_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=6,
)


def _paths(data: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _paths(value, (*prefix, index))
    return found


@st.composite
def mutated(draw: st.DrawFn) -> str:
    """The YAML text of a real paper file with one to three mutations."""
    data = copy.deepcopy(load_yaml_file(draw(st.sampled_from(SEEDS))))
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(_paths(data)))
        *parent_path, last = path or (None,)
        parent = data
        for step in parent_path:
            parent = parent[step]
        kind = draw(st.sampled_from(["replace", "delete", "extra", "deep"]))
        if not path:
            data = draw(weird_values)
            break
        if kind == "replace":
            parent[last] = draw(weird_values)
        elif kind == "delete" and isinstance(parent, dict):
            del parent[last]
        elif kind == "delete" and isinstance(parent, list):
            parent.pop(last)
        elif kind == "extra" and isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=12))] = draw(weird_values)
        else:
            parent[last] = f"DEEP-{draw(st.integers(10, 600))}"
    text = re.sub(r"'?DEEP-(\d+)'?", lambda m: "[" * int(m.group(1)) + "1" + "]" * int(m.group(1)), dump_yaml(data))
    if draw(st.booleans()):
        lines = text.splitlines(keepends=True)
        keyed = [i for i, line in enumerate(lines) if re.match(r"^\s*(- )?[A-Za-z_]+:", line)]
        if keyed:
            i = draw(st.sampled_from(keyed))
            lines.insert(i, lines[i].replace("- ", "  ", 1) if lines[i].lstrip().startswith("- ") else lines[i])
            text = "".join(lines)
    return text


def check(text: str) -> list[Problem]:
    """The single-file checks the validator runs, with the file's name taken as its key."""
    try:
        raw = load_yaml_text(text, NAME)
    except YamlError as exc:
        return [Problem(NAME, "-", "(file)", str(exc))]
    paper, problems = parse_paper(raw, NAME)
    if paper is None:
        return problems
    return resolve_paper(paper, VOCAB, FileContext(NAME, paper.key, False, frozenset()))[1]


def assert_well_formed(problems: list[Problem]) -> None:
    for problem in problems:
        assert problem.file == NAME and problem.result and problem.field and problem.message, problem
        prefix = "warning: " if problem.severity == "warning" else ""
        assert str(problem).startswith(f"{prefix}{NAME}: {problem.result}: {problem.field}: ")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(text=mutated())
def test_mutated_files_give_located_problems_not_crashes(text: str):
    assert_well_formed(check(text))


@pytest.mark.slow
@settings(max_examples=10_000, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(text=mutated())
def test_ten_thousand_mutated_files_give_located_problems_not_crashes(text: str):
    assert_well_formed(check(text))


def test_a_fifty_megabyte_file_is_refused_with_a_clear_message(tmp_path: Path):
    big = tmp_path / "Huge2024File.yaml"
    with big.open("w", encoding="utf-8") as handle:
        handle.write("key: Huge2024File\nnotes: |\n")
        line = "  " + "x" * 1000 + "\n"
        for _ in range(50 * 1024):
            handle.write(line)
    with pytest.raises(YamlError, match="larger than the 5 MiB limit for a data file"):
        load_yaml_file(big)
