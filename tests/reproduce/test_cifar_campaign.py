"""The CIFAR-10 campaign: its recipes target published rows on the JPEG copy, it runs end to end on the CPU
with --quick (rows written to a temporary folder), and a subset run decodes the same images as a full one."""

from __future__ import annotations

import io
import tarfile
import time
from pathlib import Path

import pytest
import torch
from click.testing import CliRunner
from PIL import Image

from pruneatlas import paths
from pruneatlas.models import PaperFile
from pruneatlas.safe_yaml import load_yaml_file
from reproduce.campaign import CAMPAIGNS, load_spec
from reproduce.commands import group
from reproduce.datasets import DataOptions, load_dataset
from reproduce.recipe_rows import in_atlas
from reproduce.recipes import RECIPES
from reproduce.rerun_rows import validation_errors

needs_cifar = pytest.mark.skipif(
    not (paths.SHARED / "datasets" / "cifar10-jpeg.tar.gz").exists(), reason="the JPEG CIFAR-10 is in ../shared"
)


CIFAR = CAMPAIGNS / "cifar10-gpu.yaml"


def test_campaign_recipes_exist_target_published_rows_and_train_on_the_jpeg_copy() -> None:
    for name, campaign in {p.stem: load_spec(p) for p in CAMPAIGNS.glob("*.yaml")}.items():
        assert campaign.seeds is not None and len(campaign.seeds) >= 3, name
        for recipe_name in campaign.recipes:
            recipe = RECIPES[recipe_name]
            assert recipe.target is not None and in_atlas(recipe.target), recipe.target
            assert recipe.run_config().dataset == "cifar10-jpeg"  # never cifar10: the copy is lossy
            assert "epochs" in recipe.deviations and "JPEG" in recipe.deviations


def test_recipes_listing_shows_the_campaign_recipes() -> None:
    output = CliRunner().invoke(group, ["recipes"], catch_exceptions=False).output
    for recipe_name in load_spec(CIFAR).recipes:
        assert recipe_name in output


def _fake_tarball(path: Path, per_class: int) -> None:
    """A CIFAR-10-JPEG-shaped archive: {train,test}/<class>/NNNN.jpg, 3 classes of random 32x32 images."""
    g = torch.Generator().manual_seed(0)
    with tarfile.open(path, "w:gz") as archive:
        for split in ("train", "test"):
            for label in ("cat", "dog", "ship"):
                for i in range(per_class):
                    pixels = torch.randint(0, 256, (32, 32, 3), generator=g, dtype=torch.uint8).numpy()
                    buffer = io.BytesIO()
                    Image.fromarray(pixels).save(buffer, format="JPEG")
                    info = tarfile.TarInfo(f"cifar/{split}/{label}/{i:04d}.jpg")
                    info.size = len(buffer.getvalue())
                    archive.addfile(info, io.BytesIO(buffer.getvalue()))


def test_subset_decode_gives_the_images_a_full_decode_gives(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _fake_tarball(tmp_path / "cifar10-jpeg.tar.gz", per_class=6)
    monkeypatch.setenv("PRUNEATLAS_CACHE", str(tmp_path / "cache"))
    subsets = DataOptions(train_subset=7, test_subset=5, augment=False)
    partial = load_dataset("cifar10-jpeg", subsets, tmp_path)
    assert not (tmp_path / "cache" / "datasets" / "cifar10-jpeg.pt").exists()  # a subset run caches nothing
    load_dataset("cifar10-jpeg", DataOptions(), tmp_path)  # the full decode, cached
    assert (tmp_path / "cache" / "datasets" / "cifar10-jpeg.pt").exists()
    cached = load_dataset("cifar10-jpeg", subsets, tmp_path)
    for a, b in ((partial.train, cached.train), (partial.test, cached.test)):
        assert len(a) == len(b) and torch.equal(a.x, b.x) and torch.equal(a.y, b.y)  # type: ignore[attr-defined]
    assert len(partial.train) == 7 and len(partial.test) == 5


@needs_cifar
def test_quick_campaign_runs_end_to_end_on_the_cpu_and_writes_valid_rows(tmp_path: Path) -> None:
    started = time.perf_counter()
    where = ["--out", str(tmp_path / "rows"), "--runs-dir", str(tmp_path / "runs"), "-q"]
    args = ["campaign", "run", str(CIFAR), "--quick", *where]
    result = CliRunner().invoke(group, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert time.perf_counter() - started < 120  # a minute on an idle 2-core machine; room for a busy one
    rows = sorted((tmp_path / "rows").glob("*.yaml"))
    assert len(rows) == len(load_spec(CIFAR).recipes)
    for path in rows:
        assert validation_errors(path) == []
        [row] = PaperFile.model_validate(load_yaml_file(path)).results
        assert row.dataset == "cifar10-jpeg"
        assert row.reproduces is None  # a quick variant never claims to re-run the published row
        assert row.conditions.num_runs == 1  # a smoke run trains the first seed of each recipe
