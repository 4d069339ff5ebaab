"""Training throughput of our loop against a bare PyTorch loop on the same device, model and data.

    .venv/bin/python bench/bench_gpu_training.py                       # on a GPU: full-size data, amp + NHWC
    .venv/bin/python bench/bench_gpu_training.py --device cpu --quick  # on the CPU: small sizes
    .venv/bin/python bench/bench_gpu_training.py --device cpu --workload resnet56-cifar --images 512

Workloads (generated uint8 images of the real shapes, so no dataset is needed and the device machine can run
it bare): ResNet-20 on CIFAR-sized data (3x32x32, random crop + flip on the device), LeNet-300-100 on
MNIST-sized data (1x28x28); `--workload` adds the campaign's ResNet-56 and VGG-19. Both loops hold the data
on the device, train one epoch of SGD (batch 128) then evaluate on the test images, under the same speed
options (bf16 autocast and channels-last by default on CUDA; `--compile` adds torch.compile), interleaved
round by round so that a busy machine slows them alike:

- bare: randperm, index, normalise, crop + flip, forward, loss, backward, step; then test accuracy;
- ours: reproduce's Context.train: seeded batches, NaN checks, an atomic checkpoint and log line per epoch.

Printed per workload: images/s of each loop (best round), the ratio ours / bare, and the seconds one full
epoch takes (50,000 or 60,000 images, scaled linearly from the measured images where fewer were used).
"""

from __future__ import annotations

import argparse
import copy
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reproduce.context import Context, RunOptions
from reproduce.data import Augment, DataBundle, TensorSplit
from reproduce.experiment import resolve_device
from reproduce.hparams import Phase, TrainingConfig
from reproduce.models import MODELS
from reproduce.runs import RunDir
from reproduce.training import Speed

BATCH = 128


@dataclass(frozen=True)
class Workload:
    arch: str
    shape: tuple[int, int, int]
    augment: bool
    full: int  # training images of the real dataset (for the per-epoch time)
    gpu: int  # images used on a GPU
    cpu: int  # images used on the CPU (--quick halves them)


WORKLOADS = {
    "resnet20-cifar": Workload("resnet20", (3, 32, 32), True, 50_000, 50_000, 1024),
    "lenet300-mnist": Workload("lenet-300-100", (1, 28, 28), False, 60_000, 60_000, 10_000),
    "resnet56-cifar": Workload("resnet56", (3, 32, 32), True, 50_000, 50_000, 512),
    "vgg19-cifar": Workload("vgg19-cifar", (3, 32, 32), True, 50_000, 50_000, 512),
}


def make_data(work: Workload, n: int, device: torch.device) -> DataBundle:
    """Generated uint8 images and labels of the workload's shape (seed 0), held on `device`."""
    g = torch.Generator().manual_seed(0)
    x = torch.randint(0, 256, (n, *work.shape), generator=g, dtype=torch.uint8)
    y = torch.randint(0, 10, (n,), generator=g)
    xt = torch.randint(0, 256, (max(n // 5, BATCH), *work.shape), generator=g, dtype=torch.uint8)
    yt = torch.randint(0, 10, (len(xt),), generator=g)
    mean, std = (0.5,) * work.shape[0], (0.25,) * work.shape[0]
    augment: Augment = "crop-flip" if work.augment else "none"
    return DataBundle(
        work.arch, TensorSplit(x, y, mean, std, augment), TensorSplit(xt, yt, mean, std), 10, work.shape, None
    ).to(device)


def bare_crop_flip(x: torch.Tensor, pad: int = 4) -> torch.Tensor:
    """Per-image random crop (zero padding 4) and horizontal flip, drawn on the device."""
    b, _c, h, w = x.shape
    padded = F.pad(x, (pad, pad, pad, pad))
    oy = torch.randint(0, 2 * pad + 1, (b, 1), device=x.device)
    ox = torch.randint(0, 2 * pad + 1, (b, 1), device=x.device)
    rows = oy + torch.arange(h, device=x.device)
    cols = ox + torch.arange(w, device=x.device)
    cols = torch.where(torch.rand(b, 1, device=x.device) < 0.5, cols.flip(1), cols)
    out = padded[torch.arange(b, device=x.device)[:, None, None], :, rows[:, :, None], cols[:, None, :]]
    return out.permute(0, 3, 1, 2)


def make_bare(model: nn.Module, data: DataBundle, training: TrainingConfig, speed: Speed) -> Callable[[], None]:
    train, test = data.train, data.test
    assert isinstance(train, TensorSplit) and isinstance(test, TensorSplit)
    device = train.x.device
    forward = speed.prepare(model)
    opt = torch.optim.SGD(model.parameters(), lr=training.lr, momentum=0.9, weight_decay=training.weight_decay)
    mean = torch.tensor(train.mean, device=device).view(1, -1, 1, 1)
    std = torch.tensor(train.std, device=device).view(1, -1, 1, 1)
    fmt = torch.channels_last if speed.channels_last and train.x.dim() == 4 else torch.contiguous_format

    def prep(x: torch.Tensor, augment: bool) -> torch.Tensor:
        x = (x.float() / 255.0 - mean) / std if x.dtype == torch.uint8 else x
        return (bare_crop_flip(x) if augment else x).contiguous(memory_format=fmt)

    def epoch() -> None:
        model.train()
        order = torch.randperm(len(train.y), device=device)
        for start in range(0, len(order), BATCH):
            idx = order[start : start + BATCH]
            with speed.autocast(device):
                loss = F.cross_entropy(forward(prep(train.x[idx], train.augment == "crop-flip")), train.y[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
        model.eval()
        correct = torch.zeros((), dtype=torch.long, device=device)
        with torch.no_grad():
            for start in range(0, len(test.y), 1000):
                with speed.autocast(device):
                    logits = forward(prep(test.x[start : start + 1000], False))
                correct += (logits.argmax(1) == test.y[start : start + 1000]).sum()
        float(correct)

    return epoch


def make_ours(
    model: nn.Module, data: DataBundle, training: TrainingConfig, options: RunOptions, workdir: Path
) -> Callable[[], None]:
    run_dir = RunDir(workdir)
    ctx = Context(training=training, seed=0, data=data, model=model, roots=lambda m: [], run_dir=run_dir,
                  dense_dir=run_dir, options=options)  # fmt: skip
    rounds = iter(range(1_000_000))

    def train() -> None:
        ctx.train(f"round-{next(rounds)}", Phase.constant(1, training.lr))

    return train


def measure(name: str, work: Workload, n: int, device: torch.device, speed: Speed, rounds: int) -> dict[str, float]:
    data = make_data(work, n, device)
    spec = MODELS.get(work.arch)
    torch.manual_seed(0)
    init = spec.build(10, work.shape, spec.parse_options({})).to(device)
    training = TrainingConfig(epochs=1, lr=0.05, batch_size=BATCH)
    workdir = Path(tempfile.mkdtemp(prefix="bench-gpu-"))
    options = RunOptions(runs_dir=workdir, device=str(device), speed=speed, progress=False)
    loops = {
        "bare": make_bare(copy.deepcopy(init), data, training, speed),
        "ours": make_ours(copy.deepcopy(init), data, training, options, workdir / name),
    }
    for loop in loops.values():  # warm-up: allocator, cuDNN autotuning, compilation
        loop()
    seconds: dict[str, list[float]] = {k: [] for k in loops}
    cpu_seconds: dict[str, list[float]] = {k: [] for k in loops}
    for _ in range(rounds):
        for key, loop in loops.items():
            if device.type == "cuda":
                torch.cuda.synchronize(device)
            started, cpu = time.perf_counter(), time.process_time()
            loop()
            if device.type == "cuda":
                torch.cuda.synchronize(device)
            seconds[key].append(time.perf_counter() - started)
            cpu_seconds[key].append(time.process_time() - cpu)
    out = {f"{k} img/s": n / min(v) for k, v in seconds.items()}
    # CPU seconds (all threads) are what a busy shared machine distorts least: the basis of CPU estimates.
    out["ours CPU-s/epoch (full)"] = work.full * min(cpu_seconds["ours"]) / n
    out |= {f"{k} median img/s": n / statistics.median(v) for k, v in seconds.items()}
    out["ratio"] = out["ours img/s"] / out["bare img/s"]
    out["ours s/epoch (full)"] = work.full / out["ours img/s"]
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="auto", help="cuda, cpu or auto")
    parser.add_argument("--workload", action="append", choices=sorted(WORKLOADS), help="repeat; default: the first two")
    parser.add_argument("--images", type=int, help="training images per epoch (default: full on GPU, small on CPU)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="half the CPU sizes, 2 rounds")
    parser.add_argument("--no-amp", action="store_true", help="fp32 instead of bf16 autocast on CUDA")
    parser.add_argument("--no-channels-last", action="store_true")
    parser.add_argument("--compile", action="store_true", help="torch.compile the forward in both loops")
    parser.add_argument("--threads", type=int)
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    device = torch.device(resolve_device(args.device))
    gpu = device.type == "cuda"
    speed = Speed(amp=gpu and not args.no_amp, channels_last=gpu and not args.no_channels_last, compile=args.compile)
    rounds = 2 if args.quick else args.rounds
    where = torch.cuda.get_device_name(device) if gpu else f"CPU, {torch.get_num_threads()} threads"
    print(f"{where}; torch {torch.__version__}; {speed}; batch {BATCH}; {rounds} rounds, interleaved")
    heads = ("images", "bare img/s", "ours img/s", "ours/bare", "s/epoch", "CPU-s/epoch")
    widths = (7, 11, 11, 9, 9, 11)
    print(f"  {'workload':16s} " + " ".join(f"{h:>{w}s}" for h, w in zip(heads, widths, strict=True)))
    for name in args.workload or ["resnet20-cifar", "lenet300-mnist"]:
        work = WORKLOADS[name]
        n = args.images or (work.gpu if gpu else work.cpu // (2 if args.quick else 1))
        r = measure(name, work, n, device, speed, rounds)
        print(
            f"  {name:16s} {n:7d} {r['bare img/s']:11.0f} {r['ours img/s']:11.0f} {r['ratio']:9.3f} "
            f"{r['ours s/epoch (full)']:9.2f} {r['ours CPU-s/epoch (full)']:11.2f}   "
            f"(medians: {r['bare median img/s']:.0f} / {r['ours median img/s']:.0f})"
        )
    print("  s/epoch, CPU-s/epoch: ours, wall and CPU seconds (all threads) of one epoch of the full training set")
    print("  (50,000 CIFAR or 60,000 MNIST images), scaled linearly from the images measured; the test pass (a")
    print("  fifth of them) is included")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
