"""Shared fixtures: a small atlas of our own in a temporary folder, isolated from data/ and the build cache."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from paper_factory import WritePaper, paper, result

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


@pytest.fixture
def two_paper_atlas(write_paper: WritePaper, atlas_dir: Path) -> Path:
    """Li et al.'s ResNet-56 and VGG-16 rows and HRank's ResNet-56 row: the API and release tests' atlas."""
    write_paper(
        paper(results=[
            result(),
            result(id="t1-vgg16", architecture="vgg16-cifar", method_label="VGG-16-pruned-A", accuracy={
                "metric": "top1_err", "baseline": 6.75, "pruned": 6.60}, params={"removed_pct": 64.0},
                flops={"removed_pct": 34.2}),
        ])
    )  # fmt: skip
    write_paper(
        paper(key="Lin2020Hrank", title="HRank: Filter Pruning using High-Rank Feature Map", authors=["Mingbao Lin"],
              year=2020, results=[result(id="t1-r56", method="hrank", method_label="HRank",
                                         accuracy={"metric": "top1", "baseline": 93.26, "pruned": 93.17},
                                         params={"removed_pct": 42.4}, flops={"removed_pct": 50.0})])
    )  # fmt: skip
    return atlas_dir
