"""Mikler's (2021) Table 3.1 controls: modify a weight-rewinding ticket before it is trained, to ask how
tightly its mask and its initial weights are coupled (reference: gimp-mikler2021.md, "Mask/weight
modification controls"). The ticket is the rewound network theta_0 * m at the final sparsity.

- shuffle_weights (A): permute the kept values among the kept positions of each layer; mask unchanged;
- reinit: same mask, fresh weights drawn by the run's initialisation scheme;
- shuffle_layer (B): one random permutation of each layer's (mask, weight) pairs: the kept values move with
  their mask bits, so the topology changes and each layer keeps its sparsity;
- shuffle_layer_reinit: each layer's mask shuffled as in B, and fresh weights.

These are modifications of a lottery ticket, not pruning methods: they are an option of `lottery-ticket`,
so their rows keep its method id, with the control in the label.
"""

from __future__ import annotations

from typing import Literal

import torch
from torch import nn

from reproduce.masks import Masks
from reproduce.models.init import initialise

TicketControl = Literal["none", "shuffle_weights", "reinit", "shuffle_layer", "shuffle_layer_reinit"]

LABELS: dict[str, str] = {
    "none": "",
    "shuffle_weights": "shuffle parameters within masks (A)",
    "reinit": "reinitialise parameters",
    "shuffle_layer": "shuffle masks and weights in layer (B)",
    "shuffle_layer_reinit": "shuffle masks in layer and reinitialise",
}


@torch.no_grad()
def modify_ticket(model: nn.Module, masks: Masks, control: TicketControl, seed: int, init: str) -> None:
    """Apply `control` to the rewound ticket in place (weights and masks), reproducibly from `seed`."""
    if control == "none":
        return
    generator = torch.Generator().manual_seed(seed)
    params = dict(model.named_parameters())
    for name in masks.names:
        weight, mask = params[name], masks.tensors[name]
        if control in ("shuffle_layer", "shuffle_layer_reinit"):
            order = torch.randperm(mask.numel(), generator=generator).to(mask.device)
            mask.copy_(mask.flatten()[order].view_as(mask))
            weight.copy_(weight.flatten()[order].view_as(weight))
        elif control == "shuffle_weights":
            kept = mask.flatten().nonzero().squeeze(1)
            order = torch.randperm(len(kept), generator=generator).to(kept.device)
            flat = weight.detach().flatten()
            flat[kept] = flat[kept[order]]
            weight.copy_(flat.view_as(weight))
    if control in ("reinit", "shuffle_layer_reinit"):
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            initialise(model, init)
    masks.apply()
