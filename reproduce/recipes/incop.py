"""Gharatappeh & Sekeh (2025), InCoP: its cost claims (atlas rows Gharatappeh2025Information/*), re-run on an
MNIST-scale network on the CPU.

The paper's set-up (Sec. 3.1) is an ImageNet-pretrained ResNet18 fine-tuned on Fashion-MNIST for k = 10 epochs,
then T = 15 pruning iterations of E = 20 epochs. Ours keeps T = 15 and the pruning rules (SAP with (p, q) =
(0.5, 1), eta 0, gamma 1, beta 0.9, global; survivors rewound to the fine-tuned weights) but trains LeNet-300-100
from scratch on MNIST (Fashion-MNIST is not on disk here) with E = 5, so a side-by-side comparison of three seeds
takes minutes, not days; the claim's direction (InCoP cheaper than SAP at the same final accuracy) is what it tests.
"""

from __future__ import annotations

from typing import Any

from reproduce.recipes.base import merge
from reproduce.recipes.cost import CostRecipe, Side, flow_seconds_per_call, run_seconds

EPOCHS = 5
TRAINING = {  # the authors' code: SGD lr 0.01, batch 64, no momentum, weight decay 5e-4
    "epochs": EPOCHS,
    "batch_size": 64,
    "lr": 0.01,
    "momentum": 0.0,
    "weight_decay": 5e-4,
    "schedule": "constant",
}
SAP = {"rule": "sap", "p": 0.5, "q": 1.0, "eta": 0.0, "gamma": 1.0, "beta": 0.9, "max_iterations": 15}
EPSILON = 1.0  # the authors' code's default (the paper gives none); our IF is the code's statistic


def _config(**method: Any) -> dict[str, Any]:
    return {
        "method": merge({"method": "incop", **SAP}, method),
        "arch": "lenet-300-100",
        "dataset": "mnist",
        "sparsity": 0.99,  # a bound the 15 iterations do not reach: T decides where pruning ends
        "training": TRAINING,
    }


DEVIATIONS = (
    f"LeNet-300-100 trained from scratch on MNIST instead of an ImageNet-pretrained ResNet18 fine-tuned on "
    f"Fashion-MNIST; E = {EPOCHS} epochs per iteration (and for the dense training) instead of 20 (k = 10); "
    f"epsilon {EPSILON:g} (the authors' code's default; the paper gives none); the flow is measured on 4 fixed "
    "training batches, not the whole training set; 3 seeds timed on a shared 2-core CPU, run one after the other."
)
QUICK = {"training": {"epochs": 1}, "data": {"train_subset": 2000}, "method": {"max_iterations": 2}}

RECIPES = [
    CostRecipe(
        name="gharatappeh2025-incop-if-vs-sap-time",
        target="Gharatappeh2025Information/conclusion-incop-if-0.5-1-vs-sap-time",
        quantity="time",
        scope=f"whole run: dense training and 15 pruning iterations of up to {EPOCHS} epochs",
        measured=Side("InCoP-IF (p,q) = (0.5, 1)", _config(flow="if", epsilon=EPSILON), run_seconds()),
        reference=Side("SAP (p,q) = (0.5, 1)", _config(flow="none"), run_seconds()),
        relative_to="sap",
        quick=QUICK,
        deviations=DEVIATIONS,
    ),
    CostRecipe(
        name="gharatappeh2025-incop-if-vs-lth-time",
        target="Gharatappeh2025Information/s3-2-incop-vs-lth-time",
        quantity="time",
        scope=f"whole run: dense training and 15 pruning iterations of up to {EPOCHS} epochs",
        measured=Side("InCoP-IF (p,q) = (0.5, 1)", _config(flow="if", epsilon=EPSILON), run_seconds()),
        reference=Side("LTH (20 % per iteration)", _config(rule="rate", rate=0.2, flow="none"), run_seconds()),
        relative_to="lottery-ticket",
        quick=QUICK,
        deviations=DEVIATIONS + " LTH prunes 20 % of the remaining weights per iteration globally (the authors' "
        "code prunes per layer) and rewinds to the dense weights after warm-up, as InCoP does.",
    ),
    CostRecipe(
        name="gharatappeh2025-if-vs-gf-flow-time",
        target="Gharatappeh2025Information/s3-2-if-computation-time",
        quantity="time",
        scope="one computation of the flow, mean over a whole InCoP run (15 iterations)",
        measured=Side("InCoP-IF flow computation", _config(flow="if", epsilon=EPSILON), flow_seconds_per_call()),
        reference=Side("InCoP-GF flow computation", _config(flow="gf", epsilon=EPSILON), flow_seconds_per_call()),
        relative_to="incop",
        quick=QUICK,
        deviations=DEVIATIONS + " Our GF takes a real backward pass per batch (the authors' code reads the last "
        "training minibatch's stale gradient), so it is not the code's cheaper statistic.",
    ),
]
