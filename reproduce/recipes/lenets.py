"""The MNIST LeNets: Han et al.'s iterative magnitude pruning (2015), SNIP (Lee et al. 2019) and the lottery
ticket on LeNet-300-100 (Frankle & Carbin 2019).

Han et al. and SNIP share one training set-up per network, SNIP's (SGD, momentum 0.9, batch 100, weight
decay 5e-4, lr 0.1 decayed by 10x twice, Glorot init), so their dense runs are one and the same: Han et al.
give no schedule for the LeNets beyond retraining at a tenth of the original lr. SNIP decays every 25k
iterations and trains far longer than a CPU allows; we keep its lr, momentum, batch and decay and compress
the schedule to 20 epochs (LeNet-300-100) and 8 epochs (LeNet-5-Caffe).
"""

from __future__ import annotations

from typing import Any

from reproduce.recipes.base import Recipe

SNIP_SETUP = (
    "SNIP Sec. 5 'Experiment setup': SGD momentum 0.9, batch 100, weight decay 5e-4, lr 0.1 decayed by 0.1 "
    "every 25k iterations, sensitivities from one batch of 100, variance-scaling init"
)
QUICK = {"training": {"epochs": 2}, "data": {"train_subset": 5000, "test_subset": 2000}}


def _training(epochs: int) -> dict[str, Any]:
    """SNIP's optimiser settings (lr 0.1, momentum 0.9, weight decay 5e-4 are the defaults) over `epochs`."""
    return {"epochs": epochs, "batch_size": 100, "init": "glorot-uniform"}


LENET300: dict[str, Any] = {"arch": "lenet-300-100", "dataset": "mnist", "training": _training(20)}
LENET5: dict[str, Any] = {"arch": "lenet5-caffe", "dataset": "mnist", "training": _training(8)}
SHARED_DEVIATIONS = (
    "Trained on all 60,000 training images (SNIP holds out 10 % for validation); Glorot-uniform init; "
    "lr decays at 50 % and 75 % of a {epochs}-epoch run instead of every 25k iterations."
)


def _han(arch: str, layers: list[float], overall: float, epochs: tuple[int, int], target: str) -> Recipe:
    base = LENET300 if arch == "lenet-300-100" else LENET5
    return Recipe(
        name=f"han2015-{arch}-iterative",
        target=target,
        config={
            **base,
            "method": {
                "method": "magnitude-iterative",
                "scope": "layerwise",
                "layer_sparsity": layers,
                "iterations": 5,
                "finetune_epochs": epochs[0],
                "last_finetune_epochs": epochs[1],
                "finetune_lr": 0.01,
            },
            "sparsity": overall,
        },
        quick={**QUICK, "method": {"finetune_epochs": 1, "last_finetune_epochs": 1}},
        deviations=SHARED_DEVIATIONS.format(epochs=base["training"]["epochs"])
        + " Each layer is pruned to its own final sparsity from Han's per-layer table (the weights they kept), "
        "by magnitude within the layer, instead of a threshold of quality x the layer's std; the number of "
        f"prune-retrain iterations is not given for the LeNets: ours are 5, reaching i/5 of each layer's target, "
        f"each retrained {epochs[0]} epoch(s) ({epochs[1]} after the last) at lr 0.01, a tenth of the original "
        "lr (Sec. 4.1); all layers retrain together (Han retrain the pruned FC and conv layers in turn).",
    )


def _snip(arch: str, sparsity: float, target: str) -> Recipe:
    base = LENET300 if arch == "lenet-300-100" else LENET5
    pct = round(100 * sparsity)
    return Recipe(
        name=f"lee2019-snip-{arch}-{pct}",
        target=target,
        config={**base, "method": {"method": "snip", "batches": 1}, "sparsity": sparsity},
        quick=QUICK,
        deviations=SHARED_DEVIATIONS.format(epochs=base["training"]["epochs"]) + f" Set-up quoted: {SNIP_SETUP}.",
    )


LTH_DEVIATIONS = (
    "10 epochs (10K iterations at batch 60) per round instead of 50K iterations; accuracy at the end of training "
    "(the paper reads its curves at the early-stopping iteration); PyTorch's Glorot-normal init; no validation "
    "split held out. As the paper: Adam 1.2e-3, batch 60, 20 % per round per layer and 10 % for the output layer, "
    "surviving weights reset to their initial values every round."
)


def _lottery(rounds: int, sparsity: float, target: str) -> Recipe:
    return Recipe(
        name=f"frankle2019-lenet300-lottery-{rounds}rounds",
        target=target,
        config={
            "method": {
                "method": "lottery-ticket",
                "scope": "layerwise",
                "per_round": 0.2,
                "last_layer_per_round": 0.1,
            },
            "arch": "lenet-300-100",
            "dataset": "mnist",
            "sparsity": sparsity,
            "training": {
                "epochs": 10,
                "batch_size": 60,
                "optimizer": "adam",
                "lr": 1.2e-3,
                "weight_decay": 0.0,
                "schedule": "constant",
                "init": "glorot-normal",
            },
        },
        quick=QUICK,
        deviations=LTH_DEVIATIONS
        + f" The chain of rounds is shared with the other lottery recipe; this row is round {rounds}.",
    )


RECIPES = [
    _han(
        "lenet-300-100",
        [0.92, 0.91, 0.74],
        0.9182,
        (4, 4),
        "Han2015Learning/b-t1-lenet300-pruned",
    ),
    _han(
        "lenet5-caffe",
        [0.34, 0.88, 0.92, 0.81],
        0.9157,
        (1, 3),
        "Han2015Learning/b-t1-lenet5-pruned",
    ),
    _snip("lenet-300-100", 0.95, "Lee2019Snip/t1-lenet-300-100-snip-95"),
    _snip("lenet-300-100", 0.98, "Lee2019Snip/t1-lenet-300-100-snip-98"),
    _snip("lenet5-caffe", 0.98, "Lee2019Snip/t1-lenet5-caffe-snip-98"),
    _snip("lenet5-caffe", 0.99, "Lee2019Snip/t1-lenet5-caffe-snip-99"),
    _lottery(
        15,
        0.964,
        "Frankle2019Lottery/s2-lenet-iterative-3p5pct",
    ),
    _lottery(
        8,
        0.83,
        "Frankle2019Lottery/s2-lenet-iterative-17pct",
    ),
]
