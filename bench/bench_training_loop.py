"""How much our training loop costs over a bare PyTorch loop, and masking over dense training.

    .venv/bin/python bench/bench_training_loop.py            # LeNet-300-100 on the real MNIST (../shared/datasets)
    .venv/bin/python bench/bench_training_loop.py --quick    # 10,000 MNIST images, fewer rounds

Four loops train the same network from the same initial weights on the same batches (SGD, batch 128,
test-set evaluation after every epoch), measured side by side in one process, interleaved round by round
so that a busy machine slows them alike:

- bare:        a plain PyTorch loop: index the in-memory tensors, forward, loss, backward, step;
- ours:        reproduce's Context.train: seeded batches, NaN checks, progress bar, an atomic checkpoint
               and log line after every epoch;
- ours masked: the same with 90 % of the weights masked (masks re-applied after every step);
- tnup masked: the bare loop on a model masked by torch.nn.utils.prune (forward pre-hooks: weight_orig *
               weight_mask recomputed on every forward), the peer figure.

Printed: each loop's per-epoch time, best and median over the rounds, and the ratios ours / bare (target
<= 1.15), ours masked / ours dense (target <= 1.10) and tnup masked / bare dense, from the best times (the
least disturbed by other processes; the ratios of medians are printed beside them).
"""

from __future__ import annotations

import argparse
import copy
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils import prune

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reproduce.context import Context, RunOptions
from reproduce.data import TensorSplit
from reproduce.datasets import DataOptions, load_dataset
from reproduce.hparams import Phase, TrainingConfig
from reproduce.masks import global_masks, magnitude_scores
from reproduce.models import MODELS
from reproduce.runs import RunDir

SPARSITY = 0.9


def bare_epoch(model: nn.Module, opt: torch.optim.Optimizer, x: torch.Tensor, y: torch.Tensor,
               xt: torch.Tensor, yt: torch.Tensor, batch: int, seed: int) -> float:  # fmt: skip
    """The loop anyone would write: shuffle, slice, forward, backward, step; then test accuracy."""
    model.train()
    order = torch.randperm(len(y), generator=torch.Generator().manual_seed(seed))
    for start in range(0, len(y), batch):
        idx = order[start : start + batch]
        loss = F.cross_entropy(model(x[idx]), y[idx])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    model.eval()
    with torch.no_grad():
        correct = sum(
            int((model(xt[i : i + 1000]).argmax(1) == yt[i : i + 1000]).sum()) for i in range(0, len(yt), 1000)
        )
    return 100.0 * correct / len(yt)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 training images, 4 rounds")
    parser.add_argument("--arch", default="lenet-300-100")
    parser.add_argument("--dataset", default="mnist")
    parser.add_argument("--rounds", type=int, default=None, help="interleaved rounds (default 8, quick 4)")
    parser.add_argument("--epochs", type=int, default=1, help="epochs per loop per round")
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    rounds = args.rounds or (4 if args.quick else 8)
    data = load_dataset(args.dataset, DataOptions(train_subset=10_000 if args.quick else None), download=False)
    training = TrainingConfig(epochs=args.epochs, lr=0.05)
    spec = MODELS.get(args.arch)
    torch.manual_seed(0)
    init = spec.build(data.num_classes, data.input_shape, spec.parse_options({}))
    if not isinstance(data.train, TensorSplit) or not isinstance(data.test, TensorSplit):
        sys.exit(f"{args.dataset} is not held in memory; the bare loop needs its tensors")
    x, y, xt, yt = data.train.x, data.train.y, data.test.x, data.test.y  # already normalised in memory
    workdir = Path(tempfile.mkdtemp(prefix="bench-loop-"))

    def make_ours(masked: bool) -> Callable[[int], None]:
        model = copy.deepcopy(init)
        run_dir = RunDir(workdir / ("masked" if masked else "dense"))
        ctx = Context(training=training, seed=0, data=data, model=model, roots=spec.roots, run_dir=run_dir,
                      dense_dir=run_dir, options=RunOptions(runs_dir=workdir, progress=True))  # fmt: skip
        if masked:
            masks = ctx.enable_masks()
            masks.update(global_masks(magnitude_scores(model, masks.names), SPARSITY))

        def train(r: int) -> None:
            ctx.train(f"round-{r}", Phase.constant(args.epochs, training.lr))

        return train

    def make_bare(masked: bool) -> Callable[[int], None]:
        model = copy.deepcopy(init)
        if masked:
            layers = [(m, "weight") for m in model.modules() if isinstance(m, nn.Linear | nn.Conv2d)]
            prune.global_unstructured(layers, pruning_method=prune.L1Unstructured, amount=SPARSITY)
        opt = torch.optim.SGD(model.parameters(), lr=training.lr, momentum=0.9, weight_decay=training.weight_decay)

        def go(r: int) -> None:
            for e in range(args.epochs):
                bare_epoch(model, opt, x, y, xt, yt, training.batch_size, seed=1000 * r + e)

        return go

    loops = {"bare": make_bare(False), "ours": make_ours(False), "ours masked": make_ours(True),
             "tnup masked": make_bare(True)}  # fmt: skip
    for loop in loops.values():  # warm-up: allocator, kernels, page cache
        loop(-1)
    per_epoch: dict[str, list[float]] = {name: [] for name in loops}
    for r in range(rounds):
        for name, loop in loops.items():
            started = time.perf_counter()
            loop(r)
            per_epoch[name].append((time.perf_counter() - started) / args.epochs)
    best = {name: min(times) for name, times in per_epoch.items()}
    median = {name: statistics.median(times) for name, times in per_epoch.items()}
    steps = data.train.num_batches(training.batch_size)
    print(
        f"\n{args.arch} on {args.dataset}: {len(data.train):,} training images ({steps} batches of "
        f"{training.batch_size}), {len(data.test):,} test images; {torch.get_num_threads()} threads; "
        f"{rounds} rounds x {args.epochs} epoch(s) per loop, interleaved"
    )
    print(f"  {'loop':12s} {'best':>8s} {'median':>8s}  s/epoch")
    for name in loops:
        print(f"  {name:12s} {best[name]:8.3f} {median[name]:8.3f}")
    ratios = [
        ("ours / bare (dense)", "ours", "bare", 1.15),
        ("ours masked / ours dense", "ours masked", "ours", 1.10),
        ("torch.nn.utils.prune masked / bare dense", "tnup masked", "bare", None),
    ]
    for label, top, bottom, target in ratios:
        ratio = best[top] / best[bottom]
        verdict = "" if target is None else f"  (target <= {target:.2f}: {'met' if ratio <= target else 'NOT met'})"
        print(f"  {label:42s} {ratio:.3f}x best, {median[top] / median[bottom]:.3f}x median{verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
