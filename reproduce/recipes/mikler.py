"""Mikler (2021), the 784-400-400-400-10 MLP on MNIST at 96 % sparsity: the weight-rewinding ticket (iterative
pruning, Table 3.1 "None"), its four Table 3.1 controls, and Training Optimal Masks.

The thesis gives no MNIST schedule; the author's repository default (reference/gimp-mikler2021.md c) is
used: 18,000 iterations of batch 100 (30 epochs), lr 0.1 -> 0.01 at 6k -> 0.001 at 12k, SGD with Nesterov
momentum 0.9, L2 1e-4 on kernels (weight decay 2e-4), Glorot-uniform init. Pruning is global magnitude over
the four kernels (biases kept), weights rewound to their initial values and the lr schedule restarted every
cycle. 96 % exactly is reached in 9 rounds of 30.07 % (K = 0.04^(1/9) = 0.6993 instead of the thesis's
0.7, whose 9 rounds reach 95.96 % and would need a tenth, clamped, round). The four controls and the
ticket share one chain of rounds; each control changes only the last, 96 % training.
"""

from __future__ import annotations

from reproduce.recipes.base import Recipe

MLP = {
    "arch": "mlp",
    "arch_options": {"widths": [400, 400, 400]},
    "dataset": "mnist",
    "sparsity": 0.96,
    "training": {
        "epochs": 30,
        "batch_size": 100,
        "lr": 0.1,
        "nesterov": True,
        "weight_decay": 2e-4,
        "milestones": [1 / 3, 2 / 3],
        "init": "glorot-uniform",
    },
}
QUICK = {"training": {"epochs": 2}, "data": {"train_subset": 5000, "test_subset": 2000}}
DEVIATIONS = (
    "Schedule from the author's repository default, not from the thesis (which gives none for MNIST); "
    "weight decay 2e-4 on every parameter instead of L2 1e-4 on kernels only; accuracy at the end of training "
    "(the repository's plots take the best test accuracy over evaluations); 3 seeds (the thesis does not say how "
    "many runs its +- is over)."
)
TICKET = {"method": "lottery-ticket", "per_round": round(1 - 0.04 ** (1 / 9), 6), "scope": "global"}
TABLE_3_1 = {  # Table 3.1's modification -> the atlas row it re-runs
    "none": "t3-1-none",
    "shuffle_weights": "t3-1-shuffle-params",
    "reinit": "t3-1-reinit-params",
    "shuffle_layer": "t3-1-shuffle-masks-weights",
    "shuffle_layer_reinit": "t3-1-shuffle-masks-reinit",
}


def _ticket(control: str) -> Recipe:
    row = TABLE_3_1[control]
    return Recipe(
        name="mikler2021-mlp-ticket-96" + ("" if control == "none" else f"-{control.replace('_', '-')}"),
        target=f"Mikler2021Pruning/{row}",
        config={**MLP, "method": {**TICKET, **({"ticket_control": control} if control != "none" else {})}},
        quick=QUICK,
        deviations=DEVIATIONS
        + (
            " The control is applied to the rewound 96 % ticket (theta_0 * m) and the network is then trained for "
            "the full schedule (the thesis implies the retraining); reinitialisation draws Glorot-uniform weights "
            "and zero biases from a seed of its own."
            if control != "none"
            else ""
        ),
    )


TOM = {
    "method": "tom",
    "mask_epochs": 4,
    "mask_lr": 10.0,
    "logit_init": 3.0,
    "penalty": 3e-5,
}
TOM_TUNING = (
    "Chosen in one tuning run (a seed of its own) before the recorded runs, by the top-4 % mask's accuracy on "
    "the frozen 10 % weights and "
    "a 3-epoch retraining: penalty 1e-3 or 1e-4 drove the mean keep-probability far below 4 % within an epoch "
    "(mask-only 66-90 %); 3e-5 with lr 10 let it decay 0.78 -> 0.37 -> 0.10 -> 0.03 over 4 epochs (mask-only "
    "94.5 %, against 75.5 % for the magnitude mask of the same weights)."
)

RECIPES = [
    *(_ticket(control) for control in TABLE_3_1),
    Recipe(
        name="mikler2021-mlp-tom-96",
        target="Mikler2021Pruning/s3-3-1-tom-mnist",
        config={**MLP, "method": TOM},
        quick={**QUICK, "method": {"mask_epochs": 1}},
        deviations=DEVIATIONS
        + " Not in the thesis, chosen by us: logits start at 3.0 (keep-probability 0.95); SGD on the logits with lr "
        "10 and momentum 0.9 for 4 epochs; the penalty is L1 on the logits (3e-5 added to every logit's gradient); "
        "the weights are trained from the 10 % checkpoint for the full 30 epochs with the lr schedule restarted. "
        + TOM_TUNING,
    ),
]
