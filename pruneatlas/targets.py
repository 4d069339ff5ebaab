"""The published claim a re-run targets, read from the atlas: a recipe names its target row ("<PaperKey>/<id>")
and nothing else of the claim, so the paper YAML stays the one place the claim, its locator and quote live.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pruneatlas import paths
from pruneatlas.loader import discover, load_atlas
from pruneatlas.models import PaperFile


class UnknownTarget(LookupError):
    """A target names no paper file or no result of it; the message says which."""


@dataclass(frozen=True)
class TargetClaim:
    paper: str  # the paper key
    result: str  # the result (or cost claim) id
    kind: Literal["result", "cost_claim"]
    locator: str
    quote: str | None
    address: str | None  # the document the quote is in: the source's own url, else the paper's
    values: dict[str, Any]  # the printed numbers, as the row holds them (accuracy, params, flops; or cost)

    @property
    def target(self) -> str:
        return f"{self.paper}/{self.result}"

    @property
    def claim(self) -> str:
        """The claim in the source's words (what a recipe listing prints)."""
        return f'{self.locator}: "{self.quote}"' if self.quote else self.locator

    @property
    def source(self) -> str:
        return f"{self.paper}, {self.address}" if self.address else self.paper


@lru_cache(maxsize=8)
def _paper_files(roots: tuple[Path, ...]) -> dict[str, Path]:
    """Paper key -> its file among the atlas folders (files are named after their keys)."""
    return {path.stem: path for path in discover(roots)}


@lru_cache(maxsize=64)
def _paper(path: Path) -> PaperFile:
    atlas = load_atlas(targets=[path], context=[path])
    if not atlas.papers:
        raise UnknownTarget(f"{path} does not load: {atlas.errors[0].message if atlas.errors else 'no paper'}")
    return atlas.papers[0].paper


def paper_file(key: str) -> Path | None:
    """The file of paper `key` among the atlas folders PRUNEATLAS_DATA names (default data/), if there is one."""
    return _paper_files(tuple(paths.data_roots())).get(key)


def _claim(target: str, roots: tuple[Path, ...]) -> TargetClaim:
    key, _, rid = target.partition("/")
    if not key or not rid:
        raise UnknownTarget(f"target {target!r} is not '<PaperKey>/<result id>'")
    path = _paper_files(roots).get(key)
    if path is None:
        raise UnknownTarget(f"no paper file {key}.yaml in {', '.join(map(str, roots))}")
    paper = _paper(path)
    for result in paper.results:
        if result.id == rid:
            values = result.model_dump(include={"accuracy", "params", "flops"}, exclude_none=True)
            return TargetClaim(
                key, rid, "result", result.source.locator, result.source.quote, result.source.url or paper.url, values
            )
    for cost in paper.cost_claims:
        if cost.id == rid:
            values = cost.model_dump(include={"cost", "accuracy_claim"}, exclude_none=True)
            return TargetClaim(
                key, rid, "cost_claim", cost.source.locator, cost.source.quote, cost.source.url or paper.url, values
            )
    raise UnknownTarget(f"{path}: no result or cost claim with id {rid!r} (target {target})")


def target_claim(target: str) -> TargetClaim:
    """The published claim of `target` ("<PaperKey>/<result id>"), read through the loader from the atlas folders."""
    return _claim(target, tuple(paths.data_roots()))
