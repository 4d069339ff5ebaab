"""`pruneatlas import table`: exported tables merged into a folder of paper files, never rewriting it.

A paper with no file gets one. A paper that has a file keeps every byte of it (comments included): results the
tables add are appended, and results or paper fields the tables give differently are reported, not applied,
since the file is what curators checked. Files the tables do not mention are left alone. The plan is shown
first; writing it is a separate, explicit step, and writes every file or none (staging.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import ValidationError

from pruneatlas import paths
from pruneatlas.export import read_table
from pruneatlas.importers.csv_input import InputError
from pruneatlas.importers.merge import MergeError, appended
from pruneatlas.models import PaperFile
from pruneatlas.rows import paper_yaml
from pruneatlas.safe_yaml import YamlError, dump_yaml, load_yaml_file
from pruneatlas.table import papers_from_tables

RESULT_COLUMNS = ("result_id", "record")
PAPER_COLUMNS = ("paper_key", "record")


@dataclass
class TablePlan:
    """What importing the tables into `out` would do: the texts to write and a line per change."""

    out: Path
    texts: dict[Path, str] = field(default_factory=dict)
    added: list[str] = field(default_factory=list)
    differing: list[str] = field(default_factory=list)
    elsewhere: list[str] = field(default_factory=list)
    unchanged: int = 0
    untouched: int = 0

    def lines(self) -> list[str]:
        return [
            *self.added,
            *self.differing,
            *self.elsewhere,
            f"{len(self.texts)} file(s) to write ({len(self.added)} new file(s) or added result(s)); "
            f"{len(self.differing)} difference(s) kept as the files have them; {self.unchanged} result(s) "
            f"already there; {self.untouched} file(s) in {self.out} not in the tables, left as they are",
        ]


def read_tables(results_path: Path, papers_path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Both tables, or InputError naming the file (unreadable, cut off, or without the columns needed)."""
    frames = []
    for path, columns in ((results_path, RESULT_COLUMNS), (papers_path, PAPER_COLUMNS)):
        try:
            frame = read_table(path)
        except Exception as exc:  # pyarrow, pandas and json each raise their own kinds
            reason = " ".join(str(exc).split()) or type(exc).__name__
            raise InputError(f"{path}: cannot be read as an exported table ({reason[:200]})") from None
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise InputError(f"{path}: missing column(s) {', '.join(missing)}; was it exported with `export`?")
        frames.append(frame)
    return frames[0], frames[1]


def rebuilt_papers(results: pd.DataFrame, papers: pd.DataFrame, where: tuple[Path, Path]) -> Iterator[PaperFile]:
    """Each paper of the tables with its results, checked as a paper file; InputError names the row."""
    by_paper: dict[str, list[int]] = {}
    for row, result_id in enumerate(results["result_id"]):
        if not isinstance(result_id, str) or "/" not in result_id:
            raise InputError(f"{where[0]}: row {row + 1}: result_id: {result_id!r} is not <paper>/<result>")
        by_paper.setdefault(result_id.split("/", 1)[0], []).append(row)
    keys = [str(key) for key in papers["paper_key"]]
    for row, key in enumerate(keys):
        if key in keys[:row]:
            raise InputError(f"{where[1]}: row {row + 1}: paper_key: {key} appears twice")
    for key, rows in by_paper.items():
        if key not in keys:
            raise InputError(f"{where[0]}: row {rows[0] + 1}: result_id: paper {key} is not in {where[1]}")
    for row, key in enumerate(keys):
        mine = results.iloc[by_paper.get(key, [])]
        try:
            [paper] = papers_from_tables(mine, papers.iloc[[row]])
        except (json.JSONDecodeError, TypeError) as exc:
            raise InputError(f"{where[1]}: paper {key}: record: not the JSON an export writes ({exc})") from None
        except ValidationError as exc:
            first = exc.errors()[0]
            place = ".".join(map(str, first["loc"]))
            raise InputError(f"{where[1]}: paper {key}: {place}: {first['msg']}") from None
        yield paper


def _flat(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, inner in value.items():
            out |= _flat(inner, f"{prefix}{key}.")
        return out
    return {prefix.rstrip("."): value}


def _differences(name: str, where: str, ours: dict[str, Any], theirs: dict[str, Any]) -> list[str]:
    a, b = _flat(ours), _flat(theirs)
    return [
        f"~ {name}: {where}: {key}: {a.get(key)!r} in the file, {b.get(key)!r} in the table (kept)"
        for key in sorted(set(a) | set(b))
        if a.get(key) != b.get(key)
    ]


def _dump(model: Any) -> dict[str, Any]:
    return model.model_dump(mode="json", exclude_none=True, exclude_defaults=True)


def _other_roots(out: Path) -> list[Path]:
    """When `out` is one of the atlas's folders, the others: a paper filed there must not get a second file."""
    roots = [root.resolve() for root in paths.data_roots()]
    return [root for root in roots if root != out.resolve()] if out.resolve() in roots else []


def plan_table_import(results_path: Path, papers_path: Path, out: Path) -> TablePlan:
    """The plan (nothing written); InputError or MergeError when the tables or a file cannot be merged."""
    results, papers = read_tables(results_path, papers_path)
    plan = TablePlan(out)
    named = set()
    others = _other_roots(out)
    for paper in rebuilt_papers(results, papers, (results_path, papers_path)):
        path = out / f"{paper.key}.yaml"
        named.add(path.name)
        filed = [root / path.name for root in others if (root / path.name).exists()]
        if not path.exists() and filed:
            plan.elsewhere.append(f"= {path.name}: already filed as {filed[0]}; not copied into {out}")
            continue
        if not path.exists():
            plan.texts[path] = dump_yaml(paper_yaml(paper))
            plan.added.append(f"+ {path.name}: new file with {len(paper.results)} result(s)")
            continue
        try:
            existing = PaperFile.model_validate(load_yaml_file(path))
        except (YamlError, ValidationError) as exc:
            raise MergeError(f"{path}: the file does not validate, so nothing can be merged into it: {exc}") from None
        header = paper_yaml(paper)
        header.pop("results", None)
        kept = _dump(existing)
        kept.pop("results", None)
        plan.differing += _differences(path.name, "paper", kept, header)
        there = {r.id: _dump(r) for r in existing.results}
        fresh = []
        for result in paper.results:
            row = _dump(result)
            if result.id not in there:
                fresh.append(row)
            elif there[result.id] == row:
                plan.unchanged += 1
            else:
                plan.differing += _differences(path.name, result.id, there[result.id], row)
        text, added = appended(path, header, fresh)
        if text is not None:
            plan.texts[path] = text
            plan.added += [f"+ {path.name}: {row['id']}" for row in added]
    plan.untouched = sum(1 for p in out.glob("*.yaml") if p.name not in named) if out.is_dir() else 0
    return plan
