"""Batches for training: in-memory tensors served in seeded order, with vectorised augmentation.

Why in memory: the datasets re-runs use (digits, MNIST, CIFAR) fit in RAM, and slicing a tensor costs a
fraction of a DataLoader's per-sample Python work, which keeps our loop within a few percent of a bare
PyTorch loop (bench/bench_training_loop.py). Folders too large for memory go through `LoaderSplit`.
Shuffling and augmentation draw from a generator the caller seeds per epoch, so an epoch can be replayed
exactly after an interruption.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal, Protocol

import torch
import torch.nn.functional as F

Augment = Literal["none", "crop-flip"]
Batch = tuple[torch.Tensor, torch.Tensor]


class Split(Protocol):
    def __len__(self) -> int: ...
    def num_batches(self, batch_size: int) -> int: ...
    def batches(self, batch_size: int, generator: torch.Generator | None, device: torch.device) -> Iterator[Batch]: ...


def crop_flip(x: torch.Tensor, generator: torch.Generator, pad: int = 4) -> torch.Tensor:
    """Random crop after zero padding by `pad`, and random horizontal flip, for a whole batch at once."""
    b, _c, h, w = x.shape
    padded = F.pad(x, (pad, pad, pad, pad))
    oy = torch.randint(0, 2 * pad + 1, (b,), generator=generator)
    ox = torch.randint(0, 2 * pad + 1, (b,), generator=generator)
    flip = torch.rand(b, generator=generator) < 0.5
    rows = (oy[:, None] + torch.arange(h)).to(x.device)
    cols = ox[:, None] + torch.arange(w)
    cols = torch.where(flip[:, None], cols.flip(1), cols).to(x.device)
    batch = torch.arange(b, device=x.device)[:, None, None]
    out = padded[batch, :, rows[:, :, None], cols[:, None, :]]  # (B, H, W, C)
    return out.permute(0, 3, 1, 2).contiguous()


@dataclass
class TensorSplit:
    """Images (uint8 0-255 or float) and labels held in memory; normalised per channel on the way out."""

    x: torch.Tensor
    y: torch.Tensor
    mean: tuple[float, ...]
    std: tuple[float, ...]
    augment: Augment = "none"
    scale: float = 255.0  # what divides raw values into [0, 1] (255 for uint8 images, 16 for digits)
    _mean: torch.Tensor = field(init=False, repr=False)
    _std: torch.Tensor = field(init=False, repr=False)
    _done: bool = field(init=False, default=False, repr=False)

    def __post_init__(self) -> None:
        self._mean = torch.tensor(self.mean, dtype=torch.float32).view(1, -1, 1, 1)
        self._std = torch.tensor(self.std, dtype=torch.float32).view(1, -1, 1, 1)
        if self.x.dtype != torch.uint8 or self.augment == "none":
            # Normalise once up front when nothing per-batch depends on the raw pixels.
            self.x = self._normalise(self.x)
            self._done = True
        else:
            self._done = False

    def _normalise(self, x: torch.Tensor) -> torch.Tensor:
        x = x.float() / self.scale
        return (x - self._mean.to(x.device)) / self._std.to(x.device)

    def __len__(self) -> int:
        return len(self.y)

    def num_batches(self, batch_size: int) -> int:
        return -(-len(self.y) // batch_size)

    def to(self, device: torch.device) -> TensorSplit:
        self.x, self.y = self.x.to(device), self.y.to(device)
        return self

    def batches(self, batch_size: int, generator: torch.Generator | None, device: torch.device) -> Iterator[Batch]:
        n = len(self.y)
        order = torch.randperm(n, generator=generator) if generator is not None else None
        if order is not None and self.x.device != order.device:
            order = order.to(self.x.device)
        for start in range(0, n, batch_size):
            if order is None:
                xb, yb = self.x[start : start + batch_size], self.y[start : start + batch_size]
            else:
                idx = order[start : start + batch_size]
                xb, yb = self.x[idx], self.y[idx]
            if not self._done:
                xb = self._normalise(xb)
            if self.augment == "crop-flip" and generator is not None:
                xb = crop_flip(xb, generator)
            yield xb.to(device, non_blocking=True), yb.to(device, non_blocking=True)


@dataclass
class LoaderSplit:
    """A torch Dataset (e.g. an ImageFolder too big for memory) served by a DataLoader in seeded order."""

    dataset: torch.utils.data.Dataset[tuple[torch.Tensor, int]]
    workers: int = 0

    def __len__(self) -> int:
        return len(self.dataset)  # type: ignore[arg-type]  # torch's Dataset declares no __len__; ours all have one

    def num_batches(self, batch_size: int) -> int:
        return -(-len(self) // batch_size)

    def batches(self, batch_size: int, generator: torch.Generator | None, device: torch.device) -> Iterator[Batch]:
        if generator is not None:
            # Seed the workers' transforms from the same generator, so an epoch replays exactly.
            torch.manual_seed(int(torch.randint(0, 2**62, (1,), generator=generator)))
        loader = torch.utils.data.DataLoader(
            self.dataset,
            batch_size=batch_size,
            shuffle=generator is not None,
            generator=generator,
            num_workers=self.workers,
        )
        for xb, yb in loader:
            yield xb.to(device, non_blocking=True), yb.to(device, non_blocking=True)


@dataclass
class DataBundle:
    """A dataset ready for a run: its splits, shape, classes and the atlas id its rows are recorded under."""

    name: str
    train: Split
    test: Split
    num_classes: int
    input_shape: tuple[int, int, int]
    atlas_id: str | None  # None: not an atlas dataset (synthetic data), so no row can be written
    note: str | None = None

    def to(self, device: torch.device) -> DataBundle:
        """Move in-memory splits onto the accelerator once, instead of copying every batch."""
        for split in (self.train, self.test):
            if isinstance(split, TensorSplit):
                split.to(device)
        return self


def channel_stats(x: torch.Tensor, scale: float) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Per-channel mean and std of the training images (in [0, 1] units): normalisation from the data itself."""
    xf = x.float() / scale
    dims = [0, 2, 3]
    return tuple(xf.mean(dims).tolist()), tuple(xf.std(dims).tolist())
