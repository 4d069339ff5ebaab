"""Datasets load offline, split deterministically, and serve seeded batches that replay exactly."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from pruneatlas import paths
from reproduce.data import crop_flip
from reproduce.datasets import DataOptions, load_dataset

CPU = torch.device("cpu")


def test_digits_is_a_fixed_stratified_split_needing_nothing() -> None:
    a, b = load_dataset("digits"), load_dataset("digits")
    assert (len(a.train), len(a.test), a.num_classes, a.input_shape) == (1437, 360, 10, (1, 8, 8))
    assert torch.equal(a.test.y, b.test.y)
    assert a.atlas_id == "digits"


def test_batches_replay_exactly_for_the_same_seed_and_differ_for_another() -> None:
    data = load_dataset("digits")

    def first(seed: int) -> torch.Tensor:
        return next(iter(data.train.batches(32, torch.Generator().manual_seed(seed), CPU)))[1]

    assert torch.equal(first(1), first(1))
    assert not torch.equal(first(1), first(2))


def test_crop_flip_is_seeded_and_keeps_shapes() -> None:
    x = torch.arange(2 * 3 * 8 * 8, dtype=torch.float32).view(2, 3, 8, 8)
    a = crop_flip(x, torch.Generator().manual_seed(0), pad=2)
    b = crop_flip(x, torch.Generator().manual_seed(0), pad=2)
    assert a.shape == x.shape and torch.equal(a, b)


def test_subsets_and_resize_change_what_is_loaded() -> None:
    data = load_dataset("digits", DataOptions(train_subset=100, test_subset=50, resize=16))
    assert (len(data.train), len(data.test), data.input_shape) == (100, 50, (1, 16, 16))
    assert len(set(data.train.y.tolist())) == 10  # a fixed random subset, not the head of a sorted list
    again = load_dataset("digits", DataOptions(train_subset=100))
    assert torch.equal(again.train.y, data.train.y)


@pytest.mark.skipif(not (paths.SHARED / "datasets" / "MNIST" / "raw").exists(), reason="no local MNIST copy")
def test_mnist_loads_from_the_shared_copy_without_downloading() -> None:
    data = load_dataset("mnist", download=False)
    assert (len(data.train), len(data.test), data.input_shape) == (60000, 10000, (1, 28, 28))
    assert data.train.mean[0] == pytest.approx(0.1307, abs=1e-4)
    assert data.train.std[0] == pytest.approx(0.3081, abs=1e-4)


def test_imagefolder_reads_train_and_test_class_folders(tmp_path: Path) -> None:
    from PIL import Image

    for split in ("train", "test"):
        for label in ("cat", "dog"):
            folder = tmp_path / split / label
            folder.mkdir(parents=True)
            for i in range(3):
                Image.new("RGB", (12, 12), (40 * i, 80, 120)).save(folder / f"{i}.png")
    data = load_dataset(f"imagefolder:{tmp_path}", DataOptions(resize=8, atlas_id="cifar10"))
    assert (data.num_classes, data.input_shape, len(data.train), len(data.test)) == (2, (3, 8, 8), 6, 6)
    x, _ = next(iter(data.train.batches(4, torch.Generator().manual_seed(0), CPU)))
    assert x.shape == (4, 3, 8, 8) and data.atlas_id == "cifar10"


def test_synthetic_data_can_never_become_a_row() -> None:
    assert load_dataset("synthetic").atlas_id is None
