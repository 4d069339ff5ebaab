"""One test per method for the behaviour that defines it."""

from __future__ import annotations

import copy
import itertools
from typing import Any

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from reproduce.context import Context
from reproduce.masks import Masks, choose_masks, magnitude_scores
from reproduce.methods.at_init import grasp_scores, snip_scores, synflow_scores
from reproduce.methods.filters import geometric_median_distance, l1_norms
from reproduce.methods.slimming import global_lowest_channels
from reproduce.methods.swd import add_selective_decay, coefficient
from reproduce.runs import load_torch
from reproduce.structured import ChannelPruner, lowest


@pytest.fixture
def phase_starts(monkeypatch: pytest.MonkeyPatch) -> dict[str, dict[str, Any]]:
    """Record the model, masks and lr at the start of every training phase, the first time it runs."""
    seen: dict[str, dict[str, Any]] = {}
    inits: dict[int, dict[str, torch.Tensor]] = {}  # each run's model as its Context received it
    original = Context.train
    original_init = Context.__init__

    def record_init(self: Context, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        inits[id(self)] = copy.deepcopy(self.model.state_dict())

    def spy(self: Context, phase: str, schedule, **kwargs):  # type: ignore[no-untyped-def]
        if phase not in seen:
            seen[phase] = {
                "state": copy.deepcopy(self.model.state_dict()),
                "masks": {n: t.clone() for n, t in self.masks.tensors.items()} if self.masks else None,
                "sparsity": self.masks.sparsity() if self.masks else 0.0,
                "lr": schedule.lr,
                "init": inits[id(self)],
                "dense_dir": self.dense_dir,
            }
        result = original(self, phase, schedule, **kwargs)
        seen[phase]["end"] = copy.deepcopy(self.model.state_dict())
        return result

    monkeypatch.setattr(Context, "__init__", record_init)
    monkeypatch.setattr(Context, "train", spy)
    return seen


def assert_rewound(start: dict[str, Any], reference: dict[str, torch.Tensor]) -> None:
    """Every prunable weight equals reference * mask; every other tensor equals the reference."""
    for name, value in start["state"].items():
        expected = reference[name] * start["masks"][name] if name in start["masks"] else reference[name]
        assert torch.equal(value, expected), name


def test_lottery_ticket_rewinds_survivors_to_their_initial_values(run, toy_config, phase_starts) -> None:
    run(toy_config("lottery-ticket", 0.6, method_params={"per_round": 0.5}))
    assert {"round-1", "round-2-to-0.6"} <= set(phase_starts)  # the second round is clamped to the target
    for phase in ("round-1", "round-2-to-0.6"):
        assert_rewound(phase_starts[phase], phase_starts[phase]["init"])


def test_late_rewinding_restores_the_weights_saved_at_that_step(run, toy_config, phase_starts) -> None:
    # The dense run has 4 steps; rewinding to step 4 must restore its final weights. The dense phase is
    # trained first by another method, so the snapshot is recomputed by replaying the phase.
    run(toy_config("magnitude"))
    run(toy_config("lottery-ticket", 0.5, method_params={"rewind_step": 4, "per_round": 0.5}))
    start = phase_starts["round-1"]
    dense_end = load_torch(start["dense_dir"].checkpoint("dense"))["model"]
    assert_rewound(start, dense_end)
    assert not torch.equal(start["state"]["fc.weight"], start["init"]["fc.weight"] * start["masks"]["fc.weight"])


def test_lr_rewinding_keeps_the_trained_weights_and_restarts_the_lr(run, toy_config, phase_starts) -> None:
    config = toy_config("lr-rewinding", 0.5)
    run(config)
    start = phase_starts["round-1"]
    assert_rewound(start, phase_starts["dense"]["end"])
    assert start["lr"] == config.training.lr


@pytest.mark.parametrize(("percent", "expected"), [(0.0, "previous end"), (100.0, "previous start")])
def test_sgimp_rewinds_by_x_percent_of_the_latest_cycle(run, toy_config, phase_starts, percent, expected) -> None:
    run(toy_config("sgimp", 0.6, method_params={"rewind_percent": percent, "per_round": 0.5}))
    previous = phase_starts["round-1"]
    reference = previous["end"] if expected == "previous end" else previous["state"]
    assert_rewound(phase_starts["round-2"], reference)


def test_magnitude_iterative_reaches_i_over_n_of_the_target_at_iteration_i(run, toy_config, phase_starts) -> None:
    run(toy_config("magnitude-iterative", 0.5, method_params={"iterations": 5}))
    reached = [phase_starts[f"iteration-{i}"]["sparsity"] for i in range(1, 6)]
    assert reached == pytest.approx([0.1, 0.2, 0.3, 0.4, 0.5], abs=1e-3)


def test_magnitude_scope_layerwise_prunes_every_layer_equally_global_does_not() -> None:
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(20, 30), nn.Linear(30, 10))
    with torch.no_grad():
        model[1].weight.mul_(10)  # the second layer's weights are all larger
    masks = Masks(model)
    scores = magnitude_scores(model, masks.names)
    layerwise = choose_masks(scores, 0.5, "layerwise")
    assert [float(1 - m.mean()) for m in layerwise.values()] == [0.5, 0.5]
    global_ = choose_masks(scores, 0.5, "global")
    assert float(1 - global_["0.weight"].mean()) > 0.7 and float(1 - global_["1.weight"].mean()) < 0.1
    # and the kept weights are the largest ones
    kept, pruned = scores["0.weight"][layerwise["0.weight"] > 0], scores["0.weight"][layerwise["0.weight"] == 0]
    assert kept.min() >= pruned.max()


def test_random_masks_depend_on_the_seed_and_hit_every_layer_equally(run, toy_config, options) -> None:
    from reproduce.experiment import run_dir_for

    masks = []
    for seed in (0, 1):
        config = toy_config("random", 0.5, seed=seed)
        run(config)
        masks.append(load_torch(run_dir_for(config, options).path / "final.pt")["masks"])
    assert all(float(1 - m.float().mean()) == pytest.approx(0.5) for m in masks[0].values())
    assert any(not torch.equal(masks[0][n], masks[1][n]) for n in masks[0])


def test_snip_scores_are_abs_weight_times_gradient() -> None:
    torch.manual_seed(0)
    model = nn.Sequential(nn.Flatten(), nn.Linear(6, 4), nn.ReLU(), nn.Linear(4, 3))
    x, y = torch.randn(5, 1, 2, 3), torch.tensor([0, 1, 2, 0, 1])
    scores = snip_scores(model, ["1.weight", "3.weight"], [(x, y)])
    reference = copy.deepcopy(model)
    grads = torch.autograd.grad(F.cross_entropy(reference(x), y), [reference[1].weight, reference[3].weight])
    assert torch.allclose(scores["1.weight"], (reference[1].weight * grads[0]).abs())
    assert torch.allclose(scores["3.weight"], (reference[3].weight * grads[1]).abs())


def test_synflow_conserves_the_flow_through_every_layer() -> None:
    """Without biases, each layer's scores sum to the same R = 1^T |W_L| ... |W_1| 1 (Tanaka et al.)."""
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Flatten(),
        nn.Linear(6, 5, bias=False),
        nn.ReLU(),
        nn.Linear(5, 4, bias=False),
        nn.ReLU(),
        nn.Linear(4, 3, bias=False),
    )
    names = ["1.weight", "3.weight", "5.weight"]
    scores = synflow_scores(model, names, (1, 2, 3))
    r = (model[5].weight.abs() @ model[3].weight.abs() @ model[1].weight.abs() @ torch.ones(6)).sum()
    for name in names:
        assert float(scores[name].sum()) == pytest.approx(float(r.detach()), rel=1e-5)


def test_grasp_scores_are_weight_times_hessian_gradient_product() -> None:
    torch.manual_seed(0)
    model = nn.Linear(3, 2, bias=False)
    x, y = torch.randn(4, 3), torch.tensor([0, 1, 1, 0])
    temperature = 2.0
    scores = grasp_scores(model, ["weight"], [(x, y)], temperature)

    def loss(w: torch.Tensor) -> torch.Tensor:
        return F.cross_entropy((x @ w.view(2, 3).T) / temperature, y)

    w = model.weight.detach().flatten()
    g = torch.autograd.functional.jacobian(loss, w)
    hessian = torch.autograd.functional.hessian(loss, w)
    assert torch.allclose(scores["weight"].flatten(), w * (hessian @ g), atol=1e-6)


def test_fpgm_removes_the_filter_nearest_the_geometric_median_not_the_smallest() -> None:
    filters = torch.tensor([[5.0, 5.0], [6, 5], [4, 5], [5, 6], [5, 4], [-20, -20]])
    conv = nn.Conv2d(2, 6, 1, bias=False)
    with torch.no_grad():
        conv.weight.copy_(filters.view(6, 2, 1, 1))
    assert lowest(geometric_median_distance(conv), 1) == [0]  # the centre of the cluster is most replaceable
    assert lowest(l1_norms(conv), 1) == [2]  # whereas L1 removes the smallest filter


def test_l1_filter_pruning_keeps_the_filters_with_the_largest_l1_norms() -> None:
    model = nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.Conv2d(4, 2, 3))
    with torch.no_grad():
        for i, scale in enumerate([3.0, 0.1, 2.0, 0.2]):
            model[0].weight[i].fill_(scale)
    kept_before = model[0].weight[[0, 2]].clone()
    pruner = ChannelPruner(model, [model[0]], torch.randn(1, 1, 8, 8))
    pruner.remove({model[0]: lowest(l1_norms(model[0]), 2)})
    assert model[0].out_channels == 2 and model[2].in_channels == 2
    assert torch.equal(model[0].weight, kept_before)


def test_network_slimming_threshold_is_global_and_never_empties_a_layer() -> None:
    gammas = [torch.tensor([0.1, 0.2, 0.9]), torch.tensor([0.05, 0.06]), torch.tensor([1.0, 2.0, 3.0])]
    chosen = global_lowest_channels(gammas, 0.5)  # 4 of 8 channels
    assert chosen == [[0, 1], [0], [0]]  # 0.05 (layer 2's last survivor 0.06 is kept), 0.1, 0.2, then 1.0


def test_swd_coefficient_grows_exponentially_from_a_min_to_a_max(run, toy_config) -> None:
    values = [coefficient(s, 100, 0.1, 1e5) for s in range(101)]
    assert values[0] == pytest.approx(0.1) and values[-1] == pytest.approx(1e5)
    assert all(b > a for a, b in itertools.pairwise(values))
    assert values[50] == pytest.approx((0.1 * 1e5) ** 0.5)  # geometric midpoint
    metrics = run(toy_config("swd", 0.5, method_params={"a_min": 0.5, "a_max": 500.0}))
    steps = 4  # one epoch of 4 batches
    assert metrics.method_metrics["a_first_step"] == pytest.approx(0.5)
    assert metrics.method_metrics["a_last_step"] == pytest.approx(coefficient(steps - 1, steps, 0.5, 500.0))


def test_swd_decays_only_the_weights_the_criterion_would_remove() -> None:
    a = nn.Parameter(torch.tensor([0.1, -3.0, 0.5]))
    b = nn.Parameter(torch.tensor([[2.0, -0.2], [4.0, 1.0]]))
    for p in (a, b):
        p.grad = torch.ones_like(p)
    add_selective_decay([a, b], k=3, coeff=10.0)  # the 3 smallest |w| overall: 0.1, -0.2, 0.5
    assert torch.allclose(a.grad, torch.tensor([1 + 10 * 0.1, 1.0, 1 + 10 * 0.5]))
    assert torch.allclose(b.grad, torch.tensor([[1.0, 1 - 10 * 0.2], [1.0, 1.0]]))


@pytest.mark.parametrize(("epsilon", "expected"), [(1e9, [1, 1]), (0.0, [3, 3])])
def test_incop_stops_retraining_once_the_flow_is_back_within_epsilon(run, toy_config, epsilon, expected) -> None:
    config = toy_config(
        "incop",
        0.36,
        method_params={"epsilon": epsilon, "max_epochs": 3, "rate": 0.2},
        training={"epochs": 1, "batch_size": 64, "lr": 0.05},
    )
    metrics = run(config)
    assert metrics.method_metrics["epochs_per_iteration"] == expected
    stopped = [p.stopped_early for name, p in metrics.phases.items() if name.startswith("iteration")]
    assert stopped == [epsilon > 0] * 2


def test_incop_information_flow_variant_runs(run, toy_config) -> None:
    metrics = run(toy_config("incop", 0.2, method_params={"flow": "if", "epsilon": 1e9, "max_epochs": 2}))
    assert metrics.method_metrics["epochs_per_iteration"] == [1]
    assert len(metrics.method_metrics["flow_dense"]) == 2  # 3 hooked layers -> 2 consecutive pairs


@pytest.mark.parametrize(("p", "q", "index", "retained"), [(1.0, 2.0, 0.202, 0.637), (0.5, 1.0, 0.153, 0.847)])
def test_incop_sap_rule_prunes_as_the_pq_index_dictates(p: float, q: float, index: float, retained: float) -> None:
    """For Gaussian weights the PQ-index and the first SAP step match the reference note's simulation."""
    from reproduce.methods.incop import pq_index, sap_prune_count

    w = torch.randn(200_000, generator=torch.Generator().manual_seed(0))
    assert pq_index(w, p, q) == pytest.approx(index, abs=0.002)
    kept = 1 - sap_prune_count(w, p, q, eta=0.0, gamma=1.0, beta=0.9) / w.numel()
    assert kept == pytest.approx(retained, abs=0.003)


def test_incop_with_the_sap_rule_prunes_less_each_round_than_its_first_step(run, toy_config) -> None:
    metrics = run(toy_config("incop", 0.5, method_params={"rule": "sap", "epsilon": 1e9, "max_iterations": 3}))
    assert 0.0 < metrics.achieved <= 0.5
    assert metrics.method_metrics["iterations"] <= 3


def test_incop_without_a_flow_retrains_every_iteration_in_full_as_sap_does(run, toy_config) -> None:
    config = toy_config(
        "incop", 0.5, method_params={"rule": "sap", "flow": "none", "max_iterations": 2, "max_epochs": 2}
    )
    metrics = run(config)
    assert metrics.method_metrics["epochs_per_iteration"] == [2, 2]
    assert "flow_seconds" not in metrics.method_metrics
    assert metrics.method_label.startswith("SAP")


def test_incop_times_every_computation_of_its_flow(run, toy_config) -> None:
    metrics = run(toy_config("incop", 0.36, method_params={"epsilon": 0.0, "max_epochs": 2, "rate": 0.2}))
    recorded = metrics.method_metrics
    assert recorded["flow_calls"] == 1 + 2 * 2  # the dense flow, then one per epoch of each of 2 iterations
    assert recorded["flow_seconds"] > 0
