"""The closed vocabularies (architectures, datasets, methods, metrics) and name resolution with suggestions."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pruneatlas import paths
from pruneatlas.models import Granularity
from pruneatlas.safe_yaml import load_yaml_file

Category = Literal[
    "magnitude",
    "similarity_clustering",
    "sensitivity",
    "knowledge_distillation",
    "low_rank",
    "quantization",
    "architecture_search",
    "hybrid",
]


class Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._+:-]*$")
    name: str
    aliases: list[str] = Field(default_factory=list)
    notes: str | None = None


class Architecture(Entry):
    family: str
    task: str = "classification"
    input_size: list[int] | None = Field(None, description="C, H, W the counts refer to")
    params: int | None = Field(None, description="Dense parameter count from the project's counter")
    macs: int | None = Field(None, description="Dense multiply-accumulates from the project's counter")
    definition: str | None = Field(None, description="The PyTorch definition the counts come from")


class Dataset(Entry):
    task: str = "image classification"
    classes: int | None = None
    train_size: int | None = None
    test_size: int | None = None
    image_size: str | None = None


class Method(Entry):
    category: Category
    paper: str | None = Field(None, description="Key of the proposing paper")
    paper_title: str | None = None
    year: int | None = None
    criterion: str | None = None
    granularity: Granularity | None = None
    data_dependent: bool | None = None


class Metric(Entry):
    higher_is_better: bool
    unit: str = "%"
    minimum: float | None = 0.0
    maximum: float | None = 100.0
    complement_of: str | None = Field(None, description="For an error rate: the accuracy it is 100 minus")
    top_k: int | None = Field(None, ge=1, description="For a top-k accuracy: k, which sets its chance level")


E = TypeVar("E", bound=Entry, covariant=True)  # a Vocabulary[Method] is a Vocabulary[Entry]


def normalise(name: str) -> str:
    """Spelling-insensitive form: 'ResNet-56', 'resnet56' and 'ResNet 56' are one name."""
    return re.sub(r"[^a-z0-9:+.]", "", name.lower())


class UnknownName(ValueError):
    def __init__(self, kind: str, name: str, suggestions: list[str]) -> None:
        hint = f"; nearest known: {', '.join(suggestions)}" if suggestions else ""
        super().__init__(f"unknown {kind} {name!r}{hint} (see schema/{kind_file(kind)})")
        self.suggestions = suggestions


def kind_file(kind: str) -> str:
    return f"{kind}s.yaml"


@dataclass(frozen=True)
class Vocabulary(Generic[E]):
    kind: str
    entries: tuple[E, ...]

    @cached_property
    def by_id(self) -> dict[str, E]:
        return {entry.id: entry for entry in self.entries}

    @cached_property
    def _lookup(self) -> dict[str, str]:
        table: dict[str, str] = {}
        for entry in self.entries:
            for name in (entry.id, entry.name, *entry.aliases):
                table.setdefault(normalise(name), entry.id)
        return table

    def resolve(self, name: str) -> E:
        """The entry for an id, name or alias; otherwise an error naming the nearest known ones."""
        exact = self.by_id.get(name)
        if exact is not None:
            return exact
        found = self._lookup.get(normalise(name))
        if found is not None:
            return self.by_id[found]
        close = difflib.get_close_matches(normalise(name), list(self._lookup), n=8, cutoff=0.6)
        suggestions = list(dict.fromkeys(self._lookup[c] for c in close))[:4]
        raise UnknownName(self.kind, name, suggestions)

    def duplicates(self) -> list[str]:
        """Names that two entries both claim (an id given twice included): each must point to exactly one entry."""
        owners: dict[str, list[str]] = {}
        for entry in self.entries:
            for name in {normalise(n) for n in (entry.id, entry.name, *entry.aliases)}:
                owners.setdefault(name, []).append(entry.id)
        return sorted(f"{name}: {sorted(ids)}" for name, ids in owners.items() if len(ids) > 1)


@dataclass(frozen=True)
class Vocabularies:
    architectures: Vocabulary[Architecture]
    datasets: Vocabulary[Dataset]
    methods: Vocabulary[Method]
    metrics: Vocabulary[Metric]


class VocabularyError(ValueError):
    """A broken vocabulary file; the message names the file, the entry and the field."""


def _read(path: Path, kind: str, model: type[E]) -> Vocabulary[E]:
    label = path.relative_to(paths.ROOT) if path.is_relative_to(paths.ROOT) else path
    raw = load_yaml_file(path)
    if not isinstance(raw, list):
        raise VocabularyError(f"{label}: -: (file): expected a list of entries")
    entries, problems = [], []
    for index, item in enumerate(raw):
        try:
            entries.append(model.model_validate(item))
        except ValidationError as exc:
            name = item.get("id", f"[{index}]") if isinstance(item, dict) else f"[{index}]"
            problems += [f"{label}: {name}: {'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
    vocabulary = Vocabulary(kind, tuple(entries))
    problems += [f"{label}: -: aliases: a name claimed by two entries: {dup}" for dup in vocabulary.duplicates()]
    if problems:
        raise VocabularyError("\n".join(problems))
    return vocabulary


def load_vocabularies(schema_dir: Path | None = None) -> Vocabularies:
    folder = schema_dir or paths.SCHEMA
    return Vocabularies(
        architectures=_read(folder / "architectures.yaml", "architecture", Architecture),
        datasets=_read(folder / "datasets.yaml", "dataset", Dataset),
        methods=_read(folder / "methods.yaml", "method", Method),
        metrics=_read(folder / "metrics.yaml", "metric", Metric),
    )
