"""Named recipes: the settings that re-run one specific published result, and the atlas row it targets.

Every claim below is quoted from a source on disk (../shared/seeds or ../shared/reference), with where.
Settings the sources do not give are ours and are listed in `deviations`; a recipe never invents the
published number. `quick` is a shortened variant for a smoke run: its row does not claim to reproduce.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from reproduce.config import RunConfig


@dataclass(frozen=True)
class Recipe:
    name: str
    claim: str  # the published result, as the source states it
    source: str  # where on disk the claim is
    target: str | None  # "<PaperKey>/<result id>" of the atlas row re-run (may not be in the atlas yet)
    config: dict[str, Any]
    seeds: tuple[int, ...] = (0,)
    quick: dict[str, Any] = field(default_factory=dict)  # deep-merged into config for a short smoke run
    deviations: str = ""

    def run_config(self, quick: bool = False) -> RunConfig:
        raw = _merge(self.config, self.quick) if quick else self.config
        return RunConfig.model_validate(raw)


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in extra.items():
        out[key] = _merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


SWD_LENET = {
    "arch": "lenet5-swd",
    "dataset": "mnist",
    "data": {"resize": 32},
    "training": {
        "epochs": 200,
        "batch_size": 128,
        "lr": 0.1,
        "momentum": 0.0,
        "weight_decay": 0.0,
        "schedule": "constant",
    },
}
SWD_SOURCE = "seeds/003_dfe5a7272b2d12ed.txt line 357 (set-up) and Table 4; reference/swd-tessier2022.md section d"
SWD_DEVIATIONS = (
    "MNIST resized to 32x32 with antialiased bilinear interpolation of the uint8 images (the "
    "repository resizes PIL images); SWD selects over conv and linear weights only."
)

RECIPES = {
    r.name: r
    for r in [
        Recipe(
            name="han2015-lenet300-mnist",
            claim='Han et al. (2015), LeNet-300-100 on MNIST: iterative magnitude pruning can "reduce the number '
            'of weights by a factor of 12 without compromising accuracy"',
            source="seeds/001_822db64f19148759.txt line 92 (Vadera & Ameen's summary); the figures of Han's Table 1 "
            "are only in reference/survey-li2022-and-incop.md c.1, marked external and unverified",
            target="Han2015Learning/t1-lenet-300-100",
            config={
                "method": {
                    "method": "magnitude-iterative",
                    "scope": "global",
                    "iterations": 5,
                    "finetune_epochs": 10,
                    "finetune_lr": 0.01,
                },
                "arch": "lenet-300-100",
                "dataset": "mnist",
                "sparsity": round(1 - 1 / 12, 4),
                "training": {"epochs": 20, "lr": 0.1, "weight_decay": 1e-4},
            },
            seeds=(0, 1, 2),
            quick={"training": {"epochs": 2}, "method": {"finetune_epochs": 1}},
            deviations="Han et al. prune layer by layer with per-layer thresholds; we prune globally to the overall "
            "12x. Their training schedule is not in the sources on disk; ours is SGD 0.1, 20 epochs.",
        ),
        Recipe(
            name="tessier2022-lenet5-swd-t99",
            claim="SWD, LeNet-5 (repository variant) on MNIST, 99 % of weights pruned, a_min 1e-2, a_max 1e4: "
            "93.52 % top-1 after the final removal",
            source=SWD_SOURCE,
            target="Tessier2022Rethinking/t4-lenet5-t99-amin1e-2-amax1e4",
            config={
                "method": {"method": "swd", "a_min": 1e-2, "a_max": 1e4, "mu": 5e-4},
                "sparsity": 0.99,
                **SWD_LENET,
            },
            quick={"training": {"epochs": 5}},
            deviations=SWD_DEVIATIONS,
        ),
        Recipe(
            name="tessier2022-lenet5-swd-t90",
            claim="SWD, LeNet-5 (repository variant) on MNIST, 90 % of weights pruned, a_min 1e-2, a_max 1e4: "
            "99.04 % top-1 after the final removal",
            source=SWD_SOURCE,
            target="Tessier2022Rethinking/t4-lenet5-t90-amin1e-2-amax1e4",
            config={
                "method": {"method": "swd", "a_min": 1e-2, "a_max": 1e4, "mu": 5e-4},
                "sparsity": 0.9,
                **SWD_LENET,
            },
            quick={"training": {"epochs": 5}},
            deviations=SWD_DEVIATIONS,
        ),
        Recipe(
            name="mikler2021-mlp-weight-rewinding-96",
            claim="Mikler (2021) Table 3.1, 784-400-400-400-10 MLP on MNIST pruned by weight rewinding to 96 % "
            "sparsity: 98.624 +- 0.035 % (98.624 +- 0.039 in the text, L547)",
            source="seeds/002_166f035996eec6a2.txt lines 559-563; set-up from reference/gimp-mikler2021.md c)",
            target="Mikler2021Pruning/t3-1-none",
            config={
                "method": {"method": "lottery-ticket", "per_round": round(1 - 0.04 ** (1 / 9), 6), "scope": "global"},
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
                },
            },
            seeds=(0, 1, 2),
            quick={"training": {"epochs": 2}},
            deviations="Schedule from the author's repository default (30 epochs of batch 100, lr 0.1/0.01/0.001), "
            "not from the thesis; PyTorch's default init instead of Glorot-uniform; weight decay on every "
            "parameter instead of L2 on kernels; 9 rounds of 30.07 % reach exactly 96 %.",
        ),
        Recipe(
            name="frankle2019-lenet300-lottery",
            claim='Frankle & Carbin (2019), LeNet-300-100 on MNIST: "a subnetwork that is only 3.6% of its '
            'original size performs just as well" (a qualitative claim)',
            source="seeds/001_822db64f19148759.txt line 106; set-up (Adam 1.2e-3, batch 60, 20 % per layer) from "
            "reference/survey-li2022-and-incop.md c.1, marked external",
            target="Frankle2019Lottery/lenet-300-100-3.6pct",
            config={
                "method": {"method": "lottery-ticket", "per_round": 0.2, "scope": "layerwise"},
                "arch": "lenet-300-100",
                "dataset": "mnist",
                "sparsity": 0.964,
                "training": {
                    "epochs": 10,
                    "batch_size": 60,
                    "optimizer": "adam",
                    "lr": 1.2e-3,
                    "weight_decay": 0.0,
                    "schedule": "constant",
                },
            },
            quick={"training": {"epochs": 1}},
            deviations="15 rounds of 20 % per layer (the output layer is pruned at the same rate, not half); "
            "10 epochs per round instead of 50K iterations.",
        ),
    ]
}
