"""Shared fixtures: a small atlas of our own in a temporary folder, isolated from data/ and the build cache."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from paper_factory import WritePaper

from pruneatlas.safe_yaml import dump_yaml


@pytest.fixture
def atlas_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty atlas (papers/ and reproduced/) that the CLI, builds and app use instead of data/."""
    root = tmp_path / "atlas"
    (root / "papers").mkdir(parents=True)
    (root / "reproduced").mkdir()
    monkeypatch.setenv("PRUNEATLAS_DATA", f"{root / 'papers'}:{root / 'reproduced'}")
    monkeypatch.setenv("PRUNEATLAS_CACHE", str(tmp_path / "cache"))
    return root


@pytest.fixture
def write_paper(atlas_dir: Path) -> WritePaper:
    """Write a paper dict as YAML into the temporary atlas; the file is named after its key unless told."""

    def write(data: dict[str, Any], name: str | None = None, folder: str = "papers") -> Path:
        path = atlas_dir / folder / f"{name or data['key']}.yaml"
        path.write_text(dump_yaml(data), encoding="utf-8")
        return path

    return write
