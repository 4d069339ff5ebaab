"""The defining behaviour of Training Optimal Masks, of Mikler's Table 3.1 ticket controls, of the lottery
ticket's shared chain of rounds and output-layer rate, and of Han et al.'s per-layer targets."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from reproduce.masks import Masks
from reproduce.methods.gimp import LotteryTicketConfig, ticket_rounds
from reproduce.methods.magnitude import per_layer_targets
from reproduce.methods.tickets import modify_ticket
from reproduce.methods.tom import TOMConfig, final_masks, mask_step, ste_mask


def test_tom_straight_through_gradient_reaches_the_logits_unchanged() -> None:
    """dL/db equals dL/dc: the sample is used forward, the identity backward."""
    logits = torch.zeros(1000, requires_grad=True)
    c = ste_mask(logits, torch.Generator().manual_seed(0))
    assert set(c.detach().unique().tolist()) == {0.0, 1.0}  # a real Bernoulli(0.5) sample
    assert 400 < float(c.detach().sum()) < 600
    upstream = torch.linspace(-1, 1, 1000)
    (c * upstream).sum().backward()
    assert torch.equal(logits.grad, upstream)


def test_tom_update_clips_the_gradient_and_the_logits_and_applies_the_penalty() -> None:
    cfg = TOMConfig(method="tom", mask_lr=1.0, mask_momentum=0.0, penalty=0.01, grad_clip=0.1, logit_clip=15.0)
    b = torch.tensor([0.0, 0.0, 14.99, -14.99], requires_grad=True)
    optimizer = torch.optim.SGD([b], lr=cfg.mask_lr, momentum=cfg.mask_momentum)
    b.grad = torch.tensor([5.0, -5.0, -5.0, 5.0])  # far beyond the clip
    mask_step([b], optimizer, cfg)
    # b - lr * (clip(g) + penalty), then clipped to [-15, 15]
    assert torch.allclose(b.detach(), torch.tensor([-0.11, 0.09, 15.0, -15.0]))


def test_tom_final_mask_keeps_exactly_the_top_logits_over_all_layers() -> None:
    logits = {"a": torch.tensor([[3.0, -1.0], [0.5, 2.0]]), "b": torch.tensor([1.0, -2.0, 4.0, 0.0, -3.0, 0.2])}
    keep = final_masks(logits, 0.6)  # 10 logits: keep the top 4 (4.0, 3.0, 2.0, 1.0) wherever they are
    assert int(sum(m.sum() for m in keep.values())) == 4
    assert keep["a"].tolist() == [[1.0, 0.0], [0.0, 1.0]]
    assert keep["b"].tolist() == [1.0, 0.0, 1.0, 0.0, 0.0, 0.0]


def test_tom_run_learns_a_mask_and_trains_from_the_pretrained_weights(run, toy_config) -> None:
    training = {"epochs": 5, "batch_size": 128, "lr": 0.05}  # 2 batches per epoch, 10 steps in all
    metrics = run(toy_config("tom", 0.75, method_params={"mask_epochs": 2}, training=training))
    assert metrics.achieved == pytest.approx(0.75, abs=1 / metrics.dense.prunable)
    assert list(metrics.phases) == ["dense", "mask-training", "train"]
    assert metrics.phases["mask-training"].epochs == 2
    assert metrics.method_metrics["pretrain_step"] == 1  # 10 % of the dense run
    assert 0 < metrics.method_metrics["mean_keep_probability"] < 1


@pytest.fixture
def ticket() -> tuple[nn.Module, Masks]:
    """A rewound 'ticket': random weights, a random half of each layer masked out."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(20, 30), nn.ReLU(), nn.Linear(30, 10))
    masks = Masks(model)
    g = torch.Generator().manual_seed(1)
    masks.update({n: (torch.rand(t.shape, generator=g) < 0.3).float() for n, t in masks.tensors.items()})
    return model, masks


def _state(model: nn.Module, masks: Masks) -> dict[str, tuple[torch.Tensor, torch.Tensor]]:
    params = dict(model.named_parameters())
    return {n: (params[n].detach().clone(), masks.tensors[n].clone()) for n in masks.names}


def _kept_values(weight: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    return weight[mask > 0].sort().values


def test_shuffle_weights_keeps_the_mask_and_each_layers_kept_values(ticket) -> None:
    model, masks = ticket
    before = _state(model, masks)
    modify_ticket(model, masks, "shuffle_weights", seed=0, init="default")
    after = _state(model, masks)
    for name, (weight, mask) in before.items():
        new_weight, new_mask = after[name]
        assert torch.equal(new_mask, mask)
        assert torch.equal(_kept_values(new_weight, new_mask), _kept_values(weight, mask))  # same multiset
        assert not torch.equal(new_weight, weight)  # but moved
        assert torch.all(new_weight[new_mask == 0] == 0)


def test_reinit_keeps_the_mask_and_draws_new_weights(ticket) -> None:
    model, masks = ticket
    before = _state(model, masks)
    modify_ticket(model, masks, "reinit", seed=0, init="glorot-uniform")
    for name, (new_weight, new_mask) in _state(model, masks).items():
        weight, mask = before[name]
        assert torch.equal(new_mask, mask)
        assert not torch.equal(_kept_values(new_weight, new_mask), _kept_values(weight, mask))
        assert torch.all(new_weight[new_mask == 0] == 0)
    assert torch.all(model[0].bias == 0)  # Glorot as Keras draws it: zero biases


@pytest.mark.parametrize("control", ["shuffle_layer", "shuffle_layer_reinit"])
def test_shuffling_masks_in_a_layer_keeps_its_sparsity_but_changes_the_topology(ticket, control) -> None:
    model, masks = ticket
    before = _state(model, masks)
    modify_ticket(model, masks, control, seed=0, init="default")
    for name, (new_weight, new_mask) in _state(model, masks).items():
        weight, mask = before[name]
        assert new_mask.sum() == mask.sum()  # per-layer sparsity kept
        assert not torch.equal(new_mask, mask)
        kept_same = torch.equal(_kept_values(new_weight, new_mask), _kept_values(weight, mask))
        assert kept_same == (control == "shuffle_layer")  # B moves the kept values with their mask bits


def test_controls_share_the_tickets_rounds_and_change_only_the_last(run, toy_config, options) -> None:
    """The control run loads rounds 1..N-1 that the unmodified run trained, and trains only its own last round."""
    params = {"per_round": 0.5}
    plain = run(toy_config("lottery-ticket", 0.75, method_params=params))
    trained: list[str] = []
    options.fault = lambda phase, epoch, step: trained.append(phase)
    control = run(toy_config("lottery-ticket", 0.75, method_params={**params, "ticket_control": "shuffle_layer"}))
    assert set(trained) == {"round-2-shuffle_layer"}
    assert list(control.phases) == ["dense", "round-1", "round-2-shuffle_layer"]
    assert control.phases["round-1"] == plain.phases["round-1"]
    assert control.achieved == pytest.approx(plain.achieved, abs=1e-3)
    assert "shuffle masks and weights in layer" in control.method_label


def test_output_layer_rate_sets_each_layers_sparsity_and_rounds_stop_at_the_target() -> None:
    """Frankle & Carbin's LeNet-300-100: 20 % per round, the output layer 10 %; 3.6 % left after 15 rounds."""
    cfg = LotteryTicketConfig(method="lottery-ticket", scope="layerwise", per_round=0.2, last_layer_per_round=0.1)
    sizes = {"fc1": 784 * 300, "fc2": 300 * 100, "fc3": 100 * 10}
    plan = ticket_rounds(cfg, 0.964, sizes)
    assert [name for name, _ in plan] == [f"round-{k}" for k in range(1, 16)]
    last = plan[-1][1]
    assert last["fc1"] == pytest.approx(1 - 0.8**15) and last["fc3"] == pytest.approx(1 - 0.9**15)
    overall = sum(last[n] * s for n, s in sizes.items()) / sum(sizes.values())
    assert overall == pytest.approx(0.9642, abs=1e-4)
    assert len(ticket_rounds(cfg, 0.83, sizes)) == 8  # 16.9 % left: the 17 % row, the same chain's round 8
    with pytest.raises(ValueError, match="layerwise"):
        LotteryTicketConfig(method="lottery-ticket", last_layer_per_round=0.1)


def test_han_per_layer_targets_must_imply_the_runs_overall_sparsity() -> None:
    model = nn.Sequential(nn.Linear(784, 300), nn.ReLU(), nn.Linear(300, 100), nn.ReLU(), nn.Linear(100, 10))
    masks = Masks(model)
    targets = per_layer_targets(masks, [0.92, 0.91, 0.74], 0.9182)  # Han et al. Table 2: 8 %, 9 %, 26 % kept
    assert list(targets.values()) == [0.92, 0.91, 0.74]
    with pytest.raises(ValueError, match=r"overall sparsity of 0\.9182"):
        per_layer_targets(masks, [0.92, 0.91, 0.74], 0.95)
    with pytest.raises(ValueError, match="3 layers"):
        per_layer_targets(masks, [0.9, 0.9], 0.9)
