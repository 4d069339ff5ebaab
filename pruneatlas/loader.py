"""The only reader of the YAML: parse every file, check it, and collect every problem at once.

A bad file never stops the others from being checked; it is simply left out of what gets built.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from pruneatlas import paths
from pruneatlas.checks import FileContext, resolve_paper
from pruneatlas.conflicts import Conflict, find_conflicts
from pruneatlas.models import PaperFile
from pruneatlas.problems import WHOLE_FILE, Problem
from pruneatlas.safe_yaml import YamlError, load_yaml_file, load_yaml_text
from pruneatlas.vocab import Vocabularies, load_vocabularies


@dataclass(frozen=True)
class LoadedPaper:
    path: Path
    paper: PaperFile
    reproduced: bool


@dataclass
class Atlas:
    papers: list[LoadedPaper] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


@lru_cache(maxsize=65536)
def display_path(path: Path) -> str:
    """The path relative to the repository when it is inside it (what problems and tables show)."""
    try:
        return str(path.resolve().relative_to(paths.ROOT))
    except ValueError:
        return str(path)


def discover(targets: Iterable[Path]) -> list[Path]:
    """YAML files named directly, or found under the folders named."""
    found: list[Path] = []
    for target in targets:
        if target.is_dir():
            found.extend(sorted(p for p in target.rglob("*.yaml") if not p.name.startswith(".")))
        elif target.exists():
            found.append(target)
        else:
            raise FileNotFoundError(f"{target}: no such file or folder")
    return found


def _is_under(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def _is_reproduced(path: Path, raw: dict[str, Any]) -> bool:
    if _is_under(path, paths.REPRODUCED):
        return True
    if _is_under(path, paths.PAPERS):
        return False
    results = raw.get("results")
    return isinstance(results, list) and any(isinstance(r, dict) and "provenance" in r for r in results)


def _result_label(raw: Any, index: int) -> str:
    try:
        label = raw["results"][index]["id"]
    except (KeyError, IndexError, TypeError):
        label = None
    return label if isinstance(label, str) and label else f"results[{index}]"


def _message(error: dict[str, Any]) -> str:
    kind, msg = error["type"], error["msg"]
    if kind == "extra_forbidden":
        return "unknown field (not in the schema; check its spelling)"
    if kind == "missing":
        return "required field is missing"
    if kind == "value_error":
        return msg.removeprefix("Value error, ")
    value = error.get("input")
    shown = repr(value) if not isinstance(value, dict | list) else type(value).__name__
    return f"{msg} (got {shown[:80]})"


def validation_problems(label: str, raw: Any, exc: ValidationError) -> list[Problem]:
    """Pydantic's errors as file: result: field: message lines."""
    problems = []
    for error in exc.errors(include_url=False):
        loc = list(error["loc"])
        result = WHOLE_FILE
        if len(loc) >= 2 and loc[0] == "results" and isinstance(loc[1], int):
            result = _result_label(raw, loc[1])
            loc = loc[2:]
        field_name = ".".join(str(part) for part in loc) or "(file)"
        problems.append(Problem(label, result, field_name, _message(error)))
    return problems


def parse_paper(raw: Any, label: str) -> tuple[PaperFile | None, list[Problem]]:
    if not isinstance(raw, dict):
        kind = "empty" if raw is None else type(raw).__name__
        return None, [
            Problem(label, WHOLE_FILE, "(file)", f"expected a mapping with key, title, results ...; got {kind}")
        ]
    try:
        return PaperFile.model_validate(raw), []
    except ValidationError as exc:
        return None, validation_problems(label, raw, exc)


def _read(path: Path) -> tuple[Any, list[Problem]]:
    label = display_path(path)
    try:
        return load_yaml_file(path), []
    except YamlError as exc:
        message = str(exc).removeprefix(f"{path}: ")
        return None, [Problem(label, WHOLE_FILE, "(file)", message)]


@dataclass(frozen=True)
class _Parsed:
    label: str
    stem: str
    path: Path
    paper: PaperFile
    reproduced: bool
    checked: bool


def _check_parsed(parsed: list[_Parsed], vocab: Vocabularies, atlas: Atlas) -> None:
    """Vocabulary, consistency, key clashes, `reproduces` links and conflicts, reported for checked files."""
    known_keys = frozenset(p.paper.key for p in parsed) | frozenset(p.stem for p in paths.PAPERS.glob("*.yaml"))
    owners: dict[str, str] = {}
    everything: list[LoadedPaper] = []
    checked_labels: set[str] = set()
    # Conflicts name files by path; a pasted file's label ("pasted.yaml") differs from the path it stands for.
    checked_paths: set[str] = set()
    for entry in parsed:
        ctx = FileContext(entry.label, entry.stem, entry.reproduced, known_keys)
        resolved, problems = resolve_paper(entry.paper, vocab, ctx)
        if entry.paper.key in owners:
            problems.append(
                Problem(
                    entry.label, WHOLE_FILE, "key", f"key {entry.paper.key} is also used by {owners[entry.paper.key]}"
                )
            )
        owners.setdefault(entry.paper.key, entry.label)
        ok = not any(p.severity == "error" for p in problems)
        loaded = LoadedPaper(entry.path, resolved, entry.reproduced)
        if entry.checked:
            checked_labels.add(entry.label)
            checked_paths.add(display_path(entry.path))
            atlas.problems.extend(problems)
            if ok:
                atlas.papers.append(loaded)
        if ok:
            everything.append(loaded)
    for problem in _reproduces_problems(everything):
        if problem.file in checked_labels | checked_paths:
            atlas.problems.append(problem)
    conflicts = find_conflicts(everything, vocab)
    atlas.conflicts = [c for c in conflicts if c.touches(checked_labels | checked_paths)]
    atlas.problems.extend(c.as_problem() for c in atlas.conflicts)


def load_atlas(
    targets: Sequence[Path] | None = None,
    vocab: Vocabularies | None = None,
    context: Sequence[Path] | None = None,
) -> Atlas:
    """Load and check `targets` (default: all of data/), resolving cross-references against `context`.

    `context` defaults to the whole atlas, so a single file (a pull request, the Contribute page) is checked
    against every paper key and result it may refer to. Problems are reported for `targets` only.
    """
    vocab = vocab or load_vocabularies()
    checked = discover(targets if targets else paths.data_roots())
    checked_set = {p.resolve() for p in checked}
    background = [
        p for p in discover(context if context is not None else paths.data_roots()) if p.resolve() not in checked_set
    ]
    atlas = Atlas()
    parsed: list[_Parsed] = []
    clock = {"yaml": 0.0, "schema": 0.0}
    for path in [*checked, *background]:
        is_checked = path.resolve() in checked_set
        started = time.perf_counter()
        raw, problems = _read(path)
        clock["yaml"] += time.perf_counter() - started
        paper = None
        if not problems:
            started = time.perf_counter()
            paper, problems = parse_paper(raw, display_path(path))
            clock["schema"] += time.perf_counter() - started
        if is_checked:
            atlas.problems.extend(problems)
        if paper is not None:
            parsed.append(_Parsed(display_path(path), path.stem, path, paper, _is_reproduced(path, raw), is_checked))
    started = time.perf_counter()
    _check_parsed(parsed, vocab, atlas)
    atlas.timings = {"yaml_parse": clock["yaml"], "schema": clock["schema"], "checks": time.perf_counter() - started}
    return atlas


def _reproduces_problems(papers: list[LoadedPaper]) -> list[Problem]:
    """A reproduced row must name a published row that exists."""
    published = {f"{lp.paper.key}/{r.id}" for lp in papers if not lp.reproduced for r in lp.paper.results}
    return [
        Problem(
            display_path(lp.path), result.id, "reproduces", f"no published result {result.reproduces!r} in the atlas"
        )
        for lp in papers
        for result in lp.paper.results
        if result.reproduces is not None and result.reproduces not in published
    ]


def check_text(text: str, name: str | None = None, vocab: Vocabularies | None = None) -> Atlas:
    """Check one paper file given as text (the app's Contribute page) against the whole atlas.

    With no file name, the file is taken to be named after its own key.
    """
    vocab = vocab or load_vocabularies()
    label = name or "pasted.yaml"
    atlas = Atlas()
    try:
        raw = load_yaml_text(text, label)
    except YamlError as exc:
        atlas.problems.append(Problem(label, WHOLE_FILE, "(file)", str(exc).removeprefix(f"{label}: ")))
        return atlas
    paper, problems = parse_paper(raw, label)
    atlas.problems.extend(problems)
    if paper is None:
        return atlas
    stem = Path(name).stem if name else paper.key
    target = paths.PAPERS / f"{stem}.yaml"
    parsed = [_Parsed(label, stem, target, paper, False, True)]
    for path in discover(paths.data_roots()):
        if path.resolve() == target.resolve():
            continue
        raw_other, read_problems = _read(path)
        other = parse_paper(raw_other, display_path(path))[0] if not read_problems else None
        if other is not None:
            parsed.append(_Parsed(display_path(path), path.stem, path, other, _is_reproduced(path, raw_other), False))
    _check_parsed(parsed, vocab, atlas)
    return atlas
