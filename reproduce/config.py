"""A run's typed config and its identity: sha256 over the canonical JSON of the config with defaults left
out (so adding a field with a default keeps every old hash; tests/reproduce/test_config.py pins a few).

Three identities:
- the run hash (everything, seed included) names the run folder;
- the group hash (everything but the seed) names the atlas row that aggregates seeds;
- the dense hash (architecture, data, training, seed) names the dense training shared across methods.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Union

from pydantic import Field, ValidationInfo, field_validator

from reproduce.datasets import DataOptions, split_name
from reproduce.hparams import Frozen, TrainingConfig
from reproduce.identity import sha256, shared
from reproduce.methods import METHODS
from reproduce.methods.base import MethodConfig

if TYPE_CHECKING:  # the registered method configs, told apart by `method` when validated
    MethodConfigUnion = MethodConfig
else:
    MethodConfigUnion = Annotated[
        Union[tuple(cls.config_class for _, cls in METHODS.items())],  # noqa: UP007
        Field(discriminator="method"),
    ]


class RunConfig(Frozen):
    method: MethodConfigUnion
    arch: str
    arch_options: dict[str, Any] = Field(default_factory=dict)
    dataset: str
    data: DataOptions = DataOptions()
    sparsity: float = Field(ge=0.0, lt=1.0, description="Target; see the method's target kind")
    training: TrainingConfig = TrainingConfig()
    seed: int = Field(0, ge=0)

    @field_validator("arch")
    @classmethod
    def _known_arch(cls, value: str) -> str:
        from reproduce.models import MODELS

        MODELS.get(value)
        return value

    @field_validator("arch_options")
    @classmethod
    def _known_options(cls, value: dict[str, Any], info: ValidationInfo) -> dict[str, Any]:
        """Checked now, and stored without defaults, so spelling out a default keeps the hash."""
        from reproduce.models import MODELS

        arch = info.data.get("arch")
        if arch is None:
            return value
        return MODELS.get(arch).parse_options(value).model_dump(mode="json", exclude_defaults=True)

    @field_validator("training")
    @classmethod
    def _trains(cls, value: TrainingConfig) -> TrainingConfig:
        """A run trains the dense network first; zero epochs would report an untrained net as a baseline."""
        if value.epochs < 1:
            raise ValueError(f"epochs must be at least 1, got {value.epochs}")
        return value

    @field_validator("dataset")
    @classmethod
    def _known_dataset(cls, value: str) -> str:
        from reproduce.datasets import DATASETS

        DATASETS.get(split_name(value)[0])
        return value

    def identity(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_defaults=True)


SEEDS_SHARE = ("seed",)  # the runs of one atlas row differ only in their seed
DENSE_SHARES = ("method", "sparsity")  # the dense training is the same whatever is pruned from it, and how


def run_hash(config: RunConfig) -> str:
    return sha256(config.identity())


def group_hash(config: RunConfig) -> str:
    return sha256(shared(config.identity(), SEEDS_SHARE))


def dense_identity(config: RunConfig) -> dict[str, Any]:
    return shared(config.identity(), DENSE_SHARES)


def dense_hash(config: RunConfig) -> str:
    return sha256(dense_identity(config))


def make_config(
    method: str,
    arch: str,
    dataset: str,
    sparsity: float,
    *,
    method_params: dict[str, Any] | None = None,
    **fields: Any,
) -> RunConfig:
    """Build a config from names (what the CLI and recipes do)."""
    METHODS.get(method)  # unknown names fail here, listing the valid ones
    return RunConfig.model_validate(
        {
            "method": {"method": method, **(method_params or {})},
            "arch": arch,
            "dataset": dataset,
            "sparsity": sparsity,
            **fields,
        }
    )
