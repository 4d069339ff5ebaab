"""CIFAR-10 re-runs sized for one GPU lease (about 10 minutes of one H200): Li et al. (2017)'s
ResNet-56-pruned-A (L1-norm filter pruning, its dense baseline trained too) and one SWD cell of Tessier et
al. (2022)'s Table 3 (ResNet-20, 90 % of the weights). reproduce/campaigns/cifar10-gpu.yaml names them as one
campaign, 3 seeds each, that `pruneatlas reproduce campaign run` executes.

Both train on the JPEG copy of CIFAR-10 (../shared/datasets), so their rows are `cifar10-jpeg`, never
`cifar10`: JPEG re-encoding costs accuracy, and the rows say so. Both are trained for far fewer epochs than
the papers (to fit the lease; stated in every row): the comparisons they test are within one run (the pruned
network against its own dense baseline for Li et al.; SWD's accuracy after the final removal), at one and
the same shortened budget.
"""

from __future__ import annotations

from typing import Any

from reproduce.recipes.base import Recipe

DENSE_EPOCHS = 30  # ResNet-56's dense training here (Li et al. train a baseline; the paper's schedule is not ours)
FINETUNE_EPOCHS = 10  # Li et al. retrain 40 epochs (atlas row condition finetune_epochs: 40)
SWD_EPOCHS = 30  # Tessier et al.: 300 (seeds/003 line 341)
QUICK: dict[str, Any] = {  # a smoke run: one batch of 64 images per phase, tested on 64
    "training": {"epochs": 1, "batch_size": 64, "test_batch_size": 64},
    "data": {"train_subset": 64, "test_subset": 64},
}
JPEG = "trained and tested on the JPEG re-encoding of CIFAR-10 (quality about 75; its own dataset, cifar10-jpeg)"

LI_A = Recipe(
    name="li2017-resnet56-pruned-a",
    target="Li2017Pruning/t1-resnet56-pruned-a",
    config={
        "method": {"method": "l1-filter", "finetune_epochs": FINETUNE_EPOCHS, "finetune_lr": 0.001},
        "arch": "resnet56",
        "dataset": "cifar10-jpeg",
        "sparsity": 0.1,
        "training": {
            "epochs": DENSE_EPOCHS,
            "batch_size": 128,
            "lr": 0.1,
            "momentum": 0.9,
            "weight_decay": 1e-4,
            "schedule": "step",
            "milestones": [0.5, 0.75],
        },
    },
    quick={**QUICK, "method": {"finetune_epochs": 1}},
    deviations=f"{JPEG}; the dense ResNet-56 is trained {DENSE_EPOCHS} epochs (SGD, lr 0.1 divided by 10 at 50 % "
    f"and 75 %, momentum 0.9, weight decay 1e-4, batch 128: our settings) and the pruned network retrained "
    f"{FINETUNE_EPOCHS} epochs at lr 0.001 instead of the paper's 40; 10 % of the filters of the first conv of "
    "every residual block are removed, without skipping the four sensitive layers (16, 20, 38, 54) Li et al. "
    "leave whole, so slightly more is removed than in pruned-A; 3 seeds (the paper reports one run).",
)

SWD_T90 = Recipe(
    name="tessier2022-resnet20-swd-t90",
    target="Tessier2022Rethinking/t3-resnet20-unstr-swd-t90",
    config={
        "method": {"method": "swd", "a_min": 1.0, "a_max": 1e4, "mu": 5e-4},
        "arch": "resnet20",
        "dataset": "cifar10-jpeg",
        "sparsity": 0.9,
        "training": {
            "epochs": SWD_EPOCHS,
            "batch_size": 128,
            "lr": 0.1,
            "momentum": 0.9,
            "weight_decay": 5e-4,
            "schedule": "step",
            "milestones": [1 / 3, 2 / 3],
        },
    },
    quick=QUICK,
    deviations=f"{JPEG}; {SWD_EPOCHS} epochs instead of the paper's 300 (lr 0.1, 0.01, 0.001 by thirds as in the "
    "paper; a grows from a_min to a_max over the shortened run); batch 128 is ours (the paper gives none); the "
    "selective decay and the final removal select over conv and linear weights (the paper's target counts "
    "parameters); 3 seeds where the paper ran one.",
)

RECIPES = [LI_A, SWD_T90]
