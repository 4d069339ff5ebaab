"""A run's identity is the sha256 of its config with defaults left out; these hashes must never change."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from reproduce.config import dense_hash, group_hash, make_config, run_hash
from reproduce.registry import UnregisteredName

PINNED = [
    # the "done when" command: magnitude, mlp, digits, sparsity 0.9, 3 epochs, seed 0
    (
        "843144c99b27c8d8268d0c8f9514ec2e0a8d7c5064bf31d1b43bbfcba1772a3d",
        lambda: make_config("magnitude", "mlp", "digits", 0.9, training={"epochs": 3}),
    ),
    (
        "bba42313f24a649d3be449da23113c18dfbb40ffaeac0778e75515d745cb0a7c",
        lambda: make_config(
            "swd",
            "lenet5-swd",
            "mnist",
            0.99,
            method_params={"a_min": 0.01, "a_max": 1e4},
            data={"resize": 32},
            training={"epochs": 200, "momentum": 0.0, "weight_decay": 0.0},
        ),
    ),
    (
        "c069eaf87e029361471e74e5f515f34102a2da48b350ddde8bd7614d9aee6a4f",
        lambda: make_config("lottery-ticket", "resnet20", "cifar10", 0.9, seed=2, arch_options={"width": 64}),
    ),
]


@pytest.mark.parametrize(("expected", "build"), PINNED, ids=["magnitude", "swd", "lottery-ticket"])
def test_hashes_are_pinned(expected: str, build) -> None:  # type: ignore[no-untyped-def]
    assert run_hash(build()) == expected


def test_spelling_out_a_default_does_not_change_the_hash() -> None:
    short = make_config("magnitude", "mlp", "digits", 0.9)
    spelled = make_config(
        "magnitude",
        "mlp",
        "digits",
        0.9,
        method_params={"scope": "global"},
        seed=0,
        training={"epochs": 10, "batch_size": 128, "lr": 0.1},
        data={"augment": None},
    )
    assert run_hash(short) == run_hash(spelled)


def test_architecture_options_are_checked_and_their_defaults_dropped() -> None:
    plain = make_config("magnitude", "mlp", "digits", 0.9)
    spelled = make_config("magnitude", "mlp", "digits", 0.9, arch_options={"widths": [300, 100]})
    assert run_hash(plain) == run_hash(spelled)
    with pytest.raises(ValidationError, match="widths"):
        make_config("magnitude", "mlp", "digits", 0.9, arch_options={"widths": "wide"})
    with pytest.raises(ValidationError, match="Extra inputs"):
        make_config("magnitude", "resnet20", "cifar10", 0.9, arch_options={"depth": 3})


def test_seed_changes_the_run_but_not_the_group_or_method_the_dense_run() -> None:
    a = make_config("magnitude", "mlp", "digits", 0.9, seed=0)
    b = make_config("magnitude", "mlp", "digits", 0.9, seed=1)
    c = make_config("snip", "mlp", "digits", 0.5, seed=0)
    assert run_hash(a) != run_hash(b)
    assert group_hash(a) == group_hash(b)
    assert dense_hash(a) == dense_hash(c) != dense_hash(b)
    assert run_hash(a) != run_hash(c)


def test_configs_are_typed_and_closed() -> None:
    with pytest.raises(ValidationError, match="a_min"):
        make_config("swd", "mlp", "digits", 0.9, method_params={"a_min": "big"})
    with pytest.raises(ValidationError, match="Extra inputs"):
        make_config("snip", "mlp", "digits", 0.9, method_params={"a_min": 1.0})  # another method's field
    with pytest.raises(ValidationError):
        make_config("snip", "mlp", "digits", 1.0)  # sparsity must be below 1
    with pytest.raises(UnregisteredName, match="valid methods"):
        make_config("snipp", "mlp", "digits", 0.5)
