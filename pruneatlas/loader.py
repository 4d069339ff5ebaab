"""The only reader of the YAML: parse every file, check it, and collect every problem at once.

A bad file never stops the others from being checked; it is simply left out of what gets built.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa

from pruneatlas import paths
from pruneatlas.checks import Checked, FileContext, resolve_paper
from pruneatlas.conflicts import Conflict, Facts, SettingKey, facts_for, find_conflicts
from pruneatlas.data_files import Skipped, find_yaml_files
from pruneatlas.models import CostClaim, PaperFile, Result
from pruneatlas.paper_schema import RESULT_LISTS, parse_paper
from pruneatlas.plausibility import implausible_accuracies
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
    row_tables: list[pa.Table] = field(default_factory=list)
    paper_rows: list[dict[str, Any]] = field(default_factory=list)
    cost_rows: list[dict[str, Any]] = field(default_factory=list)
    facts: list[Facts] = field(default_factory=list)  # every valid published row's, for atlas-wide checks

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
    """YAML files named directly, or found under the folders named (odd entries left out)."""
    return find_yaml_files(targets)[0]


def _skipped_problem(entry: Skipped) -> Problem:
    """A warning naming the entry itself (not what a link points at)."""
    shown = Path(display_path(entry.path.parent)) / entry.path.name
    return Problem(str(shown), WHOLE_FILE, "(file)", f"{entry.reason}; skipped", "warning")


@lru_cache(maxsize=8)
def _resolved(folder: Path) -> Path:
    return folder.resolve()


def _is_reproduced(path: Path, raw: dict[str, Any]) -> bool:
    resolved = path.resolve()
    if resolved.is_relative_to(_resolved(paths.REPRODUCED)):
        return True
    if resolved.is_relative_to(_resolved(paths.PAPERS)):
        return False
    entries = [e for kind in RESULT_LISTS if isinstance(raw.get(kind), list) for e in raw[kind]]
    return any(isinstance(e, dict) and "provenance" in e for e in entries)


def _read(path: Path) -> tuple[Any, list[Problem]]:
    label = display_path(path)
    try:
        return load_yaml_file(path), []
    except YamlError as exc:
        message = str(exc).removeprefix(f"{path}: ")
        return None, [Problem(label, WHOLE_FILE, "(file)", message)]


@dataclass
class FileOutcome:
    """Everything one paper file contributes, computed from that file alone (so files compile in parallel)."""

    path: Path
    label: str
    checked: bool
    reproduced: bool = False
    key: str | None = None
    problems: list[Problem] = field(default_factory=list)
    paper: PaperFile | None = None
    facts: list[tuple[SettingKey, Facts]] = field(default_factory=list)
    published: list[str] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    paper_row: dict[str, Any] | None = None
    cost_rows: list[dict[str, Any]] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.key is not None and not any(p.severity == "error" for p in self.problems)


def compile_paper(
    paper: PaperFile,
    outcome: FileOutcome,
    stem: str,
    vocab: Vocabularies,
    known_keys: frozenset[str],
    keep_model: bool,
    with_rows: bool,
) -> FileOutcome:
    """Single-file checks on a parsed paper, and what the cross-file checks and the tables need of it."""
    from pruneatlas.cost_checks import resolve_cost_claims
    from pruneatlas.rows import cost_row, paper_row, result_row

    started = time.perf_counter()
    ctx = FileContext(outcome.label, stem, outcome.reproduced, known_keys)
    checked: dict[str, Checked] = {}
    resolved, problems = resolve_paper(paper, vocab, ctx, checked)
    resolved, cost_problems = resolve_cost_claims(resolved, vocab, ctx)
    outcome.key = paper.key
    outcome.problems.extend(problems + cost_problems)
    outcome.seconds["checks"] = time.perf_counter() - started
    if not outcome.ok:
        return outcome
    started = time.perf_counter()
    file = display_path(outcome.path)
    values = {result_id: c.values for result_id, c in checked.items()}
    # Sweep points are neither compared nor judged against the atlas's baselines: their facts would only travel.
    facts = facts_for(resolved, file, outcome.reproduced, vocab, values)
    outcome.facts = [(key, fact) for key, fact in facts if not fact.sweep]
    outcome.seconds["facts"] = time.perf_counter() - started
    entries: list[Result | CostClaim] = [*resolved.results, *resolved.cost_claims]
    ids = [f"{resolved.key}/{r.id}" for r in entries]
    outcome.published = [] if outcome.reproduced else ids
    outcome.links = [(r.id, r.reproduces) for r in entries if r.reproduces is not None]
    if keep_model:
        outcome.paper = resolved
    if with_rows:
        started = time.perf_counter()
        outcome.rows = [
            result_row(resolved, file, outcome.reproduced, r, vocab, checked[r.id].record, checked[r.id].values)
            for r in resolved.results
        ]
        outcome.paper_row = paper_row(resolved, file, outcome.reproduced)
        outcome.cost_rows = [cost_row(resolved, file, outcome.reproduced, c, vocab) for c in resolved.cost_claims]
        outcome.seconds["frames"] = time.perf_counter() - started
    return outcome


def compile_file(
    path: Path, checked: bool, vocab: Vocabularies, known_keys: frozenset[str], keep_model: bool, with_rows: bool
) -> FileOutcome:
    outcome = FileOutcome(path, display_path(path), checked)
    started = time.perf_counter()
    raw, problems = _read(path)
    outcome.seconds["yaml_parse"] = time.perf_counter() - started
    outcome.problems.extend(problems)
    if problems:
        return outcome
    started = time.perf_counter()
    paper, problems = parse_paper(raw, outcome.label)
    outcome.seconds["schema"] = time.perf_counter() - started
    outcome.problems.extend(problems)
    if paper is None:
        return outcome
    outcome.reproduced = _is_reproduced(path, raw)
    return compile_paper(paper, outcome, path.stem, vocab, known_keys, keep_model, with_rows)


_WORKER_VOCAB: Vocabularies | None = None


@contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """Compiling makes millions of small acyclic objects (rows, models, facts) that stay alive until the database
    is written: the cyclic collector would scan them again and again for nothing; reference counting frees them."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _compile_batch(
    batch: list[tuple[Path, bool]],
    known_keys: frozenset[str],
    keep_model: bool,
    with_rows: bool,
    vocab: Vocabularies | None = None,
) -> tuple[list[FileOutcome], pa.Table | None]:
    """Compile a batch of files; their table rows (checked files that passed) come back as one Arrow table,
    which crosses process boundaries far cheaper than the row dicts."""
    global _WORKER_VOCAB
    if vocab is None:
        _WORKER_VOCAB = _WORKER_VOCAB or load_vocabularies()
        vocab = _WORKER_VOCAB
    outcomes = [compile_file(p, checked, vocab, known_keys, keep_model, with_rows) for p, checked in batch]
    rows = [row for o in outcomes if o.checked and o.ok for row in o.rows]
    for outcome in outcomes:
        outcome.rows = []
    if not rows:
        return outcomes, None
    from pruneatlas.rows import rows_table

    return outcomes, rows_table(rows)


def compile_files(
    files: list[tuple[Path, bool]],
    vocab: Vocabularies,
    known_keys: frozenset[str],
    keep_models: bool,
    with_rows: bool,
    workers: int = 1,
) -> tuple[list[FileOutcome], list[pa.Table]]:
    """Each (path, checked) compiled on its own; with several workers, in that many processes.

    Returns the outcomes in the order of `files` and, when rows were asked for, the results rows of the
    checked files that passed their own checks, as Arrow tables. Worker processes start with spawn (safe
    beside DuckDB's and Streamlit's threads) and load the vocabularies once each.
    """
    if workers <= 1 or len(files) < 2 * workers:
        outcomes, table = _compile_batch(files, known_keys, keep_models, with_rows, vocab)
        return outcomes, [table] if table is not None else []
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from pruneatlas.workers import plain_main

    size = max(1, len(files) // (workers * 4))
    batches = [files[i : i + size] for i in range(0, len(files), size)]
    # A worker lives for one build and only compiles: its collector would only scan the batch it holds.
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"), initializer=gc.disable) as pool:
        work = partial(_compile_batch, known_keys=known_keys, keep_model=keep_models, with_rows=with_rows)
        with plain_main():  # map submits every batch, so every worker starts here
            pending = pool.map(work, batches)
        parts = list(pending)
    return [o for outcomes, _ in parts for o in outcomes], [table for _, table in parts if table is not None]


def cross_file_checks(outcomes: list[FileOutcome], atlas: Atlas, vocab: Vocabularies) -> None:
    """Key clashes, `reproduces` links and conflicts, reported for the checked files only."""
    owners: dict[str, str] = {}
    for outcome in outcomes:
        if outcome.key is None:
            continue
        if outcome.key in owners and outcome.checked:
            message = f"key {outcome.key} is also used by {owners[outcome.key]}"
            outcome.problems.append(Problem(outcome.label, WHOLE_FILE, "key", message))
        owners.setdefault(outcome.key, outcome.label)
    good = [o for o in outcomes if o.ok]
    published = {result_id for o in good for result_id in o.published}
    for outcome in good:
        for result_id, target in outcome.links:
            if outcome.checked and target not in published:
                message = f"no published result {target!r} in the atlas"
                outcome.problems.append(Problem(outcome.label, result_id, "reproduces", message))
    checked_files = {display_path(o.path) for o in outcomes if o.checked} | {o.label for o in outcomes if o.checked}
    atlas.conflicts = [c for c in find_conflicts(f for o in good for f in o.facts) if c.touches(checked_files)]
    atlas.facts = facts = [fact for o in good for _, fact in o.facts]
    atlas.problems.extend(p for p in implausible_accuracies(facts, vocab) if p.file in checked_files)
    for outcome in outcomes:
        if outcome.checked:
            atlas.problems.extend(outcome.problems)
            if outcome.ok:
                if outcome.paper is not None:
                    atlas.papers.append(LoadedPaper(outcome.path, outcome.paper, outcome.reproduced))
                if outcome.paper_row is not None:
                    atlas.paper_rows.append(outcome.paper_row)
                atlas.cost_rows.extend(outcome.cost_rows)
    atlas.problems.extend(c.as_problem() for c in atlas.conflicts)


def known_keys_of(files: Iterable[Path]) -> frozenset[str]:
    """Paper keys a `method_paper` may name: every file's stem (a file must be named after its key)."""
    return frozenset(p.stem for p in files) | frozenset(p.stem for p in paths.PAPERS.glob("*.yaml"))


@no_cyclic_gc()  # compiling, unpickling and cross-checking keep every outcome alive: a collection finds nothing
def load_atlas(
    targets: Sequence[Path] | None = None,
    vocab: Vocabularies | None = None,
    context: Sequence[Path] | None = None,
    keep_models: bool = True,
    with_rows: bool = False,
    workers: int = 1,
) -> Atlas:
    """Load and check `targets` (default: all of data/), resolving cross-references against `context`.

    `context` defaults to the whole atlas, so a single file (a pull request, the Contribute page) is checked
    against every paper key and result it may refer to. Problems are reported for `targets` only. The build
    asks for table rows instead of models, from several worker processes when the atlas is large.
    """
    vocab = vocab or load_vocabularies()
    checked, skipped = find_yaml_files(targets if targets else paths.data_roots())
    background: list[Path] = []
    if context is None or list(context) != list(targets or []):  # a build checks its whole context: none left
        checked_set = {p.resolve() for p in checked}
        others = discover(context if context is not None else paths.data_roots())
        background = [p for p in others if p.resolve() not in checked_set]
    files = [(p, True) for p in checked] + [(p, False) for p in background]
    outcomes, tables = compile_files(files, vocab, known_keys_of(p for p, _ in files), keep_models, with_rows, workers)
    atlas = Atlas(row_tables=tables)
    atlas.problems.extend(_skipped_problem(entry) for entry in skipped)
    started = time.perf_counter()
    cross_file_checks(outcomes, atlas, vocab)
    for name in ("yaml_parse", "schema", "checks", "facts", "frames"):
        atlas.timings[name] = sum(o.seconds.get(name, 0.0) for o in outcomes)
    atlas.timings["cross_file"] = time.perf_counter() - started
    return atlas


_BackgroundKey = tuple[tuple[tuple[Path, int, int], ...], frozenset[str]]
_background: tuple[_BackgroundKey, Vocabularies, list[FileOutcome]] | None = None


def _file_state(path: Path) -> tuple[Path, int, int]:
    """What tells a file's new content from its old without reading it: its modification time and size."""
    try:
        stat = path.stat()
    except OSError:
        return (path, -1, -1)
    return (path, stat.st_mtime_ns, stat.st_size)


def background_outcomes(files: list[Path], vocab: Vocabularies, known: frozenset[str]) -> list[FileOutcome]:
    """The unchecked outcomes of `files`, the atlas a pasted file is checked against: kept (one atlas at a time)
    while no file changes, so checking one edit after another compiles only the edited file. Nothing mutates
    an unchecked outcome (`cross_file_checks` reports for checked ones only), so reusing them is safe."""
    global _background
    key = (tuple(_file_state(p) for p in files), known)
    if _background is None or _background[0] != key or _background[1] is not vocab:
        _background = (key, vocab, compile_files([(p, False) for p in files], vocab, known, False, False)[0])
    return _background[2]


@no_cyclic_gc()
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
    others = [p for p in discover(paths.data_roots()) if p.resolve() != target.resolve()]
    known = known_keys_of([*others, target])
    pasted = compile_paper(paper, FileOutcome(target, label, True), stem, vocab, known, True, False)
    outcomes = [pasted, *background_outcomes(others, vocab, known)]
    cross_file_checks(outcomes, atlas, vocab)
    return atlas
