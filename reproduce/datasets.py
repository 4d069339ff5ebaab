"""The datasets registry: name -> how to load it as a DataBundle.

torchvision sets (mnist, fashion-mnist, cifar10, cifar100) use real `download=True` for users online; the
root is `--data-root`, else the first folder that already holds the files (../shared/datasets here), else
<repo>/.cache/datasets. `digits` (scikit-learn's bundled 8x8 digits) needs nothing and is the offline
default; `imagefolder:<path>` reads any <path>/train and <path>/test (or val) tree; `synthetic` is
generated separable data for tests and benchmarks and can never become an atlas row.
"""

from __future__ import annotations

import functools
import io
import tarfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn.functional as F
from pydantic import BaseModel, ConfigDict, Field

from pruneatlas import paths
from pruneatlas.atomic import atomic_write_bytes
from reproduce.data import Augment, DataBundle, LoaderSplit, TensorSplit, channel_stats
from reproduce.registry import Registry


class DataOptions(BaseModel):
    """Options that change what is trained on, so they are part of a run's identity."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    resize: int | None = Field(None, ge=4, description="Resize images to this square size (e.g. 32 for LeNet-5 SWD)")
    augment: bool | None = Field(None, description="Random crop and flip; default: on for CIFAR, off otherwise")
    train_subset: int | None = Field(None, ge=1, description="Use N training images (a fixed random subset)")
    test_subset: int | None = Field(None, ge=1, description="Use N test images (a fixed random subset)")
    path: str | None = Field(None, description="imagefolder: the folder with train/ and test/ (or val/)")
    atlas_id: str | None = Field(None, description="imagefolder: the atlas dataset id its rows use")


@dataclass(frozen=True)
class DatasetSpec:
    name: str
    description: str
    load: Callable[[DataOptions, Path | None, bool], DataBundle]


DATASETS: Registry[DatasetSpec] = Registry("dataset")


def _candidate_roots(root: Path | None, marker: str) -> Path:
    """--data-root wins; else a folder that already has `marker`; else the writable cache (for download)."""
    if root is not None:
        return root
    for candidate in (paths.SHARED_DATASETS, paths.datasets_dir()):
        if (candidate / marker).exists():
            return candidate
    return paths.datasets_dir()


def subset_indices(total: int, n: int | None) -> torch.Tensor | None:
    """A fixed random choice of n of `total` items (seed 0, whatever the run's seed), in their original order:
    the first n of a class-sorted folder would hold a single class."""
    if not n or n >= total:
        return None
    return torch.randperm(total, generator=torch.Generator().manual_seed(0))[:n].sort().values


def _subset(x: torch.Tensor, y: torch.Tensor, n: int | None) -> tuple[torch.Tensor, torch.Tensor]:
    idx = subset_indices(len(y), n)
    return (x, y) if idx is None else (x[idx], y[idx])


def _resize(x: torch.Tensor, size: int | None) -> torch.Tensor:
    if size is None or x.shape[-1] == size:
        return x
    out = F.interpolate(x.float(), size=(size, size), mode="bilinear", align_corners=False, antialias=True)
    return out.round().clamp(0, 255).to(torch.uint8) if x.dtype == torch.uint8 else out


def tensor_bundle(
    name: str,
    atlas_id: str | None,
    train: tuple[torch.Tensor, torch.Tensor],
    test: tuple[torch.Tensor, torch.Tensor],
    classes: int,
    options: DataOptions,
    augment_default: bool,
    scale: float = 255.0,
    note: str | None = None,
) -> DataBundle:
    """Resize, subset and normalise (with the training set's own statistics) two in-memory splits."""
    xtr, ytr = _subset(_resize(train[0], options.resize), train[1], options.train_subset)
    xte, yte = _subset(_resize(test[0], options.resize), test[1], options.test_subset)
    mean, std = channel_stats(xtr, scale)
    augment: Augment = "crop-flip" if (augment_default if options.augment is None else options.augment) else "none"
    return DataBundle(
        name=name,
        train=TensorSplit(xtr, ytr.long(), mean, std, augment, scale),
        test=TensorSplit(xte, yte.long(), mean, std, "none", scale),
        num_classes=classes,
        input_shape=(xtr.shape[1], xtr.shape[2], xtr.shape[3]),
        atlas_id=atlas_id,
        note=note,
    )


def _digits(options: DataOptions, _root: Path | None, _download: bool) -> DataBundle:
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    x, y = load_digits(return_X_y=True)
    # A fixed stratified 80/20 split (seed 0, whatever the run's seed): the test set is part of the dataset.
    xtr, xte, ytr, yte = train_test_split(x, y, test_size=0.2, random_state=0, stratify=y)
    as_images = lambda a: torch.tensor(a, dtype=torch.float32).view(-1, 1, 8, 8)  # noqa: E731
    return tensor_bundle(
        "digits",
        "digits",
        (as_images(xtr), torch.tensor(ytr)),
        (as_images(xte), torch.tensor(yte)),
        10,
        options,
        augment_default=False,
        scale=16.0,
        note="fixed stratified 80/20 split (1,437 / 360), seed 0",
    )


def _torchvision(
    cls_name: str, name: str, atlas_id: str, classes: int, folder: str, augment: bool
) -> Callable[[DataOptions, Path | None, bool], DataBundle]:
    def load(options: DataOptions, root: Path | None, download: bool) -> DataBundle:
        import torchvision

        cls = getattr(torchvision.datasets, cls_name)
        base = _candidate_roots(root, folder)
        sets = [cls(root=str(base), train=flag, download=download) for flag in (True, False)]
        arrays = []
        for ds in sets:
            data = torch.as_tensor(ds.data)
            data = data.unsqueeze(1) if data.dim() == 3 else data.permute(0, 3, 1, 2)  # (N, C, H, W)
            arrays.append((data.contiguous(), torch.as_tensor(ds.targets)))
        return tensor_bundle(name, atlas_id, arrays[0], arrays[1], classes, options, augment_default=augment)

    return load


def _cifar10_jpeg(options: DataOptions, root: Path | None, _download: bool) -> DataBundle:
    """The JPEG re-encoding of CIFAR-10 in ../shared/datasets (lossy: its own atlas dataset, cifar10-jpeg).

    The first full load decodes all 60,000 images (about a minute) and caches the tensors; until then a run
    on subsets of both splits (a quick run, a test) decodes only the images it uses: the same images, since
    the subset is drawn from the same fixed order."""
    cache = paths.cache_dir() / "datasets" / "cifar10-jpeg.pt"
    if cache.exists():
        tensors = torch.load(cache)
        return tensor_bundle("cifar10-jpeg", "cifar10-jpeg", tensors["train"], tensors["test"], 10, options, True)
    tarball = (root or paths.SHARED_DATASETS) / "cifar10-jpeg.tar.gz"
    if not tarball.exists():
        raise FileNotFoundError(f"{tarball} not found: cifar10-jpeg is only the local JPEG copy")
    found = _jpeg_files(tarball)
    classes = sorted({label for items in found.values() for label, _, _ in items})
    wanted = {"train": options.train_subset, "test": options.test_subset}
    partial = all(subset_indices(len(found[k]), n) is not None for k, n in wanted.items())
    tensors = {}
    for split, items in found.items():
        idx = subset_indices(len(items), wanted[split]) if partial else None
        chosen = [items[i] for i in idx.tolist()] if idx is not None else items
        tensors[split] = (
            _decode([data for _, _, data in chosen]),
            torch.tensor([classes.index(c) for c, _, _ in chosen]),
        )
    if partial:  # already the subsets: tensor_bundle must not draw them again
        whole = options.model_copy(update={"train_subset": None, "test_subset": None})
        return tensor_bundle("cifar10-jpeg", "cifar10-jpeg", tensors["train"], tensors["test"], 10, whole, True)
    buffer = io.BytesIO()
    torch.save(tensors, buffer)
    atomic_write_bytes(cache, buffer.getvalue())
    return tensor_bundle("cifar10-jpeg", "cifar10-jpeg", tensors["train"], tensors["test"], 10, options, True)


@functools.lru_cache(maxsize=1)
def _jpeg_files(tarball: Path) -> dict[str, list[tuple[str, str, bytes]]]:
    """split -> (class, file name, JPEG bytes), sorted: a fixed order whatever the archive's. Kept for the
    process, since reading the 60,000 members takes longer than decoding a subset (a quick campaign loads
    the dataset once per run)."""
    found: dict[str, list[tuple[str, str, bytes]]] = {"train": [], "test": []}
    with tarfile.open(tarball, "r|gz") as archive:  # a stream: read in archive order, never seek back
        for member in archive:
            if member.name.endswith(".jpg"):
                path = Path(member.name)
                content = archive.extractfile(member)
                if content is None:
                    raise ValueError(f"{tarball}: {member.name} is not a regular file")
                found[path.parts[-3]].append((path.parent.name, path.name, content.read()))
    for items in found.values():
        items.sort(key=lambda item: (item[0], item[1]))
    return found


def _decode(jpegs: list[bytes]) -> torch.Tensor:
    """JPEG files -> (N, 3, 32, 32) uint8."""
    from PIL import Image

    pixels = [
        torch.frombuffer(bytearray(Image.open(io.BytesIO(j)).convert("RGB").tobytes()), dtype=torch.uint8)
        for j in jpegs
    ]
    return torch.stack(pixels).view(-1, 32, 32, 3).permute(0, 3, 1, 2).contiguous()


def _imagefolder(options: DataOptions, _root: Path | None, _download: bool) -> DataBundle:
    import torchvision
    from torchvision import transforms as T

    if not options.path:
        raise ValueError("imagefolder needs a path: --dataset imagefolder:<folder with train/ and test/>")
    base = Path(options.path).expanduser()
    test_dir = next((base / d for d in ("test", "val") if (base / d).is_dir()), None)
    if not (base / "train").is_dir() or test_dir is None:
        raise FileNotFoundError(f"{base} must hold train/ and test/ (or val/) class folders")
    size = options.resize or 224
    norm = T.Normalize((0.485, 0.456, 0.406), (0.229, 0.224, 0.225))
    augment = options.augment is not False
    train_tf = T.Compose(
        [T.RandomResizedCrop(size), T.RandomHorizontalFlip()] if augment else [T.Resize(size), T.CenterCrop(size)]
    )
    test_tf = T.Compose([T.Resize(int(size * 256 / 224)), T.CenterCrop(size)])
    train = torchvision.datasets.ImageFolder(str(base / "train"), T.Compose([train_tf, T.ToTensor(), norm]))
    test = torchvision.datasets.ImageFolder(str(test_dir), T.Compose([test_tf, T.ToTensor(), norm]))
    if (idx := subset_indices(len(train), options.train_subset)) is not None:
        train = torch.utils.data.Subset(train, idx.tolist())
    if (idx := subset_indices(len(test), options.test_subset)) is not None:
        test = torch.utils.data.Subset(test, idx.tolist())
    classes = len(train.classes) if hasattr(train, "classes") else len(train.dataset.classes)
    return DataBundle(
        f"imagefolder:{base}", LoaderSplit(train), LoaderSplit(test), classes, (3, size, size), options.atlas_id
    )


def _synthetic(options: DataOptions, _root: Path | None, _download: bool) -> DataBundle:
    """Four Gaussian classes of 1x8x8 images around fixed random centres (generated with seed 1234)."""
    size = options.resize or 8
    g = torch.Generator().manual_seed(1234)
    centres = torch.randn(4, 1, size, size, generator=g)

    def make(n: int) -> tuple[torch.Tensor, torch.Tensor]:
        y = torch.arange(n) % 4
        return centres[y] + 0.8 * torch.randn(n, 1, size, size, generator=g), y

    train, test = make(options.train_subset or 512), make(options.test_subset or 256)
    plain = options.model_copy(update={"train_subset": None, "test_subset": None, "resize": None})
    return tensor_bundle("synthetic", None, train, test, 4, plain, augment_default=False, scale=1.0)


for _spec in [
    DatasetSpec("digits", "scikit-learn's bundled 8x8 digits, 1,797 images; offline default", _digits),
    DatasetSpec(
        "mnist",
        "MNIST via torchvision (60,000 / 10,000, 28x28)",
        _torchvision("MNIST", "mnist", "mnist", 10, "MNIST", False),
    ),
    DatasetSpec(
        "fashion-mnist",
        "Fashion-MNIST via torchvision (60,000 / 10,000, 28x28)",
        _torchvision("FashionMNIST", "fashion-mnist", "fashion-mnist", 10, "FashionMNIST", False),
    ),
    DatasetSpec(
        "cifar10",
        "CIFAR-10 via torchvision (50,000 / 10,000, 32x32; crop+flip)",
        _torchvision("CIFAR10", "cifar10", "cifar10", 10, "cifar-10-batches-py", True),
    ),
    DatasetSpec(
        "cifar100",
        "CIFAR-100 via torchvision (50,000 / 10,000, 32x32; crop+flip)",
        _torchvision("CIFAR100", "cifar100", "cifar100", 100, "cifar-100-python", True),
    ),
    DatasetSpec(
        "cifar10-jpeg", "CIFAR-10 re-encoded as JPEG from ../shared/datasets (lossy; its own atlas id)", _cifar10_jpeg
    ),
    DatasetSpec(
        "imagefolder", "imagefolder:<path>: any <path>/train and <path>/test (or val) class folders", _imagefolder
    ),
    DatasetSpec("synthetic", "generated 4-class 1x8x8 data for tests and benchmarks (never an atlas row)", _synthetic),
]:
    DATASETS.register(_spec.name, _spec)


def split_name(name: str) -> tuple[str, str | None]:
    """'imagefolder:/data/x' -> ('imagefolder', '/data/x'); other names have no argument."""
    base, sep, arg = name.partition(":")
    return base, (arg if sep else None)


def load_dataset(
    name: str, options: DataOptions | None = None, root: Path | None = None, download: bool = True
) -> DataBundle:
    base, arg = split_name(name)
    spec = DATASETS.get(base)
    options = options or DataOptions()
    if arg is not None:
        options = options.model_copy(update={"path": arg})
    return spec.load(options, root, download)
